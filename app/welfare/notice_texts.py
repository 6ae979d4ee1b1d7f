"""What a notice says to a family, in its language: short enough for one or two SMS, with the
programme, what happened and, for a refusal, suspension or exit, why and how to object. A notice
names no person and no NIK: it goes to the number the enroller gave for the family."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.welfare.reasons import reason_text

WIB = timezone(timedelta(hours=7), "WIB")
CHECK = {"id": "Cek status: {url}", "en": "Check your status: {url}"}
OBJECT = {
    "id": "Tidak setuju? Ajukan pengaduan di {url} atau lewat pendamping sosial.",
    "en": "Disagree? File a complaint at {url} or through your social worker.",
}
TEXTS: dict[str, dict[str, str]] = {
    "enrolled": {
        "id": "Keluarga Anda terdaftar sebagai penerima {programme}.",
        "en": "Your family is enrolled as a beneficiary of {programme}.",
    },
    "refused": {
        "id": "Pendaftaran keluarga Anda pada {programme} tidak disetujui. Alasan: {reason}",
        "en": "Your family's enrolment in {programme} was not approved. Reason: {reason}",
    },
    "suspended": {
        "id": "Bantuan {programme} untuk keluarga Anda ditangguhkan. Alasan: {reason}",
        "en": "Your family's {programme} benefit is suspended. Reason: {reason}",
    },
    "reinstated": {
        "id": "Bantuan {programme} untuk keluarga Anda berlaku kembali.",
        "en": "Your family's {programme} benefit is restored.",
    },
    "exited": {
        "id": "Keluarga Anda tidak lagi menerima {programme}. Alasan: {reason}",
        "en": "Your family no longer receives {programme}. Reason: {reason}",
    },
    "paid": {
        "id": "Bantuan {programme} sebesar Rp{amount} telah dibayarkan ({at}).",
        "en": "Your {programme} benefit of Rp{amount} has been paid ({at}).",
    },
    "appeal_upheld": {
        "id": "Sanggahan keluarga Anda pada {programme} DITERIMA.",
        "en": "Your family's appeal in {programme} was UPHELD.",
    },
    "appeal_rejected": {
        "id": "Sanggahan keluarga Anda pada {programme} ditolak.",
        "en": "Your family's appeal in {programme} was rejected.",
    },
}
OBJECTABLE = ("refused", "suspended", "exited", "appeal_rejected")


def rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def render(kind: str, params: dict, language: str, site: str) -> str:
    """The notice's text for `kind` (a key of TEXTS) with its params, in `language` (id or en)."""
    at = params.get("at")
    text = TEXTS[kind][language].format(
        programme=params.get("programme") or f"program #{params.get('programmeId')}",
        reason=reason_text(params.get("reason"), language) or "-",
        amount=rupiah(int(params.get("amount", 0))),
        at=datetime.fromtimestamp(at, WIB).strftime("%d-%m-%Y %H:%M WIB") if at else "-",
    )
    tail = OBJECT if kind in OBJECTABLE else CHECK
    url = f"{site}/explorer/welfare/complaint" if kind in OBJECTABLE else f"{site}/explorer/welfare/status"
    return f"{text} {tail[language].format(url=url)}"
