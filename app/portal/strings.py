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
        "id": "Penawaran, pembukaannya, sanggah, tanda tangan kontrak, dan keberatan atas termin dilakukan "
        "di portal dengan kunci di browser Anda. Banding sanggah belum dapat dilakukan di portal; "
        "sementara itu gunakan sistem instansi atau API gateway.",
        "en": "Bids, their opening, objections, the contract's countersignature and milestone disputes are "
        "done in the portal with the key in your browser. Appeals (sanggah banding) cannot be made in "
        "the portal yet; meanwhile use the agency's system or the gateway's API.",
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
    "portal.action.countersign": {
        "id": "Kontrak menunggu tanda tangan Anda.",
        "en": "The contract awaits your signature.",
    },
    "portal.action.may_dispute": {
        "id": "Ada termin yang ditolak atau didenda; Anda dapat mengajukan keberatan.",
        "en": "A milestone was rejected or penalised; you may dispute it.",
    },
    "portal.bid.sealed": {"id": "penawaran tersegel", "en": "bid sealed"},
    "portal.bid.valid": {"id": "penawaran dibuka", "en": "bid opened"},
    "portal.bid.unrevealed": {"id": "penawaran tidak dibuka", "en": "bid not opened"},
    "portal.bid.disqualified": {"id": "penawaran gugur", "en": "bid out"},
    "portal.back": {"id": "Kembali ke pencarian", "en": "Back to the search"},
    "portal.not_found": {"id": "Tender tidak ditemukan.", "en": "Tender not found."},
    # The key page and the objection signed in the browser (app/portal/signed_acts.py).
    "portal.nav.key": {"id": "Kunci saya", "en": "My key"},
    "portal.key.title": {"id": "Kunci penandatangan", "en": "Signing key"},
    "portal.key.intro": {
        "id": "Kunci penandatangan Anda dibuat dan disimpan di browser ini, terenkripsi dengan kata sandi "
        "Anda. Portal tidak pernah menerima kunci maupun kata sandinya: yang dikirim hanya tanda tangan.",
        "en": "Your signing key is made and kept in this browser, encrypted with your password. The portal "
        "never receives the key or its password: only signatures are sent.",
    },
    "portal.key.registered": {"id": "Akun terdaftar di rantai", "en": "Account registered on chain"},
    "portal.key.in_browser": {"id": "Kunci di browser ini", "en": "Key in this browser"},
    "portal.key.none": {"id": "Belum ada kunci di browser ini.", "en": "No key in this browser yet."},
    "portal.key.matches": {"id": "sesuai dengan akun terdaftar", "en": "matches the registered account"},
    "portal.key.differs": {"id": "belum terdaftar untuk Anda", "en": "not registered for you yet"},
    "portal.key.bind_help": {
        "id": "Serahkan alamat ini kepada petugas pendaftar penyedia: alamat inilah yang didaftarkan untuk "
        "Anda. Sebelum terdaftar, tanda tangan dari kunci ini ditolak.",
        "en": "Give this address to the officer who registers suppliers: it is the one to register for you. "
        "Until it is, signatures by this key are refused.",
    },
    "portal.key.export": {"id": "Unduh cadangan (keystore)", "en": "Download a backup (keystore)"},
    "portal.key.forget": {"id": "Hapus dari browser ini", "en": "Remove from this browser"},
    "portal.key.forget_confirm": {
        "id": "Hapus kunci dari browser ini? Tanpa cadangan, kunci ini hilang.",
        "en": "Remove the key from this browser? Without a backup, the key is lost.",
    },
    "portal.key.create": {"id": "Buat kunci baru", "en": "Create a new key"},
    "portal.key.create_note": {
        "id": "Pilih kata sandi minimal 8 karakter dan simpan cadangannya: kata sandi tidak dapat "
        "dipulihkan.",
        "en": "Choose a password of at least 8 characters and keep the backup: a password cannot be "
        "recovered.",
    },
    "portal.key.password": {"id": "Kata sandi kunci", "en": "Key password"},
    "portal.key.password_again": {"id": "Ulangi kata sandi", "en": "Password again"},
    "portal.key.create_button": {"id": "Buat kunci", "en": "Create the key"},
    "portal.key.import": {"id": "Impor kunci", "en": "Import a key"},
    "portal.key.rotate": {"id": "Ganti kunci terdaftar", "en": "Change the registered key"},
    "portal.key.rotate_note": {
        "id": "Browser membuat kunci baru dan mengunduh cadangannya lebih dulu; kunci lama dan kunci baru "
        "sama-sama menandatangani pergantian, lalu portal meneruskannya tanpa biaya gas. Setelahnya hanya "
        "kunci baru yang berlaku. Jangan mengganti kunci selagi penawaran yang Anda tandatangani belum "
        "terkirim.",
        "en": "The browser makes a new key and downloads its backup first; the old and the new key both "
        "sign the change, and the portal relays it at no gas cost. Afterwards only the new key counts. "
        "Do not change keys while a bid you signed has not been sent yet.",
    },
    "portal.key.current_password": {"id": "Kata sandi kunci sekarang", "en": "Current key's password"},
    "portal.key.new_password": {"id": "Kata sandi kunci baru", "en": "New key's password"},
    "portal.key.rotate_button": {"id": "Ganti kunci", "en": "Change key"},
    "portal.key.rotated": {
        "id": "Kunci terdaftar diganti; kunci baru tersimpan di browser ini.",
        "en": "Registered key changed; the new key is kept in this browser.",
    },
    "portal.key.rotation_refused": {"id": "Penggantian kunci ditolak", "en": "Key change refused"},
    "portal.key.import_note": {
        "id": "Berkas keystore (JSON) dari cadangan atau dompet lain, dengan kata sandinya.",
        "en": "A keystore file (JSON) from a backup or another wallet, with its password.",
    },
    "portal.key.keystore_file": {"id": "Berkas keystore", "en": "Keystore file"},
    "portal.key.import_button": {"id": "Impor", "en": "Import"},
    "portal.key.working": {"id": "Sedang memproses kunci…", "en": "Working on the key…"},
    "portal.key.created": {
        "id": "Kunci dibuat dan disimpan terenkripsi.",
        "en": "Key created and stored encrypted.",
    },
    "portal.key.imported": {"id": "Kunci diimpor.", "en": "Key imported."},
    "portal.key.forgotten": {"id": "Kunci dihapus dari browser ini.", "en": "Key removed from this browser."},
    "portal.key.password_mismatch": {"id": "Kedua kata sandi tidak sama.", "en": "The passwords differ."},
    "portal.key.error": {"id": "Tidak berhasil", "en": "Failed"},
    "portal.sanggah.title": {"id": "Ajukan sanggah", "en": "File an objection (sanggah)"},
    "portal.sanggah.intro": {
        "id": "Sanggah Anda ditandatangani di browser ini dengan kunci Anda, lalu diteruskan portal ke "
        "rantai tanpa biaya gas. Yang tercatat di rantai hanya sidik (hash) surat sanggah Anda.",
        "en": "Your objection is signed in this browser with your key, then relayed to the chain by the "
        "portal at no gas cost to you. Only your letter's fingerprint (hash) is recorded on chain.",
    },
    "portal.sanggah.letter": {
        "id": "Surat sanggah dan buktinya (satu berkas)",
        "en": "Objection letter and evidence (one file)",
    },
    "portal.sanggah.letter_note": {
        "id": "Berkas disimpan gateway menurut sidiknya sehingga Pokja dan publik dapat mengunduh dan "
        "memeriksanya; PDF, gambar, atau dokumen kantor.",
        "en": "The gateway keeps the file under its fingerprint, so the Pokja and the public can download "
        "and check it; PDF, images or office documents.",
    },
    "portal.sanggah.send": {"id": "Tanda tangani dan kirim", "en": "Sign and send"},
    "portal.sanggah.no_key": {
        "id": "Belum ada kunci di browser ini: buat atau impor di halaman Kunci saya.",
        "en": "No key in this browser: create or import one on the My key page.",
    },
    "portal.sanggah.wrong_key": {
        "id": "Kunci di browser ini bukan akun terdaftar Anda; tanda tangannya akan ditolak.",
        "en": "The key in this browser is not your registered account; its signature would be refused.",
    },
    "portal.sanggah.signing": {"id": "Menandatangani…", "en": "Signing…"},
    "portal.sanggah.uploading": {"id": "Mengunggah surat sanggah…", "en": "Uploading the letter…"},
    "portal.sanggah.sending": {"id": "Mengirim…", "en": "Sending…"},
    "portal.sanggah.filed": {
        "id": "Sanggah tercatat di rantai, nomor",
        "en": "Objection recorded on chain, number",
    },
    "portal.sanggah.refused": {"id": "Sanggah ditolak", "en": "Objection refused"},
    "portal.sanggah.unreachable": {
        "id": "Portal tidak dapat dihubungi; kirim ulang dengan tombol yang sama.",
        "en": "The portal cannot be reached; send again with the same button.",
    },
    "portal.sanggah.closed": {
        "id": "Sanggah hanya dapat diajukan oleh peserta yang kalah selama masa sanggah.",
        "en": "Only a losing bidder may object, and only within the objection period.",
    },
    # The supplier's contract (app/portal/contracts.py).
    "portal.contract.title": {"id": "Kontrak saya", "en": "My contract"},
    "portal.contract.value": {"id": "Nilai kontrak", "en": "Contract value"},
    "portal.contract.original": {"id": "semula", "en": "originally"},
    "portal.contract.paid": {"id": "Pembayaran diotorisasi", "en": "Payments authorised"},
    "portal.contract.penalties": {"id": "Denda", "en": "Penalties"},
    "portal.contract.retention": {"id": "Retensi", "en": "Retention"},
    "portal.contract.advance": {"id": "Uang muka", "en": "Advance payment"},
    "portal.contract.outstanding": {"id": "sisa", "en": "outstanding"},
    "portal.contract.terms": {"id": "Hash syarat kontrak", "en": "Terms hash"},
    "portal.contract.signed_at": {"id": "Ditandatangani penyedia", "en": "Countersigned"},
    "portal.contract.countersign": {"id": "Tanda tangani kontrak", "en": "Countersign the contract"},
    "portal.contract.countersign_intro": {
        "id": "Dengan menandatangani, Anda menyetujui syarat kontrak yang hash-nya tertera di atas. "
        "Tanda tangan dibuat di browser ini dengan kunci Anda dan diteruskan portal tanpa biaya gas.",
        "en": "By signing you agree to the contract terms whose hash is shown above. The signature is "
        "made in this browser with your key and relayed by the portal at no gas cost to you.",
    },
    "portal.contract.countersign_button": {"id": "Tanda tangani", "en": "Sign"},
    "portal.contract.countersigned": {
        "id": "Kontrak ditandatangani; transaksi",
        "en": "Contract signed; transaction",
    },
    "portal.contract.refused": {"id": "Tanda tangan ditolak", "en": "Signature refused"},
    "portal.contract.milestones": {"id": "Termin", "en": "Milestones"},
    "portal.contract.milestone": {"id": "Termin", "en": "Milestone"},
    "portal.contract.due": {"id": "jatuh tempo", "en": "due"},
    "portal.contract.attestations": {"id": "Pemeriksaan", "en": "Attestations"},
    "portal.contract.penalty": {"id": "denda", "en": "penalty"},
    "portal.contract.payment": {"id": "Pembayaran", "en": "Payment"},
    "portal.contract.open": {"id": "Lihat kontrak", "en": "See the contract"},
    "portal.escrow.none": {"id": "belum ada", "en": "none"},
    "portal.escrow.awaiting_countersign": {
        "id": "menunggu tanda tangan Anda",
        "en": "awaiting your signature",
    },
    "portal.escrow.active": {"id": "berjalan", "en": "active"},
    "portal.escrow.completed": {"id": "selesai", "en": "completed"},
    "portal.escrow.terminated": {"id": "diputus", "en": "terminated"},
    "portal.milestone.pending": {"id": "belum diperiksa", "en": "pending"},
    "portal.milestone.attested": {"id": "sudah diperiksa", "en": "attested"},
    "portal.milestone.approved": {"id": "disetujui", "en": "approved"},
    "portal.milestone.rejected": {"id": "ditolak", "en": "rejected"},
    "portal.milestone.disputed": {"id": "disengketakan", "en": "disputed"},
    "portal.milestone.rejection_upheld": {"id": "penolakan dikukuhkan", "en": "rejection upheld"},
    "portal.contract.penalty_dispute": {"id": "Keberatan atas denda", "en": "Penalty dispute"},
    "portal.dispute_status.none": {"id": "tidak ada", "en": "none"},
    "portal.dispute_status.open": {"id": "menunggu putusan komite", "en": "awaiting the committee"},
    "portal.dispute_status.upheld": {"id": "denda dikukuhkan", "en": "penalty upheld"},
    "portal.dispute_status.overturned": {
        "id": "denda dibatalkan, dikembalikan",
        "en": "penalty overturned, refunded",
    },
    # A milestone's dispute (app/portal/contracts.py).
    "portal.dispute.title": {"id": "Ajukan keberatan atas termin", "en": "Dispute a milestone"},
    "portal.dispute.link_rejection": {"id": "Ajukan keberatan atas penolakan", "en": "Dispute the rejection"},
    "portal.dispute.link_penalty": {"id": "Ajukan keberatan atas denda", "en": "Dispute the penalty"},
    "portal.dispute.intro_rejection": {
        "id": "PPK menolak termin ini. Jika pekerjaan sudah sesuai, lampirkan buktinya: keberatan Anda "
        "ditandatangani di browser ini, diteruskan portal tanpa biaya gas, dan diputus komite antarinstansi. "
        "Jika komite membatalkan penolakan, termin disetujui dan dibayar.",
        "en": "The PPK rejected this milestone. If the work was done as agreed, attach the evidence: your "
        "dispute is signed in this browser, relayed by the portal at no gas cost, and decided by the "
        "multi-agency committee. If the committee overturns the rejection, the milestone is approved and "
        "paid.",
    },
    "portal.dispute.intro_penalty": {
        "id": "Termin ini dibayar dengan denda keterlambatan. Jika keterlambatan bukan karena Anda (misalnya "
        "keadaan kahar), lampirkan buktinya: keberatan ini hanya dapat diajukan sekali dan diputus komite. "
        "Jika denda dibatalkan, jumlahnya dikembalikan kepada Anda.",
        "en": "This milestone was paid with a late penalty. If the delay was not yours (force majeure, for "
        "instance), attach the evidence: this dispute can be filed once and the committee decides it. "
        "If the penalty is overturned, its amount is refunded to you.",
    },
    "portal.dispute.evidence": {"id": "Bukti keberatan (satu berkas)", "en": "Evidence (one file)"},
    "portal.dispute.evidence_note": {
        "id": "Berkas disimpan gateway menurut sidiknya sehingga komite, PPK, dan publik dapat mengunduh dan "
        "memeriksanya; PDF, gambar, atau dokumen kantor.",
        "en": "The gateway keeps the file under its fingerprint, so the committee, the PPK and the public "
        "can download and check it; PDF, images or office documents.",
    },
    "portal.dispute.uploading": {"id": "Mengunggah bukti…", "en": "Uploading the evidence…"},
    "portal.dispute.filed": {
        "id": "Keberatan tercatat di rantai; komite akan memutusnya.",
        "en": "Dispute recorded on chain; the committee will decide it.",
    },
    "portal.dispute.refused": {"id": "Keberatan ditolak", "en": "Dispute refused"},
    "portal.dispute.closed": {
        "id": "Termin ini tidak dapat diajukan keberatan: hanya termin yang ditolak, atau denda yang belum "
        "pernah diajukan keberatan, yang dapat diajukan.",
        "en": "This milestone cannot be disputed: only a rejected milestone, or a penalty not yet "
        "disputed, can be.",
    },
    "portal.payment.none": {"id": "belum ada", "en": "none yet"},
    "portal.payment.reference": {"id": "referensi bank", "en": "bank reference"},
    "portal.payment.authorized": {"id": "diotorisasi", "en": "authorised"},
    "portal.payment.settled": {"id": "diterima di rekening", "en": "settled to the account"},
    "portal.payment.failed": {"id": "gagal, dicoba lagi", "en": "failed, to be retried"},
    "portal.payment.cancelled": {"id": "dibatalkan", "en": "cancelled"},
    # The supplier's own bid (app/portal/bids.py).
    "portal.bid.title": {"id": "Penawaran saya", "en": "My bid"},
    "portal.bid.intro": {
        "id": "Harga Anda disegel di browser ini: browser membuat komitmen dan amplop untuk Pokja, lalu "
        "menandatanganinya dengan kunci Anda. Portal tidak melihat harga sebelum masa pembukaan. "
        "Pembukaan penawaran disimpan di browser ini; unduh juga salinannya.",
        "en": "Your price is sealed in this browser: it makes the commitment and the envelope for the "
        "Pokja, then signs them with your key. The portal does not see the price before the opening "
        "window. The bid's opening is kept in this browser; download a copy too.",
    },
    "portal.bid.replaces": {
        "id": "Anda sudah menyampaikan penawaran; penawaran baru menggantikannya.",
        "en": "You have already bid; a new bid replaces it.",
    },
    "portal.bid.price": {"id": "Harga penawaran (rupiah)", "en": "Bid price (rupiah)"},
    "portal.bid.commit_button": {"id": "Segel, tanda tangani, dan kirim", "en": "Seal, sign and send"},
    "portal.bid.reveal_intro": {
        "id": "Masa pembukaan: buka penawaran Anda dengan pembukaan yang disimpan browser ini (atau "
        "berkas salinannya). Penawaran yang tidak dibuka dibuka Pokja dan jaminannya dapat dicairkan.",
        "en": "Opening window: open your bid with the opening this browser kept (or its file copy). A "
        "bid left sealed is opened by the Pokja and its bond may be claimed.",
    },
    "portal.bid.opening_file": {
        "id": "Berkas pembukaan (bila bukan dari browser ini)",
        "en": "Opening file (if not from this browser)",
    },
    "portal.bid.reveal_button": {"id": "Tanda tangani dan buka penawaran", "en": "Sign and open the bid"},
    "portal.bid.sealing": {"id": "Menyegel penawaran…", "en": "Sealing the bid…"},
    "portal.bid.committed": {
        "id": "Penawaran tersegel tercatat di rantai, urutan",
        "en": "Sealed bid recorded on chain, sequence",
    },
    "portal.bid.revealed": {"id": "Penawaran dibuka di rantai: harga", "en": "Bid opened on chain: price"},
    "portal.bid.no_opening": {
        "id": "Pembukaan penawaran ini tidak ada di browser ini: pilih berkas salinannya.",
        "en": "This bid's opening is not in this browser: choose its file copy.",
    },
    "portal.bid.refused": {"id": "Ditolak", "en": "Refused"},
    "portal.bid.opening_download": {
        "id": "Unduh salinan pembukaan penawaran",
        "en": "Download a copy of the bid's opening",
    },
    "portal.bid.closed": {
        "id": "Tender ini tidak sedang menerima atau membuka penawaran Anda.",
        "en": "This tender is not taking or opening a bid of yours now.",
    },
    "portal.bid.open_link": {"id": "Sampaikan penawaran", "en": "Submit a bid"},
    "portal.bid.products": {
        "id": "Produk ber-TKDN (boleh kosong)",
        "en": "TKDN-certified products (optional)",
    },
    "portal.bid.products_note": {
        "id": "Kode produk dari sertifikat TKDN-nya dan porsinya dalam nilai penawaran; TKDN penawaran "
        "dihitung dari sertifikat yang tercatat di rantai.",
        "en": "The product code on its TKDN certificate and its share of the bid's value; the bid's TKDN "
        "is computed from the certificates recorded on chain.",
    },
    "portal.bid.product_code": {"id": "Kode produk", "en": "Product code"},
    "portal.bid.product_share": {"id": "Porsi nilai (%)", "en": "Share of value (%)"},
    "portal.bid.certified": {"id": "TKDN", "en": "TKDN"},
    "portal.bid.uncertified": {"id": "tidak bersertifikat TKDN", "en": "no TKDN certificate"},
    "portal.bid.tkdn": {"id": "TKDN penawaran:", "en": "The bid's TKDN:"},
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
