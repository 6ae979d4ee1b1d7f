"""The plans problems' titles, in Bahasa Indonesia and English (codes:
app/plans/checks.py, app/plans/routes.py; orders: app/catalogue/routes.py)."""

from __future__ import annotations

from app.api.errors import TITLES

PLAN_TITLES: dict[str, dict[str, str]] = {
    "rup_unknown": {
        "en": "No procurement plan package (RUP) has this code.",
        "id": "Tidak ada paket Rencana Umum Pengadaan (RUP) dengan kode ini.",
    },
    "rup_not_announced": {
        "en": "The RUP package is not announced yet.",
        "id": "Paket RUP belum diumumkan.",
    },
    "rup_other_agency": {
        "en": "The RUP package belongs to another agency.",
        "id": "Paket RUP milik instansi lain.",
    },
    "rup_method_mismatch": {
        "en": "The tender's method is not the method the plan names.",
        "id": "Metode tender berbeda dengan metode pemilihan dalam RUP.",
    },
    "hps_above_pagu": {
        "en": "The HPS is above the package's budget ceiling (pagu).",
        "id": "HPS melebihi pagu paket.",
    },
    "rup_already_cited": {
        "en": "Another live tender already cites this RUP package.",
        "id": "Paket RUP ini sudah dipakai oleh tender lain yang masih berjalan.",
    },
    "rup_not_anchored": {
        "en": "The RUP package came by no import anchored on chain.",
        "id": "Paket RUP tidak berasal dari impor yang ditambatkan di rantai.",
    },
    "rup_not_e_purchasing": {
        "en": "The RUP package does not plan E-Purchasing.",
        "id": "Metode pemilihan paket RUP bukan E-Purchasing.",
    },
    "order_above_pagu": {
        "en": "The order's value is above the package's budget ceiling (pagu).",
        "id": "Nilai pesanan melebihi pagu paket.",
    },
    "rup_pagu_exhausted": {
        "en": "The package's earlier orders leave too little of its pagu for this order.",
        "id": "Sisa pagu paket tidak cukup untuk pesanan ini.",
    },
    "plan_import_by_agency_officer": {
        "en": "An agency officer announces against the plan and cannot import it.",
        "id": "Pejabat instansi yang mengumumkan tender tidak boleh mengimpor RUP.",
    },
    "not_data_officer": {
        "en": "The account does not hold the data officer role on chain.",
        "id": "Akun ini bukan petugas data (DATA_OFFICER) di rantai.",
    },
    "plan_anchor_failed": {
        "en": "The plan import could not be anchored on chain; nothing was stored.",
        "id": "Impor RUP gagal ditambatkan di rantai; tidak ada yang disimpan.",
    },
    "plan_file_invalid": {
        "en": "The plan file is not valid.",
        "id": "Berkas RUP tidak valid.",
    },
}


def register_titles() -> None:
    for code, titles in PLAN_TITLES.items():
        TITLES.setdefault(code, titles)
