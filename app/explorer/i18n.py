"""Everything the explorer says, in Indonesian and English, and how a request picks its language and
its time zone. UI strings live here and nowhere else; templates call `t(key)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from fastapi import Request

from app.welfare.reasons import REASON_TEXTS

LANGUAGES = ("id", "en")
# Indonesia keeps no daylight saving time, so each zone is a fixed offset from UTC.
TIME_ZONES = {
    "WIB": ("Asia/Jakarta", timezone(timedelta(hours=7), "WIB")),
    "WITA": ("Asia/Makassar", timezone(timedelta(hours=8), "WITA")),
    "WIT": ("Asia/Jayapura", timezone(timedelta(hours=9), "WIT")),
}
DEFAULT_ZONE = "WIB"
LANG_COOKIE, ZONE_COOKIE = "terang_lang", "terang_tz"

STRINGS: dict[str, dict[str, str]] = {
    "site.title": {"id": "Penjelajah Terang", "en": "Terang explorer"},
    "site.tagline": {
        "id": "Pengadaan publik dan bantuan sosial di buku besar, terbuka untuk auditor dan publik",
        "en": "Public procurement and social assistance on the ledger, open to auditors and the public",
    },
    "nav.home": {"id": "Beranda", "en": "Home"},
    "nav.tenders": {"id": "Tender", "en": "Tenders"},
    "nav.blocks": {"id": "Blok", "en": "Blocks"},
    "nav.contracts": {"id": "Kontrak pintar", "en": "Contracts"},
    "nav.suppliers": {"id": "Penyedia", "en": "Suppliers"},
    "nav.welfare": {"id": "Bansos", "en": "Welfare"},
    "nav.committee": {"id": "Komite", "en": "Committee"},
    "nav.redflags": {"id": "Tanda bahaya", "en": "Red flags"},
    "nav.policies": {"id": "Aturan", "en": "Rules"},
    "policies.title": {"id": "Versi aturan pengadaan", "en": "Procurement rule versions"},
    "policies.intro": {
        "id": "Angka-angka aturan pengadaan (preferensi, jaminan, uang muka, adendum, denda) "
        "berlaku per versi. Versi baru hanya diterbitkan komite melalui masa tunda; tender dan "
        "kontrak tetap mengikuti versi yang berlaku saat diumumkan atau ditandatangani.",
        "en": "The procurement rules' figures (preference, bonds, advance, amendments, penalties) "
        "apply by version. Only the committee publishes a new version, through the delay; a tender "
        "or contract keeps the version in force when it was announced or signed.",
    },
    "policies.none": {"id": "Belum ada versi yang terindeks.", "en": "No version indexed yet."},
    "policy.version": {"id": "Versi aturan", "en": "Rule version"},
    "policy.in_force": {"id": "berlaku", "en": "in force"},
    "policy.superseded": {"id": "diganti", "en": "superseded"},
    "policy.source": {"id": "Dokumen dasar (hash)", "en": "Source document (hash)"},
    "policy.published": {"id": "Diterbitkan", "en": "Published"},
    "policy.officer": {"id": "Dijalankan oleh", "en": "Executed by"},
    "policy.rule": {"id": "Aturan", "en": "Rule"},
    "policy.value": {"id": "Nilai", "en": "Value"},
    "policy.basis": {"id": "Dasar", "en": "Basis"},
    "policy.field": {"id": "Kolom", "en": "Field"},
    "unit.days": {"id": "hari", "en": "days"},
    "unit.hours": {"id": "jam", "en": "hours"},
    "tender.policy_version": {"id": "Versi aturan", "en": "Rule version"},
    "accounts.title": {"id": "Riwayat rekening pembayaran", "en": "Payout account history"},
    "accounts.about": {
        "id": "Setiap perubahan rekening diusulkan oleh satu pejabat perbendaharaan dan disetujui oleh "
        "pejabat lain; perubahan berlaku setelah masa tenggang. Nomor rekening disamarkan; nama "
        "pemilik tidak ditampilkan.",
        "en": "Every change of the account is proposed by one treasury official and approved by "
        "another; a change takes effect after a cooling-off. Account numbers are masked; the "
        "holder's name is not shown.",
    },
    "accounts.payee": {"id": "Kunci penerima", "en": "Payee key"},
    "accounts.version": {"id": "Versi", "en": "Version"},
    "accounts.status": {"id": "Status", "en": "Status"},
    "accounts.account": {"id": "Rekening", "en": "Account"},
    "accounts.proposed": {"id": "Diusulkan oleh", "en": "Proposed by"},
    "accounts.decided": {"id": "Diputuskan oleh", "en": "Decided by"},
    "accounts.effective": {"id": "Berlaku sejak", "en": "Effective from"},
    "accounts.status.proposed": {"id": "diusulkan", "en": "proposed"},
    "accounts.status.cooling_off": {"id": "masa tenggang", "en": "cooling off"},
    "accounts.status.in_force": {"id": "berlaku", "en": "in force"},
    "accounts.status.superseded": {"id": "digantikan", "en": "superseded"},
    "accounts.status.rejected": {"id": "ditolak", "en": "rejected"},
    "accounts.status.withdrawn": {"id": "ditarik", "en": "withdrawn"},
    "accounts.status.revoked": {"id": "dihentikan", "en": "stopped"},
    "accounts.decision.approved": {"id": "disetujui", "en": "approved"},
    "accounts.decision.rejected": {"id": "ditolak", "en": "rejected"},
    "accounts.decision.withdrawn": {"id": "ditarik", "en": "withdrawn"},
    "accounts.legacy": {
        "id": "terdaftar sebelum riwayat rekening",
        "en": "registered before the account history",
    },
    "switch.language": {"id": "Bahasa", "en": "Language"},
    "switch.zone": {"id": "Zona waktu", "en": "Time zone"},
    "home.indexed": {"id": "Peristiwa terindeks", "en": "Indexed events"},
    "home.latest_block": {"id": "Blok terindeks terakhir", "en": "Latest indexed block"},
    "home.tenders": {"id": "Tender diumumkan", "en": "Tenders announced"},
    "home.recent": {"id": "Peristiwa terbaru", "en": "Recent events"},
    "home.chain": {"id": "Jaringan", "en": "Network"},
    "col.block": {"id": "Blok", "en": "Block"},
    "col.time": {"id": "Waktu", "en": "Time"},
    "col.hash": {"id": "Hash", "en": "Hash"},
    "col.events": {"id": "Peristiwa", "en": "Events"},
    "col.event": {"id": "Peristiwa", "en": "Event"},
    "col.contract": {"id": "Kontrak", "en": "Contract"},
    "col.address": {"id": "Alamat", "en": "Address"},
    "col.tx": {"id": "Transaksi", "en": "Transaction"},
    "col.args": {"id": "Isi", "en": "Arguments"},
    "col.title": {"id": "Judul", "en": "Title"},
    "col.ocid": {"id": "OCID", "en": "OCID"},
    "col.agency": {"id": "Instansi", "en": "Agency"},
    "col.hps": {"id": "HPS", "en": "HPS (owner's estimate)"},
    "col.status": {"id": "Status", "en": "Status"},
    "col.bids": {"id": "Penawaran", "en": "Bids"},
    "col.supplier": {"id": "Penyedia", "en": "Supplier"},
    "col.price": {"id": "Harga", "en": "Price"},
    "col.amount": {"id": "Jumlah", "en": "Amount"},
    "col.role": {"id": "Peran", "en": "Role"},
    "col.count": {"id": "Jumlah", "en": "Count"},
    "col.code": {"id": "Kode", "en": "Code"},
    "col.indicator": {"id": "Indikator", "en": "Indicator"},
    "col.value": {"id": "Nilai", "en": "Value"},
    "col.entity": {"id": "Entitas", "en": "Entity"},
    "col.step": {"id": "Tahap", "en": "Step"},
    "col.from": {"id": "Dari", "en": "From"},
    "col.to": {"id": "Ke", "en": "To"},
    "col.gas": {"id": "Gas terpakai", "en": "Gas used"},
    "col.period": {"id": "Periode", "en": "Period"},
    "col.programme": {"id": "Program", "en": "Programme"},
    "col.deployed_block": {"id": "Blok penyebaran", "en": "Deployed at block"},
    "blocks.title": {"id": "Blok dengan peristiwa", "en": "Blocks with events"},
    "blocks.note": {
        "id": "Hanya blok yang memuat peristiwa kontrak Terang yang disimpan pengindeks.",
        "en": "Only blocks holding events of Terang's contracts are kept by the indexer.",
    },
    "block.title": {"id": "Blok", "en": "Block"},
    "block.parent": {"id": "Blok induk", "en": "Parent"},
    "block.txs": {"id": "Transaksi dalam blok", "en": "Transactions in the block"},
    "committee.title": {"id": "Usulan komite lintas instansi", "en": "Multi-agency committee proposals"},
    "committee.explain": {
        "id": "Setiap tindakan komite diusulkan oleh pejabat instansi anggota, disetujui oleh sejumlah "
        "instansi berbeda, dijadwalkan melalui masa tunda hub, dan dapat diveto oleh penjaga (BPK, KPK) "
        "selama masa tunda itu. Satu anggota atau satu penjaga saja tidak dapat memutuskan apa pun.",
        "en": "Every committee act is proposed by an official of a member agency, approved by a number of "
        "distinct agencies, scheduled through the hub's delay, and may be vetoed by a guardian (BPK, KPK) "
        "during that delay. No single member or guardian decides anything alone.",
    },
    "committee.none": {"id": "Belum ada usulan komite.", "en": "No committee proposal yet."},
    "committee.not_deployed": {
        "id": "Kontrak komite tidak terpasang di jaringan ini.",
        "en": "No committee contract is deployed on this network.",
    },
    "committee.proposal": {"id": "Usulan", "en": "Proposal"},
    "committee.proposer": {"id": "Pengusul", "en": "Proposed by"},
    "committee.approvals": {"id": "Persetujuan", "en": "Approvals"},
    "committee.approving_agencies": {"id": "Instansi yang menyetujui", "en": "Approving agencies"},
    "committee.vetoes": {"id": "Veto", "en": "Vetoes"},
    "committee.scheduled": {"id": "Dijadwalkan", "en": "Scheduled"},
    "committee.executable_at": {"id": "Dapat dijalankan sejak", "en": "Executable from"},
    "committee.executed": {"id": "Dijalankan", "en": "Executed"},
    "committee.calls": {"id": "Tindakan yang diusulkan", "en": "Proposed calls"},
    "committee.history": {"id": "Riwayat", "en": "History"},
    "committee.description": {"id": "Hash dokumen usulan", "en": "Proposal document hash"},
    "committee.reason": {"id": "Hash alasan", "en": "Reasons' hash"},
    "committee.official": {"id": "Pejabat", "en": "Official"},
    "committee.function": {"id": "Fungsi", "en": "Function"},
    "committee.act": {"id": "Jenis tindakan", "en": "Act"},
    "committee.status.proposed": {"id": "diusulkan", "en": "proposed"},
    "committee.status.scheduled": {"id": "dijadwalkan", "en": "scheduled"},
    "committee.status.executed": {"id": "dijalankan", "en": "executed"},
    "committee.status.vetoed": {"id": "diveto", "en": "vetoed"},
    "committee.step.proposed": {"id": "Diusulkan", "en": "Proposed"},
    "committee.step.approved": {"id": "Disetujui", "en": "Approved"},
    "committee.step.scheduled": {"id": "Dijadwalkan di hub", "en": "Scheduled on the hub"},
    "committee.step.executed": {"id": "Dijalankan", "en": "Executed"},
    "committee.step.vetoed": {"id": "Diveto penjaga", "en": "Vetoed by a guardian"},
    "tx.title": {"id": "Transaksi", "en": "Transaction"},
    "tx.status": {"id": "Status", "en": "Status"},
    "tx.success": {"id": "berhasil", "en": "succeeded"},
    "tx.reverted": {"id": "dibatalkan (revert)", "en": "reverted"},
    "tx.decoded": {"id": "Peristiwa terdekode", "en": "Decoded events"},
    "chain.unreachable": {
        "id": "Simpul rantai tidak dapat dijangkau; hanya data terindeks yang ditampilkan.",
        "en": "The chain node cannot be reached; only indexed data is shown.",
    },
    "contracts.title": {"id": "Kontrak yang disebarkan", "en": "Deployed contracts"},
    "contract.events": {"id": "Peristiwa terdekode", "en": "Decoded events"},
    "contract.by_event": {"id": "Peristiwa per jenis", "en": "Events by kind"},
    "contract.versions": {"id": "Versi kontrak", "en": "Contract versions"},
    "contract.versions_note": {
        "id": "Versi lama dibekukan oleh komite: riwayatnya tetap terbaca, "
        "tetapi tidak menerima transaksi baru.",
        "en": "Old versions were frozen by the committee: their history stays readable; "
        "they accept no new transactions.",
    },
    "col.version": {"id": "Versi", "en": "Version"},
    "col.frozen_block": {"id": "Dibekukan di blok", "en": "Frozen at block"},
    "version.current": {"id": "berlaku", "en": "current"},
    "version.frozen": {"id": "dibekukan", "en": "frozen"},
    "version.pending": {"id": "menunggu keputusan komite", "en": "awaiting the committee's act"},
    "tenders.title": {"id": "Tender", "en": "Tenders"},
    "tenders.none": {"id": "Belum ada tender di buku besar.", "en": "No tender on the ledger yet."},
    "tender.timeline": {"id": "Lini masa", "en": "Timeline"},
    "tender.summary": {"id": "Ringkasan", "en": "Summary"},
    "tender.bids_chart": {"id": "Penawaran dibanding HPS", "en": "Bids against the HPS"},
    "tender.ocds": {"id": "Data OCDS (rilis dan rekaman)", "en": "OCDS data (releases and record)"},
    "tender.winner": {"id": "Pemenang", "en": "Winner"},
    "tender.contract_value": {"id": "Nilai kontrak", "en": "Contract value"},
    "tender.paid": {"id": "Dibayar", "en": "Paid"},
    "tender.method": {"id": "Metode", "en": "Method"},
    "method.e_purchasing": {"id": "E-Purchasing (e-Katalog)", "en": "E-Purchasing (e-Katalog)"},
    "tender.product": {"id": "Produk katalog", "en": "Catalogue product"},
    "tender.unit_price": {"id": "Harga satuan", "en": "Unit price"},
    "tender.quantity": {"id": "Jumlah", "en": "Quantity"},
    "tender.tkdn": {"id": "TKDN", "en": "TKDN"},
    "tender.flags": {"id": "Tanda bahaya tender ini", "en": "Red flags of this tender"},
    "tender.no_flags": {"id": "Tidak ada tanda bahaya.", "en": "No red flag."},
    "step.announcement": {"id": "Pengumuman", "en": "Announcement"},
    "step.addendum": {"id": "Adendum", "en": "Addendum"},
    "step.cancellation": {"id": "Pembatalan", "en": "Cancellation"},
    "step.pokja": {"id": "Pokja pemilihan ditetapkan", "en": "Pokja (selection committee) appointed"},
    "step.commit": {"id": "Penawaran tersegel", "en": "Sealed bid"},
    "step.scores_sealed": {"id": "Lembar nilai teknis disegel", "en": "Technical score sheet sealed"},
    "step.reveal": {"id": "Penawaran dibuka penyedianya", "en": "Bid opened by its supplier"},
    "step.quorum_opening": {"id": "Penawaran dibuka kuorum Pokja", "en": "Bid opened by the Pokja quorum"},
    "step.withheld": {"id": "Tidak dibuka penyedianya", "en": "Not opened by its supplier"},
    "step.unopened": {"id": "Penawaran tidak dibuka siapa pun", "en": "Bid opened by nobody"},
    "step.rejection": {"id": "Penawaran keluar dari evaluasi", "en": "Bid out of the evaluation"},
    "step.non_compliance": {"id": "Penawaran digugurkan", "en": "Bid declared non-compliant (gugur)"},
    "step.preference_withdrawn": {
        "id": "Preferensi harga dalam negeri dicabut",
        "en": "Domestic price preference withdrawn",
    },
    "step.scores_opened": {"id": "Lembar nilai teknis dibuka", "en": "Technical score sheet opened"},
    "step.evaluation": {"id": "Evaluasi (usulan pemenang)", "en": "Evaluation (proposed award)"},
    "step.objection": {"id": "Sanggah", "en": "Objection (sanggah)"},
    "step.objection_answer": {"id": "Jawaban sanggah (Pokja)", "en": "Objection answered (Pokja)"},
    "step.appeal": {"id": "Sanggah banding", "en": "Appeal (sanggah banding)"},
    "step.appeal_answer": {"id": "Jawaban sanggah banding (KPA)", "en": "Appeal answered (KPA)"},
    "step.pause": {"id": "Kontrak tender dihentikan sementara", "en": "Tenders contract paused"},
    "step.resume": {
        "id": "Kontrak tender dilanjutkan, tenggat diperpanjang",
        "en": "Tenders contract resumed, deadlines extended",
    },
    "step.award": {"id": "Penetapan pemenang", "en": "Award"},
    "step.order": {"id": "Pesanan e-Katalog", "en": "e-Katalog order"},
    "step.failure": {"id": "Tender gagal", "en": "Tender failed"},
    "step.contract": {"id": "Kontrak (escrow)", "en": "Contract (escrow)"},
    "step.countersign": {"id": "Kontrak ditandatangani penyedia", "en": "Contract countersigned"},
    "step.attestation": {"id": "Pemeriksaan (BAST)", "en": "Delivery attested (BAST)"},
    "step.milestone": {"id": "Termin disetujui", "en": "Milestone approved"},
    "step.milestone_rejected": {"id": "Termin ditolak", "en": "Milestone rejected"},
    "step.dispute": {"id": "Sengketa", "en": "Dispute"},
    "step.amendment": {"id": "Adendum kontrak", "en": "Contract amendment"},
    "step.completion": {"id": "Pekerjaan selesai", "en": "Work completed"},
    "step.retention": {"id": "Retensi dicairkan", "en": "Retention released"},
    "step.termination": {"id": "Pemutusan kontrak", "en": "Contract terminated"},
    "step.payment_authorized": {"id": "Pembayaran diotorisasi", "en": "Payment authorised"},
    "step.payment_settled": {"id": "Pembayaran berhasil", "en": "Payment settled"},
    "step.payment_failed": {"id": "Pembayaran gagal", "en": "Payment failed"},
    "step.payment_cancelled": {"id": "Pembayaran dibatalkan", "en": "Payment cancelled"},
    "step.other": {"id": "Peristiwa", "en": "Event"},
    "detail.envelope": {"id": "amplop terenkripsi untuk Pokja", "en": "envelope encrypted to the Pokja"},
    "detail.bytes": {"id": "bita", "en": "bytes"},
    "detail.replaced": {"id": "menggantikan penawaran sebelumnya", "en": "replaces its earlier bid"},
    "detail.quorum": {"id": "kuorum", "en": "quorum"},
    "detail.of": {"id": "dari", "en": "of"},
    "detail.members": {"id": "anggota", "en": "members"},
    "detail.by": {"id": "oleh", "en": "by"},
    "detail.official": {"id": "pejabat", "en": "official"},
    "col.officials": {"id": "Pejabat yang bertindak", "en": "Acting officials"},
    "detail.member": {"id": "anggota Pokja", "en": "Pokja member"},
    "detail.bond_claimed": {"id": "jaminan penawaran dicairkan", "en": "bid bond claimed"},
    "detail.appeal_bond": {"id": "jaminan sanggah banding", "en": "appeal bond"},
    "detail.appeal_bond_claimed": {"id": "jaminan sanggah banding dicairkan", "en": "appeal bond claimed"},
    "detail.paused_for": {"id": "dihentikan selama", "en": "paused for"},
    "detail.seconds": {"id": "detik", "en": "seconds"},
    "detail.reason": {"id": "alasan", "en": "reason"},
    "detail.outcome": {"id": "putusan", "en": "outcome"},
    "detail.round": {"id": "putaran", "en": "round"},
    "tender.deadlines": {"id": "Tenggat", "en": "Deadlines"},
    "tender.commit_deadline": {"id": "Batas pemasukan penawaran", "en": "Bids close"},
    "tender.scoring_deadline": {"id": "Batas penilaian teknis", "en": "Technical scoring closes"},
    "tender.reveal_deadline": {"id": "Batas pembukaan oleh penyedia", "en": "Suppliers' openings close"},
    "tender.objection_deadline": {"id": "Batas sanggah", "en": "Objections close"},
    "tender.paused": {
        "id": "Kontrak tender sedang dihentikan sementara: tenggat akan diperpanjang sepanjang jeda.",
        "en": "The Tenders contract is paused: deadlines will be extended by the pause's length.",
    },
    "tender.pokja": {"id": "Pokja pemilihan", "en": "Pokja (selection committee)"},
    "tender.bid_bond": {"id": "Jaminan penawaran", "en": "Bid bond"},
    "tender.rup": {"id": "Kode RUP", "en": "Procurement plan (RUP) code"},
    "tender.pagu": {"id": "Pagu paket", "en": "Package budget ceiling (pagu)"},
    "tender.plan_changed": {"id": "RUP berubah", "en": "Plan changed"},
    "tender.plan_changed_note": {
        "id": "RUP diimpor ulang setelah pengumuman; tender ini diperiksa terhadap versi di atas. Pagu kini",
        "en": "The plan was imported again after the announcement; this tender was checked against the "
        "version above. Pagu now",
    },
    "tender.planned_method": {"id": "Metode dalam RUP", "en": "Method in the plan"},
    "tender.score_sheets": {"id": "Lembar nilai (disegel / dibuka)", "en": "Score sheets (sealed / opened)"},
    "tender.bid_table": {"id": "Penawaran", "en": "Bids"},
    "tender.objections": {"id": "Sanggah dan sanggah banding", "en": "Objections and appeals"},
    "col.opened_by": {"id": "Dibuka oleh", "en": "Opened by"},
    "col.tkdn": {"id": "TKDN", "en": "TKDN"},
    "col.outcome": {"id": "Putusan", "en": "Outcome"},
    "col.appeal": {"id": "Sanggah banding", "en": "Appeal"},
    "col.objection": {"id": "Sanggah", "en": "Objection"},
    "opened.supplier": {"id": "penyedianya sendiri", "en": "its supplier"},
    "opened.pokja": {"id": "kuorum Pokja", "en": "the Pokja quorum"},
    "opened.nobody": {"id": "tidak seorang pun", "en": "nobody"},
    "bid.sealed": {"id": "tersegel", "en": "sealed"},
    "bid.valid": {"id": "sah", "en": "valid"},
    "bid.unrevealed": {"id": "tidak dibuka", "en": "not opened"},
    "bid.disqualified": {"id": "gugur", "en": "disqualified"},
    "bid.preference_withdrawn": {"id": "preferensi dicabut", "en": "preference withdrawn"},
    "status.open": {"id": "dibuka", "en": "open"},
    "status.awarded": {"id": "ada pemenang", "en": "awarded"},
    "status.award_proposed": {"id": "dievaluasi", "en": "evaluated"},
    "status.failed": {"id": "gagal", "en": "failed"},
    "status.cancelled": {"id": "dibatalkan", "en": "cancelled"},
    "status.contracted": {"id": "berkontrak", "en": "under contract"},
    "status.paid": {"id": "ada pembayaran", "en": "payments made"},
    "verify.title": {"id": "Periksa dokumen", "en": "Verify a document"},
    "verify.explain": {
        "id": "Pilih atau jatuhkan berkas. Peramban Anda menghitung hash keccak-256-nya (berkas tidak "
        "dikirim ke mana pun) dan membandingkannya dengan hash yang tercatat di buku besar.",
        "en": "Pick or drop a file. Your browser computes its keccak-256 hash (the file is sent "
        "nowhere) and compares it with the hashes recorded on the ledger.",
    },
    "verify.drop": {
        "id": "Jatuhkan berkas di sini atau klik untuk memilih",
        "en": "Drop a file here or click to pick one",
    },
    "verify.recorded": {"id": "Hash dokumen yang tercatat", "en": "Document hashes on record"},
    "verify.computing": {"id": "Menghitung…", "en": "Computing…"},
    "verify.match": {"id": "COCOK: berkas ini adalah", "en": "MATCH: this file is"},
    "verify.nomatch": {
        "id": "TIDAK COCOK: berkas ini tidak sama dengan dokumen mana pun yang tercatat untuk tender ini.",
        "en": "NO MATCH: this file is not any document recorded for this tender.",
    },
    "verify.file_hash": {"id": "keccak-256 berkas", "en": "File keccak-256"},
    "col.file": {"id": "Berkas", "en": "File"},
    "doc.download": {"id": "Unduh", "en": "Download"},
    "doc.check": {"id": "Periksa berkas tersimpan", "en": "Check the stored file"},
    "doc.stored_match": {
        "id": "COCOK: berkas yang diunduh sama dengan hash di buku besar",
        "en": "MATCH: the downloaded file has the hash on the ledger",
    },
    "doc.stored_nomatch": {
        "id": "TIDAK COCOK: berkas yang diunduh tidak sama dengan hash di buku besar",
        "en": "NO MATCH: the downloaded file does not have the hash on the ledger",
    },
    "doc.absent": {"id": "Berkas belum diunggah", "en": "File not uploaded"},
    "doc.tender": {"id": "Dokumen pemilihan", "en": "Tender document"},
    "doc.addendum": {"id": "Dokumen adendum", "en": "Addendum document"},
    "doc.bid_bond": {"id": "Jaminan penawaran", "en": "Bid bond"},
    "doc.non_compliance": {"id": "Berita acara gugur", "en": "Non-compliance record"},
    "doc.preference_withdrawn": {"id": "Dasar pencabutan preferensi", "en": "Preference withdrawal grounds"},
    "doc.objection": {"id": "Bukti sanggah", "en": "Objection evidence"},
    "doc.objection_answer": {"id": "Jawaban sanggah", "en": "Objection answer"},
    "doc.appeal_bond": {"id": "Jaminan sanggah banding", "en": "Appeal bond"},
    "doc.appeal_answer": {"id": "Jawaban sanggah banding", "en": "Appeal answer"},
    "doc.terms": {"id": "Syarat kontrak", "en": "Contract terms"},
    "doc.bast": {"id": "Bukti serah terima (BAST)", "en": "Handover evidence (BAST)"},
    "doc.cancellation": {"id": "Alasan pembatalan", "en": "Cancellation reason"},
    "doc.provider": {"id": "Referensi penyedia pembayaran", "en": "Payment provider reference"},
    "suppliers.title": {"id": "Penyedia terdaftar", "en": "Registered suppliers"},
    "supplier.title": {"id": "Penyedia", "en": "Supplier"},
    "supplier.history": {"id": "Riwayat", "en": "History"},
    "supplier.umkm": {"id": "UMKM", "en": "Micro/small business (UMKM)"},
    "supplier.region": {"id": "Kode wilayah", "en": "Region code"},
    "supplier.wins": {"id": "Menang", "en": "Won"},
    "supplier.bids": {"id": "Penawaran", "en": "Bids"},
    "supplier.awarded_value": {"id": "Nilai dimenangkan", "en": "Value won"},
    "supplier.withheld": {
        "id": "Penawaran tidak dibuka sendiri",
        "en": "Bids it did not open itself",
    },
    "supplier.non_compliant": {"id": "Penawaran digugurkan", "en": "Bids declared non-compliant"},
    "supplier.none": {"id": "Penyedia ini tidak dikenal.", "en": "No such supplier."},
    # The families' status check (app/explorer/welfare_status.py).
    "cek.title": {"id": "Cek status bansos", "en": "Check your social assistance status"},
    "cek.intro": {
        "id": "Masukkan NIK dan nama lengkap sesuai KTP. Status hanya tampil bila keduanya cocok; NIK dan "
        "nama tidak disimpan dan tidak dicatat di buku besar.",
        "en": "Enter the NIK and the full name as on the identity card (KTP). The status shows only when "
        "both match; neither is stored nor written to the ledger.",
    },
    "cek.nik": {"id": "NIK (16 angka)", "en": "NIK (16 digits)"},
    "cek.name": {"id": "Nama lengkap sesuai KTP", "en": "Full name as on the KTP"},
    "cek.submit": {"id": "Cek status", "en": "Check status"},
    "cek.not_found": {
        "id": "Data tidak ditemukan untuk NIK dan nama ini. Periksa kembali penulisannya sesuai KTP. Bila "
        "Anda merasa berhak, hubungi pendamping sosial atau kantor desa/kelurahan untuk diusulkan.",
        "en": "No record for this NIK and name. Check that both are written as on the KTP. If you believe "
        "you are eligible, ask your social worker (pendamping) or the village office to propose you.",
    },
    "cek.rate_limited": {
        "id": "Terlalu banyak percobaan. Coba lagi beberapa menit lagi.",
        "en": "Too many tries. Try again in a few minutes.",
    },
    "cek.invalid_identifier": {
        "id": "NIK terdiri dari 16 angka, dan nama harus diisi.",
        "en": "A NIK has 16 digits, and the name is required.",
    },
    "cek.programme": {"id": "Program", "en": "Programme"},
    "cek.s.active": {"id": "Terdaftar sebagai penerima", "en": "Enrolled as a beneficiary"},
    "cek.s.suspended": {"id": "Ditangguhkan", "en": "Suspended"},
    "cek.s.exited": {"id": "Tidak lagi menerima", "en": "No longer a beneficiary"},
    "cek.s.refused": {"id": "Tidak memenuhi syarat", "en": "Not eligible"},
    "cek.reason": {"id": "Alasan", "en": "Reason"},
    "adu.title": {"id": "Pengaduan bansos", "en": "Social assistance complaints"},
    "adu.intro": {
        "id": "Sampaikan keberatan atau keluhan tentang bantuan sosial. Pengaduan dicatat dengan nomor "
        "tiket dan batas waktu; sidik jarinya dicatat di buku besar sehingga tidak dapat diubah diam-diam. "
        "Isi pengaduan hanya dibaca petugas.",
        "en": "Raise an objection or a complaint about social assistance. It gets a ticket number and a "
        "deadline; its fingerprint is recorded on the ledger so it cannot be changed quietly. Only "
        "caseworkers read what you write.",
    },
    "adu.programme": {"id": "Program", "en": "Programme"},
    "adu.programme_none": {"id": "Tidak tahu / lainnya", "en": "Not sure / other"},
    "adu.category": {"id": "Jenis pengaduan", "en": "Kind of complaint"},
    "adu.c.decision": {
        "id": "Keberatan atas keputusan (ditolak, ditangguhkan, dikeluarkan)",
        "en": "Objection to a decision (refused, suspended, removed)",
    },
    "adu.c.payment": {"id": "Bantuan belum diterima atau kurang", "en": "Aid not received or short"},
    "adu.c.data": {"id": "Data keluarga keliru", "en": "Wrong family data"},
    "adu.c.conduct": {
        "id": "Perilaku petugas atau pungutan liar",
        "en": "An officer's conduct or an illegal levy",
    },
    "adu.c.other": {"id": "Lainnya", "en": "Other"},
    "adu.description": {"id": "Uraian (10 sampai 2000 huruf)", "en": "What happened (10 to 2000 characters)"},
    "adu.nik": {
        "id": "NIK kepala keluarga (boleh dikosongkan; perlu untuk keberatan atas keputusan)",
        "en": "NIK of the family head (optional; needed for an objection to a decision)",
    },
    "adu.submit": {"id": "Kirim pengaduan", "en": "Send the complaint"},
    "adu.filed": {
        "id": "Pengaduan diterima. Simpan nomor tiket ini untuk memantau jawabannya:",
        "en": "Complaint received. Keep this ticket number to follow its answer:",
    },
    "adu.due": {"id": "Batas waktu jawaban", "en": "To be answered by"},
    "adu.follow": {"id": "Pantau tiket", "en": "Follow a ticket"},
    "adu.reference": {"id": "Nomor tiket", "en": "Ticket number"},
    "adu.look": {"id": "Lihat", "en": "Look up"},
    "adu.state": {"id": "Tahap", "en": "Stage"},
    "adu.s.received": {
        "id": "Diterima, menunggu verifikasi petugas",
        "en": "Received, awaiting a caseworker",
    },
    "adu.s.registered": {
        "id": "Diverifikasi dan dicatat di buku besar",
        "en": "Verified and recorded on the ledger",
    },
    "adu.s.appealed": {
        "id": "Diajukan sebagai sanggahan, sedang diperiksa",
        "en": "Filed as an appeal, under review",
    },
    "adu.s.decided": {"id": "Sanggahan sudah diputus", "en": "The appeal is decided"},
    "adu.s.resolved": {"id": "Selesai", "en": "Resolved"},
    "adu.overdue": {"id": "Melewati batas waktu", "en": "Past its deadline"},
    "adu.answer": {"id": "Jawaban", "en": "Answer"},
    "adu.upheld": {"id": "Keberatan diterima.", "en": "The objection was upheld."},
    "adu.rejected": {"id": "Keberatan ditolak.", "en": "The objection was rejected."},
    "adu.not_found": {"id": "Tiket tidak ditemukan.", "en": "No such ticket."},
    "adu.invalid": {
        "id": "Periksa isian: uraian 10 sampai 2000 huruf; NIK, bila diisi, 16 angka.",
        "en": "Check the form: a description of 10 to 2000 characters; a NIK, if given, of 16 digits.",
    },
    "adu.rate_limited": {
        "id": "Terlalu banyak pengiriman. Coba lagi beberapa menit lagi.",
        "en": "Too many submissions. Try again in a few minutes.",
    },
    "adu.link": {"id": "Ajukan pengaduan atau keberatan", "en": "File a complaint or an objection"},
    "cek.period": {"id": "Periode berjalan", "en": "Current period"},
    "cek.paid": {"id": "sudah dibayar", "en": "paid"},
    "cek.unpaid": {"id": "belum dibayar", "en": "not paid yet"},
    "cek.next": {"id": "Periode berikutnya mulai", "en": "Next period starts"},
    "cek.appeal": {"id": "Sanggahan", "en": "Appeal"},
    "cek.a.open": {"id": "sedang diperiksa", "en": "under review"},
    "cek.a.upheld": {"id": "diterima", "en": "upheld"},
    "cek.a.rejected": {"id": "ditolak", "en": "rejected"},
    "cek.how_to_appeal": {
        "id": "Tidak setuju? Ajukan sanggahan melalui pendamping sosial atau kantor desa/kelurahan dengan "
        "membawa KTP dan KK; sanggahan dicatat di buku besar dan diputus oleh dinas sosial.",
        "en": "Disagree? Appeal through your social worker (pendamping) or the village office, bringing "
        "your KTP and family card (KK); the appeal is recorded on the ledger and decided by the social "
        "affairs office.",
    },
    "welfare.title": {"id": "Program bantuan sosial", "en": "Social assistance programmes"},
    "welfare.not_deployed": {
        "id": "Kontrak program bansos (WelfarePrograms) belum disebarkan di jaringan ini.",
        "en": "The welfare programme contract (WelfarePrograms) is not deployed on this network.",
    },
    "welfare.privacy": {
        "id": "Hanya agregat per program dan periode; tidak ada data pribadi penerima.",
        "en": "Aggregates per programme and period only; no personal data of beneficiaries.",
    },
    "welfare.none": {"id": "Belum ada peristiwa program.", "en": "No programme events yet."},
    "flags.title": {"id": "Dasbor tanda bahaya", "en": "Red-flag dashboard"},
    "flags.explain": {
        "id": "Indikator Cardinal (Open Contracting Partnership) dan indikator Terang, dihitung atas "
        "data OCDS gateway ini sendiri. Tanda bahaya adalah petunjuk untuk diperiksa, bukan bukti.",
        "en": "Cardinal's indicators (Open Contracting Partnership) and Terang's own, computed over "
        "this gateway's own OCDS data. A red flag is a lead to examine, not proof.",
    },
    "flags.by_indicator": {"id": "Tanda per indikator", "en": "Flags per indicator"},
    "flags.by_group": {"id": "Entitas bertanda per kelompok", "en": "Flagged entities per group"},
    "flags.processes": {"id": "Proses pengadaan bertanda", "en": "Flagged contracting processes"},
    "flags.none": {"id": "Tidak ada tanda bahaya.", "en": "No red flags."},
    "flags.more": {"id": "Berikutnya →", "en": "More →"},
    "list.older": {"id": "Lebih lama →", "en": "Older →"},
    "list.earlier": {"id": "↑ Peristiwa sebelumnya", "en": "↑ Earlier events"},
    "flags.total": {"id": "Proses dianalisis", "en": "Processes analysed"},
    "flags.download": {
        "id": "Unduh JSON (bentuk keluaran Cardinal)",
        "en": "Download JSON (Cardinal's output shape)",
    },
    "group.OCID": {"id": "Proses (OCID)", "en": "Process (OCID)"},
    "group.Buyer": {"id": "Pembeli", "en": "Buyer"},
    "group.ProcuringEntity": {"id": "Pelaksana pengadaan", "en": "Procuring entity"},
    "group.Tenderer": {"id": "Peserta tender", "en": "Tenderer"},
    "notfound.title": {"id": "Tidak ditemukan", "en": "Not found"},
    "notfound.body": {"id": "Halaman atau data ini tidak ada.", "en": "This page or record does not exist."},
    "footer.readonly": {
        "id": "Hanya-baca. Waktu disimpan dalam UTC dan ditampilkan dalam",
        "en": "Read-only. Times are stored in UTC and shown in",
    },
    "footer.source": {"id": "Sumber: peristiwa terindeks dari", "en": "Source: indexed events of"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    # The command centre (app/operations): for the consortium's operators.
    "ops.title": {"id": "Pusat kendali operasi", "en": "Operations command centre"},
    "ops.explain": {
        "id": "Keadaan simpul konsorsium, pengindeks, jembatan pembayaran, transaksi tertunda, jeda "
        "kontrak, tindakan komite yang dijadwalkan, dan peringatan yang menyala. Diperbarui tiap 5 detik.",
        "en": "The state of the consortium's nodes, the indexer, the payment bridge, pending transactions, "
        "contract pauses, scheduled committee acts and firing alerts. Refreshed every 5 seconds.",
    },
    "ops.nodes": {"id": "Simpul", "en": "Nodes"},
    "ops.node": {"id": "Simpul", "en": "Node"},
    "ops.state": {"id": "Keadaan", "en": "State"},
    "ops.healthy": {"id": "sehat", "en": "healthy"},
    "ops.unhealthy": {"id": "bermasalah", "en": "unhealthy"},
    "ops.down": {"id": "mati", "en": "down"},
    "ops.head": {"id": "Blok terakhir", "en": "Head"},
    "ops.lag": {"id": "Tertinggal (blok)", "en": "Lag (blocks)"},
    "ops.peers": {"id": "Rekan", "en": "Peers"},
    "ops.block_age": {"id": "Umur blok terakhir (detik)", "en": "Last block age (s)"},
    "ops.since": {"id": "Sejak", "en": "Since"},
    "ops.problem": {"id": "Masalah", "en": "Problem"},
    "ops.indexer": {"id": "Pengindeks", "en": "Indexer"},
    "ops.indexer_elsewhere": {
        "id": "Pengindeks berjalan sebagai proses tersendiri; lihat metriknya.",
        "en": "The indexer runs as its own process; see its metrics.",
    },
    "ops.cursor": {"id": "Tersimpan sampai blok", "en": "Stored up to block"},
    "ops.bridge": {"id": "Jembatan pembayaran", "en": "Payment bridge"},
    "ops.queued": {"id": "Antre", "en": "Queued"},
    "ops.paid": {"id": "Dibayar", "en": "Paid"},
    "ops.failed": {"id": "Gagal", "en": "Failed"},
    "ops.quarantined": {"id": "Disisihkan", "en": "Set aside"},
    "ops.batches_held": {"id": "Batch ditahan", "en": "Batches held"},
    "ops.mismatches": {"id": "Selisih rekonsiliasi", "en": "Reconciliation mismatches"},
    "ops.not_run": {"id": "belum dijalankan", "en": "not run yet"},
    "ops.pending": {"id": "Transaksi tertunda per penanda tangan", "en": "Pending transactions per signer"},
    "ops.signer": {"id": "Penanda tangan", "en": "Signer"},
    "ops.count": {"id": "Jumlah", "en": "Count"},
    "ops.oldest": {"id": "Tertua (detik)", "en": "Oldest (s)"},
    "ops.none_pending": {"id": "Tidak ada transaksi tertunda.", "en": "No pending transactions."},
    "ops.pauses": {"id": "Jeda kontrak", "en": "Contract pauses"},
    "ops.paused": {"id": "dijeda", "en": "paused"},
    "ops.running": {"id": "berjalan", "en": "running"},
    "ops.acts": {"id": "Tindakan komite yang akan datang", "en": "Committee acts to come"},
    "ops.none_acts": {"id": "Tidak ada tindakan komite yang menunggu.", "en": "No committee act is waiting."},
    "ops.alerts": {"id": "Peringatan", "en": "Alerts"},
    "ops.alerts_off": {
        "id": "Prometheus belum diatur (TERANG_PROMETHEUS_URL).",
        "en": "Prometheus is not configured (TERANG_PROMETHEUS_URL).",
    },
    "ops.alerts_unreachable": {
        "id": "Prometheus tidak menjawab: peringatan tidak dapat dibaca.",
        "en": "Prometheus does not answer: alerts cannot be read.",
    },
    "ops.no_alerts": {"id": "Tidak ada peringatan yang menyala.", "en": "No alert is firing."},
    "ops.alert": {"id": "Peringatan", "en": "Alert"},
    "ops.severity": {"id": "Tingkat", "en": "Severity"},
    "ops.chain_unreadable": {
        "id": "Rantai tidak dapat dibaca saat ini; jeda dan tindakan komite tidak ditampilkan.",
        "en": "The chain cannot be read now; pauses and committee acts are not shown.",
    },
}
# Imported archives (app/archives, app/explorer/archives.py).
STRINGS.update(
    {
        "nav.archives": {"id": "Arsip", "en": "Archives"},
        "archives.title": {"id": "Arsip impor", "en": "Imported archives"},
        "archives.intro": {
            "id": "Proses pengadaan lama dari SPSE dan arsip OCDS, diimpor petugas data LKPP. Akar pohon "
            "Merkle setiap arsip ditambatkan di rantai: siapa pun dapat membuktikan bahwa rekaman yang "
            "ditampilkan adalah rekaman yang diimpor.",
            "en": "Past procurement processes from SPSE and OCDS archives, imported by LKPP data officers. "
            "Each archive's Merkle root is anchored on chain: anyone can prove a record shown is the "
            "record imported.",
        },
        "archives.none": {"id": "Belum ada arsip yang ditambatkan.", "en": "No archive anchored yet."},
        "archives.name": {"id": "Arsip", "en": "Archive"},
        "archives.kind": {"id": "Jenis", "en": "Kind"},
        "archives.kind.LegacyProcesses": {"id": "Proses pengadaan lama", "en": "Past processes"},
        "archives.kind.ProcurementPlan": {"id": "Rencana umum pengadaan", "en": "Procurement plans"},
        "archives.kind.SupplierExtract": {"id": "Data penyedia", "en": "Supplier extract"},
        "archives.kind.Catalogue": {"id": "Katalog elektronik", "en": "e-Catalogue"},
        "archives.source": {"id": "Sumber (SHA-256 berkas)", "en": "Source (file SHA-256)"},
        "archives.records": {"id": "Rekaman", "en": "Records"},
        "archives.root": {"id": "Akar Merkle", "en": "Merkle root"},
        "archives.anchor": {"id": "Penambatan di rantai", "en": "Anchored on chain"},
        "archives.verify": {"id": "Periksa sendiri:", "en": "Check it yourself:"},
        "archives.imported": {"id": "Diimpor / Imported", "en": "Imported / Diimpor"},
        "archives.imported_about": {
            "id": "Proses ini diimpor dari sistem lama; datanya tidak berasal dari tindakan di rantai, "
            "tetapi setiap rilisnya terbukti terhadap akar arsip yang ditambatkan.",
            "en": "This process was imported from an earlier system; its data does not come from acts on "
            "chain, but each release proves against the anchored archive root.",
        },
        "archives.date": {"id": "Tanggal", "en": "Date"},
        "archives.proof": {"id": "Bukti impor", "en": "Import proof"},
        "archives.index": {"id": "Indeks rekaman", "en": "Record index"},
    }
)
# A refusal's, suspension's or exit's reason in plain words (shared with the families' notices).
STRINGS.update({f"cek.r.{code}": text for code, text in REASON_TEXTS.items()})

# Indicator names for the dashboard (codes as in app/redflags/README.md).
INDICATORS: dict[str, dict[str, str]] = {
    "R003": {"id": "Masa penawaran pendek", "en": "Short submission period"},
    "R018": {"id": "Penawaran tunggal", "en": "Single bid"},
    "R024": {"id": "Harga dekat harga pemenang", "en": "Price close to winning bid"},
    "R025": {"id": "Terlalu banyak penawaran gagal", "en": "Excessive unsuccessful bids"},
    "R028": {"id": "Harga penawaran identik", "en": "Identical bid prices"},
    "R030": {"id": "Penawaran terlambat menang", "en": "Late bid won"},
    "R035": {"id": "Semua kecuali pemenang digugurkan", "en": "All except winner disqualified"},
    "R036": {"id": "Penawaran terendah digugurkan", "en": "Lowest bid disqualified"},
    "R038": {"id": "Terlalu banyak penawaran digugurkan", "en": "Excessive disqualified bids"},
    "R048": {"id": "Penyedia heterogen", "en": "Heterogeneous supplier"},
    "R058": {"id": "Penawaran diskon besar", "en": "Heavily discounted bid"},
    "T001": {"id": "Pemenang dalam 1% dari HPS", "en": "Winning bid within 1% of the HPS"},
    "T002": {"id": "Pemenang berulang (365 hari)", "en": "Repeated winner (365 days)"},
    "T003": {"id": "Rotasi pemenang", "en": "Bid rotation"},
    "T004": {"id": "Pemecahan paket", "en": "Contract splitting"},
    "T005": {
        "id": "Penawaran lebih rendah ditahan penyedianya",
        "en": "Lower bid withheld by its supplier",
    },
    "T006": {"id": "Penawaran berulang kali tidak dibuka", "en": "Bids repeatedly left unopened"},
}

# Why the Pokja declared a bid non-compliant (gugur), by ITenders.NonCompliance word.
NON_COMPLIANCE: dict[str, dict[str, str]] = {
    "administrative": {
        "id": "persyaratan administrasi tidak dipenuhi",
        "en": "administrative requirement not met",
    },
    "technical": {"id": "persyaratan teknis tidak dipenuhi", "en": "technical requirement not met"},
    "qualification": {"id": "tidak lulus pascakualifikasi", "en": "failed post-qualification"},
    "below_technical_threshold": {
        "id": "nilai teknis di bawah ambang batas lulus",
        "en": "technical score below the passing grade",
    },
    "false_documents": {"id": "dokumen atau keterangan palsu", "en": "false documents or information"},
    "collusion": {"id": "persekongkolan harga atau KKN", "en": "price collusion or KKN"},
}
# Why a bid left the evaluation, by ITenders.RejectReason word.
REJECT_REASONS: dict[str, dict[str, str]] = {
    "unrevealed": {"id": "tidak dibuka siapa pun", "en": "opened by nobody"},
    "objection_upheld": {"id": "sanggah diterima", "en": "objection upheld"},
    "non_compliant": {"id": "digugurkan Pokja", "en": "declared non-compliant by the Pokja"},
}
# An answer to an objection or an appeal, by ITenders.ObjectionStatus word.
OUTCOMES: dict[str, dict[str, str]] = {
    "open": {"id": "belum dijawab", "en": "not answered yet"},
    "rejected": {"id": "ditolak, pemenang tetap", "en": "rejected, the award stands"},
    "upheld_reevaluate": {"id": "diterima, evaluasi ulang", "en": "upheld, evaluated again"},
    "upheld_fail": {"id": "diterima, tender gagal", "en": "upheld, the tender fails"},
}


@dataclass(frozen=True)
class Locale:
    """What one request reads in: its language and the zone its times are shown in."""

    lang: str
    zone: str

    def t(self, key: str) -> str:
        entry = STRINGS.get(key)
        return entry[self.lang] if entry else key

    def indicator(self, code: str) -> str:
        entry = INDICATORS.get(code)
        return entry[self.lang] if entry else code

    def reason(self, word: str | None) -> str:
        """Why a bid is out: a NonCompliance word (`administrative` -> "persyaratan administrasi tidak
        dipenuhi") or a RejectReason word (`objection_upheld` -> "sanggah diterima")."""
        entry = NON_COMPLIANCE.get(word or "") or REJECT_REASONS.get(word or "")
        return entry[self.lang] if entry else (word or "")

    def outcome(self, word: str | None) -> str:
        entry = OUTCOMES.get(word or "")
        return entry[self.lang] if entry else (word or "")

    def time(self, timestamp: int | None) -> str:
        """UTC seconds as a local date-time with the zone's abbreviation, e.g. `2025-03-01 09:00 WITA`."""
        if timestamp is None:
            return "–"
        zone = TIME_ZONES[self.zone][1]
        return datetime.fromtimestamp(int(timestamp), zone).strftime("%Y-%m-%d %H:%M:%S ") + self.zone

    def iso_utc(self, timestamp: int | None) -> str:
        if timestamp is None:
            return ""
        return datetime.fromtimestamp(int(timestamp), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def rupiah(self, amount: int | float | None) -> str:
        """Rp with the thousands separator of the language (id: 1.000.000; en: 1,000,000)."""
        if amount is None:
            return "–"
        text = f"{int(amount):,}"
        return "Rp " + (text.replace(",", ".") if self.lang == "id" else text)


def _accept_language(request: Request) -> str | None:
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        for lang in LANGUAGES:
            if tag.startswith(lang):
                return lang
    return None


def locale(request: Request) -> Locale:
    """Language: `?lang=` (remembered in a cookie), the cookie, Accept-Language, the gateway's
    default. Zone: `?tz=` (WIB, WITA, WIT; remembered too), the cookie, WIB."""
    settings = getattr(request.app.state, "settings", None)
    lang = next(
        (
            v
            for v in (
                request.query_params.get("lang"),
                request.cookies.get(LANG_COOKIE),
                _accept_language(request),
            )
            if v in LANGUAGES
        ),
        getattr(settings, "default_language", "id"),
    )
    zone = next(
        (v for v in (request.query_params.get("tz"), request.cookies.get(ZONE_COOKIE)) if v in TIME_ZONES),
        DEFAULT_ZONE,
    )
    return Locale(lang, zone)
