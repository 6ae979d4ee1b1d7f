"""Why a family is refused, suspended or exited, in plain words: what the status check shows and
what a notice says. Keys are the contract's Reason names (IWelfarePrograms.Reason) and the reason
codes officials give (BeneficiarySuspended / BeneficiaryExited `reasonCode`)."""

from __future__ import annotations

REASON_TEXTS: dict[str, dict[str, str]] = {
    "DecileNotEligible": {
        "id": "Desil kesejahteraan keluarga di DTSEN di luar sasaran program.",
        "en": "The family's welfare decile in DTSEN is outside the programme's target.",
    },
    "RegionNotCovered": {
        "id": "Wilayah tempat tinggal belum dicakup program.",
        "en": "The programme does not cover the family's region yet.",
    },
    "AlreadyEnrolled": {
        "id": "Keluarga sudah terdaftar pada program ini.",
        "en": "The family is already enrolled in this programme.",
    },
    "NoComponent": {
        "id": "Tidak ada anggota keluarga yang memenuhi komponen program (misalnya ibu hamil, anak "
        "sekolah, lansia, disabilitas).",
        "en": "No family member meets a component of the programme (e.g. pregnancy, school children, "
        "elderly, disability).",
    },
    "BudgetExhausted": {
        "id": "Anggaran periode ini sudah habis.",
        "en": "This period's budget is used up.",
    },
    "PaidByOtherProgramme": {
        "id": "Keluarga sudah menerima bantuan sejenis dari program lain.",
        "en": "The family already receives similar aid from another programme.",
    },
    "DECEASED": {"id": "Penerima meninggal dunia.", "en": "The beneficiary has died."},
    "GRADUATED": {
        "id": "Keluarga telah mandiri (graduasi).",
        "en": "The family has become self-reliant (graduated).",
    },
    "MOVED": {"id": "Keluarga pindah domisili.", "en": "The family moved away."},
    "PKH_CONDITION_UNMET": {
        "id": "Kewajiban program (misalnya pemeriksaan kesehatan, kehadiran sekolah) tidak dipenuhi.",
        "en": "The programme's conditions (e.g. health checks, school attendance) were not met.",
    },
}


def reason_text(code: str | None, language: str) -> str | None:
    """The plain words for a reason, or the code itself when none are written for it."""
    if code is None:
        return None
    text = REASON_TEXTS.get(code)
    return text[language] if text is not None else code
