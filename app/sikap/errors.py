"""The supplier-data problems' titles, in Bahasa Indonesia and English (codes: app/sikap/checks.py)."""

from __future__ import annotations

from app.api.errors import TITLES

SIKAP_TITLES: dict[str, dict[str, str]] = {
    "supplier_unknown_nib": {
        "en": "No business with this NIB is in the SIKaP extract.",
        "id": "Tidak ada pelaku usaha dengan NIB ini dalam data SIKaP.",
    },
    "supplier_blacklisted_nationally": {
        "en": "The business is on the national blacklist (daftar hitam).",
        "id": "Pelaku usaha ini tercantum dalam daftar hitam nasional.",
    },
    "supplier_unqualified": {
        "en": "The supplier does not hold the qualification the tender requires (or it has expired).",
        "id": "Penyedia tidak memiliki kualifikasi yang disyaratkan tender (atau sudah kedaluwarsa).",
    },
    "sikap_file_invalid": {
        "en": "The SIKaP extract is not valid.",
        "id": "Berkas data SIKaP tidak valid.",
    },
}


def register_titles() -> None:
    for code, titles in SIKAP_TITLES.items():
        TITLES.setdefault(code, titles)
