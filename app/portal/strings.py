"""What the supplier portal says, in Indonesian and English. The explorer's strings (app/explorer/i18n.py)
cover what both show (columns, statuses, the document check); these are the portal's own."""

from __future__ import annotations

from dataclasses import dataclass

from app.explorer.i18n import Locale

PORTAL_STRINGS: dict[str, dict[str, str]] = {
    "portal.title": {"id": "Portal Penyedia Terang", "en": "Terang supplier portal"},
    "portal.nav.tenders": {"id": "Cari tender", "en": "Find tenders"},
    "portal.nav.explorer": {"id": "Penjelajah publik", "en": "Public explorer"},
    "portal.search.title": {"id": "Tender yang masih menerima penawaran", "en": "Tenders still taking bids"},
    "portal.search.intro": {
        "id": "Tender yang diumumkan dan batas waktu pemasukan penawarannya belum lewat, "
        "yang paling dekat batas waktunya lebih dulu.",
        "en": "Announced tenders whose bid deadline has not passed yet, nearest deadline first.",
    },
    "portal.filter.words": {"id": "Kata dalam judul", "en": "Words in the title"},
    "portal.filter.agency": {"id": "Instansi", "en": "Agency"},
    "portal.filter.category": {"id": "Jenis pengadaan", "en": "Category"},
    "portal.filter.method": {"id": "Metode pemilihan", "en": "Selection method"},
    "portal.filter.any": {"id": "Semua", "en": "Any"},
    "portal.filter.apply": {"id": "Cari", "en": "Search"},
    "portal.filter.clear": {"id": "Hapus filter", "en": "Clear filters"},
    "portal.filter.region_gap": {
        "id": "Wilayah belum dapat dipilih: lokasi pekerjaan belum tercatat pada pengumuman tender.",
        "en": "Region cannot be chosen yet: the work's location is not part of a tender's announcement.",
    },
    "portal.found": {"id": "tender ditemukan", "en": "tenders found"},
    "portal.none": {
        "id": "Tidak ada tender terbuka yang cocok dengan pencarian ini.",
        "en": "No open tender matches this search.",
    },
    "portal.deadline": {"id": "Batas pemasukan penawaran", "en": "Bid deadline"},
    "portal.left": {"id": "sisa", "en": "left"},
    "portal.days": {"id": "hari", "en": "days"},
    "portal.hours": {"id": "jam", "en": "hours"},
    "portal.minutes": {"id": "menit", "en": "minutes"},
    "portal.closed": {"id": "sudah lewat", "en": "passed"},
    "portal.category.goods": {"id": "Barang", "en": "Goods"},
    "portal.category.construction": {"id": "Pekerjaan konstruksi", "en": "Construction works"},
    "portal.category.consultancy": {"id": "Jasa konsultansi", "en": "Consultancy"},
    "portal.category.other_services": {"id": "Jasa lainnya", "en": "Other services"},
    "portal.method.tender": {"id": "Tender", "en": "Tender"},
    "portal.method.tender_cepat": {"id": "Tender cepat", "en": "Fast tender (Tender Cepat)"},
    "portal.method.seleksi": {"id": "Seleksi", "en": "Selection (Seleksi)"},
    "portal.evaluation.lowest_price": {"id": "Harga terendah", "en": "Lowest price"},
    "portal.evaluation.value_system": {"id": "Sistem nilai", "en": "Value system"},
    "portal.tender.evaluation": {"id": "Metode evaluasi", "en": "Evaluation method"},
    "portal.tender.bond": {"id": "Jaminan penawaran", "en": "Bid bond"},
    "portal.tender.no_bond": {"id": "tidak disyaratkan", "en": "not required"},
    "portal.tender.schedule": {"id": "Jadwal", "en": "Schedule"},
    "portal.tender.announced": {"id": "Diumumkan", "en": "Announced"},
    "portal.tender.reveal": {
        "id": "Batas pembukaan penawaran oleh penyedia",
        "en": "Deadline for suppliers to open their bids",
    },
    "portal.tender.objection": {"id": "Batas masa sanggah", "en": "Objection (sanggah) deadline"},
    "portal.tender.paused": {
        "id": "Tender sedang dihentikan sementara; jadwal bergeser sepanjang penghentian.",
        "en": "Tenders are paused; the schedule moves on by the length of the pause.",
    },
    "portal.tender.documents": {"id": "Dokumen tender dan adendum", "en": "Tender documents and addenda"},
    "portal.tender.no_documents": {
        "id": "Belum ada dokumen yang tercatat.",
        "en": "No document on record yet.",
    },
    "portal.tender.public_record": {
        "id": "Riwayat lengkap tender ini di penjelajah publik",
        "en": "This tender's whole history in the public explorer",
    },
    "portal.tender.bidders": {"id": "Penawaran masuk", "en": "Bids received"},
    "portal.tender.sealed": {
        "id": "Harga penawaran tersegel sampai masa pembukaan.",
        "en": "Bid prices stay sealed until the opening window.",
    },
    "portal.previous": {"id": "Sebelumnya", "en": "Previous"},
    "portal.next": {"id": "Berikutnya", "en": "Next"},
    "portal.nav.sign_in": {"id": "Masuk", "en": "Sign in"},
    "portal.nav.sign_out": {"id": "Keluar", "en": "Sign out"},
    "portal.nav.me": {"id": "Akun saya", "en": "My account"},
    "portal.footer": {
        "id": "Halaman ini hanya membaca buku besar. Waktu disimpan dalam UTC dan ditampilkan dalam",
        "en": "These pages only read the ledger. Times are stored in UTC and shown in",
    },
    "portal.sign_in.failed": {"id": "Gagal masuk", "en": "Sign-in failed"},
    "portal.sign_in.again": {"id": "Coba masuk lagi", "en": "Sign in again"},
    "portal.error.code": {"id": "Kode", "en": "Code"},
    "portal.error.sign_in_state_mismatch": {
        "id": "Proses masuk ini tidak dimulai dari peramban ini. Mulai lagi dari tombol Masuk.",
        "en": "This sign-in was not started in this browser. Start again from Sign in.",
    },
    "portal.error.sign_in_expired": {
        "id": "Proses masuk sudah kedaluwarsa atau sudah dipakai. Mulai lagi.",
        "en": "The sign-in has expired or was already used. Start again.",
    },
    "portal.error.sign_in_cancelled": {
        "id": "Proses masuk dibatalkan di penyedia identitas.",
        "en": "The sign-in was cancelled at the identity provider.",
    },
    "portal.error.not_a_supplier": {
        "id": "Akun ini bukan akun penyedia. Pejabat memakai sistem instansinya, bukan portal penyedia.",
        "en": "This account is not a supplier's. Officials use their agency's system, not the "
        "supplier portal.",
    },
    "portal.error.identity_provider_unavailable": {
        "id": "Penyedia identitas tidak dapat dihubungi. Coba lagi sebentar lagi.",
        "en": "The identity provider cannot be reached. Try again shortly.",
    },
    "portal.error.portal_sign_in_unconfigured": {
        "id": "Masuk ke portal belum dikonfigurasi di gateway ini.",
        "en": "Signing in to the portal is not configured on this gateway.",
    },
    "portal.me.title": {"id": "Akun saya", "en": "My account"},
    "portal.me.public_page": {"id": "halaman publik", "en": "public page"},
    "portal.me.bids": {"id": "Tender yang diikuti", "en": "Tenders bid in"},
    "portal.me.wins": {"id": "Dimenangkan", "en": "Won"},
    "portal.me.not_registered": {
        "id": "Belum terdaftar di registri penyedia.",
        "en": "Not in the supplier registry yet.",
    },
    "portal.me.needs_you": {"id": "Perlu tindakan Anda", "en": "Needs you now"},
    "portal.me.nothing": {
        "id": "Tidak ada yang menunggu tindakan Anda.",
        "en": "Nothing is waiting for you.",
    },
    "portal.me.tenders": {"id": "Tender saya", "en": "My tenders"},
    "portal.me.no_tenders": {"id": "Anda belum mengikuti tender.", "en": "You have not bid in a tender yet."},
    "portal.me.coming": {
        "id": "Menyampaikan dan membuka penawaran, sanggah, kontrak, dan pembayaran di portal menyusul; "
        "sementara itu gunakan sistem instansi atau API gateway.",
        "en": "Bidding, opening, objections, contracts and payments in the portal come next; meanwhile "
        "use the agency's system or the gateway's API.",
    },
    "portal.before": {"id": "sebelum", "en": "before"},
    "portal.action.open_bid": {
        "id": "Buka penawaran Anda. Penawaran yang tidak dibuka akan dibuka Pokja dan jaminannya "
        "dapat dicairkan.",
        "en": "Open your bid. A bid left sealed is opened by the Pokja and its bond may be claimed.",
    },
    "portal.action.may_object": {
        "id": "Pemenang telah diusulkan; Anda dapat menyampaikan sanggah.",
        "en": "A winner has been proposed; you may file an objection (sanggah).",
    },
    "portal.action.replace_until": {
        "id": "Penawaran masuk; masih dapat diganti",
        "en": "Bid received; it may still be replaced",
    },
    "portal.action.won": {"id": "Anda pemenangnya.", "en": "You won."},
    "portal.bid.sealed": {"id": "penawaran tersegel", "en": "bid sealed"},
    "portal.bid.valid": {"id": "penawaran dibuka", "en": "bid opened"},
    "portal.bid.unrevealed": {"id": "penawaran tidak dibuka", "en": "bid not opened"},
    "portal.bid.disqualified": {"id": "penawaran gugur", "en": "bid out"},
    "portal.back": {"id": "Kembali ke pencarian", "en": "Back to the search"},
    "portal.not_found": {"id": "Tender tidak ditemukan.", "en": "Tender not found."},
}


@dataclass(frozen=True)
class PortalLocale(Locale):
    """The explorer's Locale, reading the portal's strings first."""

    def t(self, key: str) -> str:
        entry = PORTAL_STRINGS.get(key)
        return entry[self.lang] if entry else super().t(key)

    def remaining(self, seconds: int) -> str:
        """A deadline's distance as people say it: `sisa 2 hari 3 jam`, `sisa 45 menit`."""
        if seconds <= 0:
            return self.t("portal.closed")
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = rest // 60 if days or hours else max(1, rest // 60)
        if days:
            parts = [(days, "portal.days"), (hours, "portal.hours")]
        else:
            parts = [(hours, "portal.hours"), (minutes, "portal.minutes")]
        words = " ".join(f"{n} {self.t(unit)}" for n, unit in parts if n)
        return f"{self.t('portal.left')} {words}" if self.lang == "id" else f"{words} {self.t('portal.left')}"
