"""The onboarding problems' titles, in Bahasa Indonesia and English (codes: app/onboarding/routes.py)."""

from __future__ import annotations

from app.api.errors import TITLES

ONBOARDING_TITLES: dict[str, dict[str, str]] = {
    "plan_invalid": {
        "en": "The onboarding plan is not valid.",
        "id": "Rencana orientasi instansi tidak valid.",
    },
    "plan_pending": {
        "en": "This plan is already proposed and not executed yet.",
        "id": "Rencana ini sudah diusulkan dan belum dieksekusi.",
    },
    "plan_unknown": {"en": "No such onboarding plan.", "id": "Rencana orientasi instansi tidak ditemukan."},
    "agency_pending": {
        "en": "This agency id is in a plan not executed yet.",
        "id": "Kode instansi ini ada dalam rencana yang belum dieksekusi.",
    },
    "AgencyAlreadyRegistered": {
        "en": "This agency id is already taken.",
        "id": "Kode instansi ini sudah dipakai.",
    },
    "official_in_other_agency": {
        "en": "The official already acts for another agency.",
        "id": "Pejabat ini sudah bertugas untuk instansi lain.",
    },
    "official_holds_role": {
        "en": "The official's account already holds a role or a committee seat; an official joins with a "
        "fresh key.",
        "id": "Akun pejabat ini sudah memegang peran atau kursi komite; pejabat bergabung dengan kunci baru.",
    },
    "official_pending": {
        "en": "The official is in a plan not executed yet.",
        "id": "Pejabat ini ada dalam rencana yang belum dieksekusi.",
    },
}


def register_titles() -> None:
    """Adds the onboarding codes' titles to the gateway's table (codes already titled stay)."""
    for code, titles in ONBOARDING_TITLES.items():
        TITLES.setdefault(code, titles)
