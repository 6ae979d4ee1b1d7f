"""The gateway's error type and its stable codes, with Indonesian and English titles.

Codes are part of the API: clients branch on them. A revert carries the contract's custom error
name as its code (e.g. `SupplierNibTaken`), so what the chain refused reads the same everywhere."""

from __future__ import annotations

import re
from typing import Any

from app.ledger.reverts import ChainRevert

TITLES: dict[str, dict[str, str]] = {
    "not_found": {"en": "No such resource.", "id": "Sumber daya tidak ditemukan."},
    "method_not_allowed": {"en": "Method not allowed here.", "id": "Metode tidak diizinkan di sini."},
    "invalid_request": {"en": "The request is not valid.", "id": "Permintaan tidak valid."},
    "http_error": {"en": "The request failed.", "id": "Permintaan gagal."},
    "unauthenticated": {"en": "A bearer token is required.", "id": "Diperlukan token bearer."},
    "invalid_token": {"en": "The bearer token is not valid.", "id": "Token bearer tidak valid."},
    "identity_provider_unavailable": {
        "en": "The identity provider's keys cannot be fetched; retry later.",
        "id": "Kunci penyedia identitas tidak dapat diambil; coba lagi nanti.",
    },
    "forbidden_role": {"en": "Your role may not do this.", "id": "Peran Anda tidak berwenang untuk ini."},
    "wrong_agency": {"en": "This belongs to another agency.", "id": "Ini milik instansi lain."},
    "idempotency_key_required": {
        "en": "An Idempotency-Key header is required.",
        "id": "Header Idempotency-Key wajib diisi.",
    },
    "idempotency_key_reused": {
        "en": "This Idempotency-Key was used for a different request.",
        "id": "Idempotency-Key ini sudah dipakai untuk permintaan lain.",
    },
    "request_in_progress": {
        "en": "The first request with this key is still running; retry later.",
        "id": "Permintaan pertama dengan kunci ini masih berjalan; coba lagi nanti.",
    },
    "writes_busy": {
        "en": "Every write slot is busy; retry later (nothing was sent).",
        "id": "Semua slot penulisan sedang terpakai; coba lagi nanti (tidak ada yang dikirim).",
    },
    "signer_unavailable": {
        "en": "The gateway has no signing key for this actor.",
        "id": "Gateway tidak memiliki kunci penanda tangan untuk pelaku ini.",
    },
    "invalid_identifier": {"en": "An identifier is malformed.", "id": "Nomor identitas tidak sesuai format."},
    "ocid_prefix_mismatch": {
        "en": "The ocid does not start with this publisher's OCDS prefix.",
        "id": "ocid tidak diawali prefiks OCDS penerbit ini.",
    },
    "ocid_archived": {
        "en": "The ocid belongs to a past process in an imported archive.",
        "id": "ocid ini milik proses lama dalam arsip impor.",
    },
    "chain_refused": {"en": "The ledger refused the transaction.", "id": "Buku besar menolak transaksi."},
    "chain_unavailable": {"en": "The ledger cannot be reached.", "id": "Buku besar tidak dapat dijangkau."},
    "node_error": {
        "en": "The ledger's node answered with an error.",
        "id": "Node buku besar menjawab dengan galat.",
    },
    "transaction_failed": {"en": "The transaction failed.", "id": "Transaksi gagal."},
    "sealed_value_unreadable": {
        "en": "A value sealed at rest does not open (key retired or unknown, or the value was moved).",
        "id": "Nilai tersegel tidak dapat dibuka (kunci dipensiunkan/tidak dikenal, atau nilai dipindah).",
    },
    "rate_limited": {
        "en": "Too many requests from this address; retry after the time in Retry-After.",
        "id": "Terlalu banyak permintaan dari alamat ini; ulangi setelah waktu pada Retry-After.",
    },
    "unsupported_document_type": {
        "en": "This kind of file is not accepted as a document.",
        "id": "Jenis berkas ini tidak diterima sebagai dokumen.",
    },
    "document_empty": {"en": "The document is empty.", "id": "Dokumen kosong."},
    "document_hash_mismatch": {
        "en": "The file is not the one expected: its keccak-256 differs.",
        "id": "Berkas bukan yang dimaksud: keccak-256-nya berbeda.",
    },
    "document_corrupted": {
        "en": "The stored file no longer matches its hash; it is not served.",
        "id": "Berkas tersimpan tidak lagi cocok dengan hash-nya; tidak disajikan.",
    },
    "document_not_found": {
        "en": "No stored document has this hash.",
        "id": "Tidak ada dokumen tersimpan dengan hash ini.",
    },
    "body_too_large": {
        "en": "The request body is too large.",
        "id": "Isi permintaan terlalu besar.",
    },
    "transaction_pending": {
        "en": "The transaction is not confirmed yet; retry with the same Idempotency-Key.",
        "id": "Transaksi belum terkonfirmasi; ulangi dengan Idempotency-Key yang sama.",
    },
    # Escrows (contracts and milestones, app/escrows/routes.py): the supplier's signed
    # dispute transaction, and the gateway's own checks that answer with the contract's error name.
    "invalid_signed_transaction": {
        "en": "This is not a signed transaction calling the escrow.",
        "id": "Ini bukan transaksi bertanda tangan yang memanggil kontrak termin.",
    },
    "signed_transaction_mismatch": {
        "en": "The signed transaction is for another act, contract, escrow, milestone or chain.",
        "id": "Transaksi bertanda tangan ini untuk tindakan, kontrak, termin atau jaringan lain.",
    },
    "signed_transaction_refused": {
        "en": "The node refused the signed transaction (e.g. nonce or funds).",
        "id": "Node menolak transaksi bertanda tangan (mis. nonce atau saldo).",
    },
    "SupplierNotCurrentKey": {
        "en": "Only the supplier's registered key may move its record to a new key.",
        "id": "Hanya kunci terdaftar penyedia yang boleh memindahkan catatannya ke kunci baru.",
    },
    "EscrowNotSupplier": {
        "en": "Only the winning supplier's current key may sign this.",
        "id": "Hanya kunci penyedia pemenang yang berlaku yang boleh menandatangani ini.",
    },
    "EscrowNotVerifier": {
        "en": "Your key is not one of this contract's verifiers.",
        "id": "Kunci Anda bukan salah satu pemeriksa kontrak ini.",
    },
    "EscrowVerifierCannotDecide": {
        "en": "A verifier of this contract may not approve or reject its milestones.",
        "id": "Pemeriksa kontrak ini tidak boleh menyetujui atau menolak terminnya.",
    },
    "EscrowInvalidDeliveryDate": {
        "en": "The delivery date must lie between the signing and now.",
        "id": "Tanggal serah terima harus di antara penandatanganan kontrak dan saat ini.",
    },
    "EscrowOutsidePolicy": {
        "en": "A term lies outside the money rules (policy) in force.",
        "id": "Suatu syarat berada di luar aturan keuangan (kebijakan) yang berlaku.",
    },
    "EscrowAdvanceTooLarge": {
        "en": "The advance (uang muka) exceeds the policy's cap for this contract.",
        "id": "Uang muka melebihi batas kebijakan untuk kontrak ini.",
    },
    "EscrowAmendmentCapExceeded": {
        "en": "Addenda may not add more than the policy's share of the original value.",
        "id": "Adendum tidak boleh menambah nilai melebihi batas kebijakan dari nilai kontrak awal.",
    },
    "EscrowMilestoneOverdue": {
        "en": "An addendum cannot move the due date of a milestone already late.",
        "id": "Adendum tidak dapat menggeser tanggal jatuh tempo termin yang sudah terlambat.",
    },
    "EscrowNoOpenDispute": {
        "en": "This milestone has no open dispute.",
        "id": "Termin ini tidak memiliki sengketa yang terbuka.",
    },
    "EscrowWrongStatus": {
        "en": "The contract's status does not allow this.",
        "id": "Status kontrak tidak memungkinkan tindakan ini.",
    },
    # Welfare and payment instructions (app/welfare/routes.py, instructions.py): the gateway's own
    # check, and the contract errors a caseworker meets most.
    "unknown_payment_source": {
        "en": "Unknown payment source: give a deployed contract's name or a 0x address.",
        "id": "Sumber pembayaran tidak dikenal: sebutkan nama kontrak yang terpasang atau alamat 0x.",
    },
    # The payment bridge (app/payments/routes.py): releasing a row it set aside.
    "payment_not_quarantined": {
        "en": "That payout is not set aside: nothing to release.",
        "id": "Pembayaran itu tidak sedang ditahan: tidak ada yang dilepas.",
    },
    "WelfareUnknownProgramme": {"en": "No such welfare programme.", "id": "Program bansos tidak ditemukan."},
    "WelfareProgrammeNotStarted": {
        "en": "The programme's first period has not started.",
        "id": "Periode pertama program belum dimulai.",
    },
    "WelfareNotCurrentPeriod": {
        "en": "Only the current period can be paid.",
        "id": "Hanya periode berjalan yang dapat dibayarkan.",
    },
    "WelfareWrongStatus": {
        "en": "The beneficiary's status does not allow this.",
        "id": "Status penerima manfaat tidak memungkinkan tindakan ini.",
    },
    "WelfareAppealOpen": {
        "en": "An appeal is already open for this beneficiary.",
        "id": "Keberatan untuk penerima manfaat ini masih terbuka.",
    },
    "WelfareNoOpenAppeal": {
        "en": "There is no open appeal to resolve.",
        "id": "Tidak ada keberatan terbuka untuk diputuskan.",
    },
    # Welfare money by the committee and the insider checks (docs/decisions/0023).
    "WelfareUnknownBudgetLine": {
        "en": "No such budget line approved by the committee.",
        "id": "Pos anggaran yang disetujui komite tidak ditemukan.",
    },
    "WelfareOverBudgetLine": {
        "en": "The budget line approved by the committee has not that much left per period.",
        "id": "Sisa pos anggaran yang disetujui komite per periode tidak mencukupi.",
    },
    "WelfareBenefitAboveCeiling": {
        "en": "These rules could pay a family more per period than the budget line allows.",
        "id": "Aturan ini dapat membayar satu keluarga melebihi batas per periode pos anggaran.",
    },
    "WelfarePeriodNotOnLine": {
        "en": "The schedule does not fit the budget line's periods.",
        "id": "Jadwal tidak sesuai dengan periode pos anggaran.",
    },
    "WelfareEnrollerOutOfScope": {
        "en": "Your key is not assigned to this programme and region.",
        "id": "Kunci Anda tidak ditugaskan untuk program dan wilayah ini.",
    },
    "WelfareSameOfficial": {
        "en": "A second official must confirm: you did the first act.",
        "id": "Pejabat kedua harus mengonfirmasi: Anda yang melakukan tindakan pertama.",
    },
    "WelfareSuspensionInForce": {
        "en": "The suspension already applies to the current period.",
        "id": "Penangguhan sudah berlaku untuk periode berjalan.",
    },
    "WelfareBatchNotFailed": {
        "en": "Only a batch the treasury failed as a whole can be retried or cancelled, once.",
        "id": "Hanya batch yang digagalkan bendahara seluruhnya yang dapat diulang atau dibatalkan, sekali.",
    },
    "WelfareBatchLinesMismatch": {
        "en": "These are not the batch's lines (all of them, in order, with their amounts).",
        "id": "Ini bukan baris-baris batch tersebut (semuanya, berurutan, dengan nilainya).",
    },
    "PaymentStaleAttempt": {
        "en": "The report answers an earlier attempt of this payment.",
        "id": "Laporan ini menjawab percobaan pembayaran sebelumnya.",
    },
    "WelfareInvalidSchedule": {
        "en": "The first period must start now or later, and a period must last at least a second.",
        "id": "Periode pertama harus dimulai sekarang atau nanti, dan panjang periode minimal satu detik.",
    },
    # Suppliers (app/suppliers/routes.py): the registry's rules that keep one officer, or an officer
    # of another agency, from taking a supplier out of a tender.
    "AgencyOfficerMismatch": {
        "en": "Your key acts for another agency than this act needs.",
        "id": "Kunci Anda bertindak untuk instansi lain dari yang diperlukan tindakan ini.",
    },
    "SupplierProfileUnchanged": {
        "en": "The profile is unchanged: nothing to update (the verification stays).",
        "id": "Profil tidak berubah: tidak ada yang diperbarui (verifikasi tetap berlaku).",
    },
    "SupplierEmptyReason": {
        "en": "The reason's hash is required.",
        "id": "Hash alasan wajib diisi.",
    },
    "SupplierInvalidBlacklistPeriod": {
        "en": "A blacklist period may not start in the past, must end after it starts and last at most "
        "2 years, and must meet a period still pending or in force.",
        "id": "Masa daftar hitam tidak boleh berlaku surut, harus berakhir setelah dimulai dan paling lama "
        "2 tahun, serta harus bersambung dengan masa yang belum berakhir.",
    },
    "SupplierBlacklistProposalUnknown": {
        "en": "No such blacklist proposal.",
        "id": "Usulan daftar hitam tidak ditemukan.",
    },
    "SupplierBlacklistSameOfficer": {
        "en": "Another officer of the agency must confirm this blacklist proposal.",
        "id": "Usulan daftar hitam ini harus dikonfirmasi oleh pejabat lain dari instansi yang sama.",
    },
    "SupplierBlacklistProposalExpired": {
        "en": "The proposal was not confirmed within 7 days; propose it again.",
        "id": "Usulan tidak dikonfirmasi dalam 7 hari; ajukan kembali.",
    },
    "SupplierBlacklistAlreadyConfirmed": {
        "en": "This blacklist proposal is already confirmed.",
        "id": "Usulan daftar hitam ini sudah dikonfirmasi.",
    },
    "AccessManagerNotReady": {
        "en": "The scheduled change cannot be executed before its delay has passed.",
        "id": "Perubahan terjadwal belum dapat dijalankan sebelum masa tundanya berakhir.",
    },
    "AccessManagerNotScheduled": {
        "en": "This change was not scheduled (or was already executed or cancelled).",
        "id": "Perubahan ini tidak dijadwalkan (atau sudah dijalankan atau dibatalkan).",
    },
    # Bids of suppliers with a gateway-managed key (app/tenders/managed_bids.py): the gateway's own
    # checks, and the contract errors such a supplier meets most (some answered before the opening is
    # sent, under the contract's own name).
    "relay_not_own_supplier": {
        "en": "A supplier's token relays only that supplier's own signed acts.",
        "id": "Token penyedia hanya dapat meneruskan tindakan bertanda tangan milik penyedia itu sendiri.",
    },
    "portal_signed_out": {
        "en": "The portal session has ended; sign in again.",
        "id": "Sesi portal telah berakhir; silakan masuk kembali.",
    },
    "portal_cross_site": {
        "en": "The portal takes signed acts from its own pages only.",
        "id": "Portal hanya menerima tindakan bertanda tangan dari halamannya sendiri.",
    },
    "wrong_supplier": {
        "en": "Only the supplier itself may use its managed key.",
        "id": "Hanya penyedia itu sendiri yang boleh memakai kunci kelolaannya.",
    },
    "managed_key_missing": {
        "en": "This supplier has no key managed by the gateway.",
        "id": "Penyedia ini belum memiliki kunci yang dikelola gateway.",
    },
    "managed_key_not_registered": {
        "en": "The supplier's registered account is not its managed key.",
        "id": "Akun terdaftar penyedia bukan kunci kelolaannya.",
    },
    "managed_opening_missing": {
        "en": "The gateway holds no opening for this sealed bid.",
        "id": "Gateway tidak menyimpan pembukaan untuk penawaran tersegel ini.",
    },
    "TenderNotInRevealPeriod": {
        "en": "Bids can be opened only between the commit and the reveal deadline.",
        "id": "Penawaran hanya dapat dibuka antara batas akhir pemasukan dan batas akhir pembukaan.",
    },
    "TenderCommitClosed": {
        "en": "The deadline for submitting bids has passed.",
        "id": "Batas akhir pemasukan penawaran sudah lewat.",
    },
    "TenderPriceAboveHps": {
        "en": "The price is above the owner's estimate (HPS).",
        "id": "Harga penawaran melebihi HPS.",
    },
    "TenderNoBid": {
        "en": "This supplier has no bid on the tender.",
        "id": "Penyedia ini tidak memasukkan penawaran.",
    },
    "TenderInvalidSigner": {
        "en": "The signature is not the named supplier's (wrong key, chain, contract or message).",
        "id": "Tanda tangan bukan milik penyedia yang disebut (kunci, jaringan, kontrak atau pesan lain).",
    },
    "TenderSignatureExpired": {
        "en": "The signed message's deadline has passed; sign it again.",
        "id": "Batas waktu pesan bertanda tangan sudah lewat; tandatangani ulang.",
    },
    "TenderNotAnObjector": {
        "en": "Only a bidder other than the proposed winner may file an objection (sanggah).",
        "id": "Sanggah hanya dapat diajukan oleh peserta selain calon pemenang.",
    },
    "TenderAlreadyObjected": {
        "en": "This supplier has already filed an objection against this award.",
        "id": "Penyedia ini sudah mengajukan sanggah atas penetapan pemenang ini.",
    },
    "TenderObjectionWindowClosed": {
        "en": "The objection (sanggah) window has closed.",
        "id": "Masa sanggah sudah berakhir.",
    },
    "TenderObjectionsPending": {
        "en": "Every objection must be answered before the award becomes final.",
        "id": "Semua sanggah harus dijawab sebelum penetapan pemenang menjadi final.",
    },
    # Who signs a person's act (app/officials/keys.py), the Pokja (app/tenders/pokja_routes.py): the
    # quorum opening of a bid from its envelope, score sheets; the contract errors met most.
    "payee_notifier_unconfigured": {
        "en": "Payees cannot be told of account changes here: no notifier is configured.",
        "id": "Penerima tidak dapat diberi tahu perubahan rekening: layanan pemberitahuan belum diatur.",
    },
    "account_change_pending": {
        "en": "A proposed change of this payout account awaits a decision.",
        "id": "Usulan perubahan rekening pembayaran ini masih menunggu keputusan.",
    },
    "account_same_official": {
        "en": "A second treasury official approves a payout account, not its proposer.",
        "id": "Rekening pembayaran disetujui pejabat perbendaharaan kedua, bukan pengusulnya.",
    },
    "account_not_proposer": {
        "en": "Only the official who proposed this change may withdraw it.",
        "id": "Hanya pejabat pengusul yang dapat menarik usulan ini.",
    },
    "account_already_decided": {
        "en": "This payout account version has been decided already.",
        "id": "Versi rekening pembayaran ini sudah diputuskan.",
    },
    "account_not_revocable": {
        "en": "Only an approved change still in its cooling-off can be stopped.",
        "id": "Hanya perubahan yang disetujui dan masih dalam masa tenggang yang dapat dihentikan.",
    },
    "officer_claim_missing": {
        "en": "This act is signed with the officer's own key: the token must name the officer's account.",
        "id": "Tindakan ini ditandatangani dengan kunci pejabat sendiri: token harus menyebut akun pejabat.",
    },
    "officer_key_unavailable": {
        "en": "The gateway holds no key of this officer; it never signs a person's act with a shared key.",
        "id": "Gateway tidak memegang kunci pejabat ini; tindakan seseorang tidak pernah ditandatangani "
        "dengan kunci bersama.",
    },
    "official_not_registered": {
        "en": "This account is not an official of any agency in the directory.",
        "id": "Akun ini bukan pejabat instansi mana pun dalam direktori.",
    },
    "TenderNotPokjaMember": {
        "en": "Only a member of this tender's Pokja may do this.",
        "id": "Hanya anggota Pokja tender ini yang boleh melakukan ini.",
    },
    "TenderAppealByPokja": {
        "en": "An appeal is answered by the KPA, not by a member of the Pokja it appeals.",
        "id": "Sanggah banding dijawab oleh KPA, bukan oleh anggota Pokja yang disanggah.",
    },
    "TenderPokjaNotAppointed": {
        "en": "No Pokja has been appointed for this tender yet.",
        "id": "Pokja untuk tender ini belum ditetapkan.",
    },
    "TenderRevealNotOver": {
        "en": "Only after the reveal deadline.",
        "id": "Hanya setelah batas akhir pembukaan penawaran.",
    },
    "TenderBidAlreadyRevealed": {
        "en": "This bid has already been opened.",
        "id": "Penawaran ini sudah dibuka.",
    },
    "TenderStaleCommit": {
        "en": "The supplier's bid changed since this commit was signed; sign it again.",
        "id": "Penawaran penyedia sudah berubah sejak pesan ini ditandatangani; tandatangani ulang.",
    },
    "TenderCommitmentMismatch": {
        "en": "The opening does not match the sealed bid.",
        "id": "Pembukaan tidak cocok dengan penawaran tersegel.",
    },
    "quorum_shares_too_few": {
        "en": "Fewer shares than the Pokja's quorum; nothing was sent.",
        "id": "Jumlah bagian kunci kurang dari kuorum Pokja; tidak ada yang dikirim.",
    },
    "quorum_shares_invalid": {
        "en": "The shares do not open this bid's envelope; nothing was sent.",
        "id": "Bagian kunci tidak membuka amplop penawaran ini; tidak ada yang dikirim.",
    },
    "envelope_opening_malformed": {
        "en": "The envelope opens but holds no bid opening; nothing was sent.",
        "id": "Amplop terbuka tetapi tidak berisi pembukaan penawaran; tidak ada yang dikirim.",
    },
    "envelope_opening_mismatch": {
        "en": "The envelope holds another bid than the one committed; nothing was sent.",
        "id": "Amplop berisi penawaran lain dari yang dimasukkan; tidak ada yang dikirim.",
    },
    "envelope_unavailable": {
        "en": "The node's logs do not hold this bid's envelope now; retry later.",
        "id": "Log node belum memuat amplop penawaran ini; coba lagi nanti.",
    },
    "score_sheet_incomplete": {
        "en": "A score sheet scores every bidder, each once.",
        "id": "Lembar nilai harus menilai setiap peserta, masing-masing satu kali.",
    },
    "score_sheet_missing": {
        "en": "The gateway holds no score sheet matching the one sealed on chain.",
        "id": "Gateway tidak menyimpan lembar nilai yang cocok dengan yang tersegel di buku besar.",
    },
    "TenderScoresIncomplete": {
        "en": "The quorum's score sheets must be sealed, and every sealed sheet opened, before evaluation.",
        "id": "Lembar nilai sejumlah kuorum harus disegel, dan semuanya dibuka, sebelum evaluasi.",
    },
    "TenderOpeningsPending": {
        "en": "Bids are still sealed and the Pokja quorum's opening window is still running.",
        "id": "Masih ada penawaran tersegel dan masa pembukaan oleh kuorum Pokja belum berakhir.",
    },
    "TenderNotInScoringPeriod": {
        "en": "Score sheets are sealed between the commit and the scoring deadline.",
        "id": "Lembar nilai disegel antara batas akhir pemasukan dan batas akhir penilaian.",
    },
    "TenderAppealNotAllowed": {
        "en": "Only the objector may appeal a rejected objection of a construction tender, once.",
        "id": "Hanya penyanggah yang dapat mengajukan sanggah banding atas sanggah yang ditolak pada "
        "tender konstruksi, satu kali.",
    },
    # The committee (app/committee/routes.py): the gateway's own checks before anything is signed,
    # and the Committee contract's refusals under their own names.
    "act_not_committee": {
        "en": "The committee may not make this call through the hub, so it is not proposed.",
        "id": "Komite tidak berwenang melakukan panggilan ini melalui hub, sehingga tidak diusulkan.",
    },
    "committee_not_deployed": {
        "en": "This deployment has no committee contract.",
        "id": "Penyebaran ini tidak memiliki kontrak komite.",
    },
    "database_unavailable": {
        "en": "The gateway's database cannot be reached; retry with the same Idempotency-Key.",
        "id": "Basis data gateway tidak dapat dihubungi; ulangi dengan Idempotency-Key yang sama.",
    },
    "EnforcedPause": {
        "en": "The contract is paused by a guardian: no write is accepted until the committee unpauses it.",
        "id": "Kontrak dihentikan sementara oleh penjaga: tidak ada penulisan yang diterima sampai komite "
        "membukanya kembali.",
    },
    "account_not_official": {
        "en": "A key rotation moves an official's own key; this account is a contract or holds the "
        "committee's role.",
        "id": "Rotasi kunci memindahkan kunci pejabat sendiri; akun ini adalah kontrak atau memegang peran "
        "komite.",
    },
    "successor_in_use": {
        "en": "The official's new account must be a fresh one, holding no role, agency or seat.",
        "id": "Akun baru pejabat harus akun baru yang belum memegang peran, instansi, atau kursi apa pun.",
    },
    "already_paused": {"en": "The contract is already paused.", "id": "Kontrak sudah dihentikan sementara."},
    "already_unpaused": {"en": "The contract is not paused.", "id": "Kontrak tidak sedang dihentikan."},
    "CommitteeNotMember": {
        "en": "Only an official of a committee member agency may do this, with its own key.",
        "id": "Hanya pejabat instansi anggota komite yang boleh melakukan ini, dengan kuncinya sendiri.",
    },
    "CommitteeNotGuardian": {
        "en": "Only an official of a guardian agency (BPK, KPK) may veto.",
        "id": "Hanya pejabat instansi penjaga (BPK, KPK) yang boleh memveto.",
    },
    "CommitteeUnknownProposal": {"en": "No such proposal.", "id": "Usulan tidak ditemukan."},
    "CommitteeAlreadyApproved": {
        "en": "Your agency has already approved this proposal: each agency counts once.",
        "id": "Instansi Anda sudah menyetujui usulan ini: setiap instansi dihitung satu kali.",
    },
    "CommitteeNotEnoughApprovals": {
        "en": "Fewer distinct member agencies approve than the committee's threshold.",
        "id": "Jumlah instansi anggota yang menyetujui belum mencapai ambang komite.",
    },
    "CommitteeNotReady": {
        "en": "The hub's delay has not passed: the proposal cannot execute yet.",
        "id": "Masa tunda hub belum berakhir: usulan belum dapat dijalankan.",
    },
    "CommitteeWrongStatus": {
        "en": "The proposal's status does not allow this (e.g. vetoed, not scheduled, already executed).",
        "id": "Status usulan tidak memungkinkan ini (mis. diveto, belum dijadwalkan, sudah dijalankan).",
    },
    "CommitteeVetoSpent": {
        "en": "Your agency has already vetoed this act (for an unpause: during this pause).",
        "id": "Instansi Anda sudah memveto tindakan ini (untuk pembukaan jeda: selama jeda ini).",
    },
    "encryption_key_unusable": {
        "en": "An encryption key is not a usable X25519 public key.",
        "id": "Kunci enkripsi bukan kunci publik X25519 yang dapat dipakai.",
    },
    "catalogue_invalid": {
        "en": "The catalogue snapshot is not valid (e.g. a product code listed twice).",
        "id": "Snapshot katalog tidak valid (mis. kode produk tercantum dua kali).",
    },
    "catalogue_not_published": {
        "en": "No e-Katalog snapshot has been published yet.",
        "id": "Belum ada snapshot e-Katalog yang diterbitkan.",
    },
    "catalogue_superseded": {
        "en": "Another catalogue was published meanwhile; import the snapshot again.",
        "id": "Katalog lain terbit sementara itu; impor snapshot lagi.",
    },
    "product_not_in_catalogue": {
        "en": "The product is not in the catalogue in force.",
        "id": "Produk tidak ada dalam katalog yang berlaku.",
    },
    "price_mismatch": {
        "en": "The unit price differs from the catalogue's; an order is always at the catalogue price.",
        "id": "Harga satuan berbeda dari harga katalog; pesanan selalu pada harga katalog.",
    },
}

# Statuses of contract errors the patterns in from_revert would misread (a commitment that does
# not match is a bad value, not a permission; a Pokja act by an outsider is one).
REVERT_STATUS = {
    "TenderNotPokjaMember": 403,
    "TenderAppealByPokja": 403,
    "TenderCommitmentMismatch": 422,
    "TenderScoreSheetMismatch": 422,
    "CommitteeNotMember": 403,
    "CommitteeNotGuardian": 403,
    "EscrowVerifierCannotDecide": 403,
    "EscrowOutsidePolicy": 422,
    "EscrowAdvanceTooLarge": 422,
    "EscrowAmendmentCapExceeded": 422,
    "WelfareBatchLinesMismatch": 422,
    "WelfareEnrollerOutOfScope": 403,
    "WelfareSameOfficial": 403,
}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, detail: str | None = None, headers: dict | None = None, **extra: Any
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.detail, self.headers, self.extra = status, code, detail, headers, extra


def title(code: str, lang: str) -> str:
    return TITLES.get(code, TITLES["chain_refused"] if code[:1].isupper() else TITLES["http_error"])[lang]


def from_revert(revert: ChainRevert) -> ApiError:
    """403 for permission errors, 404 for unknown things, 422 for invalid values, else 409."""
    name = revert.error
    if name in REVERT_STATUS:
        status = REVERT_STATUS[name]
    elif re.search(r"Unauthorized|Mismatch|Unassigned|NotOfficer|Forbidden", name):
        status = 403
    elif re.search(r"Unknown|NotFound|NotCertified", name):
        status = 404
    elif re.search(r"Invalid|Zero|TooLong|Empty|Above|Below|OutOfRange", name):
        status = 422
    else:
        status = 409
    return ApiError(status, name, detail=str(revert), chainError={"name": name, "params": revert.params})
