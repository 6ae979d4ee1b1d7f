"""A SIRUP open-data extract (a JSON array of objects, or CSV with a header row) read into plan
rows, checked field by field. Every mistake is one line naming the row and the field
(`ImportError_`), so `terang plans import` and `POST /plans/imports` refuse a whole file and keep
nothing of it.

Fields: kd_rup, kd_satker, nama_paket, pagu (integer rupiah), sumber_dana, metode, tahun_anggaran,
status_umumkan_rup, status_pdn, status_ukm, and agency_id: the Terang agency of the satker. SIRUP
does not know Terang's agency ids, so a row without agency_id takes the import's agency (one
extract per agency, the usual export)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from app.protocol import vocabulary

REQUIRED = (
    "kd_rup",
    "kd_satker",
    "nama_paket",
    "pagu",
    "sumber_dana",
    "metode",
    "tahun_anggaran",
    "status_umumkan_rup",
)
METHOD = vocabulary.enum("ITenders.Method")
# SIRUP's method names (lower case) -> the tender method (ITenders.Method) a tender citing it must
# use: SIRUP names the tender methods as the contracts do ("Tender Cepat" is tender_cepat). A method
# missing here (E-Purchasing, an order rather than a tender; Pengadaan Langsung, Penunjukan
# Langsung, Swakelola...) is planned outside a tender: no tender can cite it.
TENDER_METHODS = {word.replace("_", " "): word for word in METHOD.words if word != "e_purchasing"}
TRUE = {"true", "1", "ya", "y", "yes", "terumumkan", "sudah"}
FALSE = {"false", "0", "tidak", "t", "no", "n", "belum", ""}
MAX_PAGU = 2**63 - 1


def sirup_method(code: int) -> str:
    """SIRUP's name of the tender method `code` (ITenders.Method): "Tender Cepat" for tender_cepat."""
    return METHOD.word(code).replace("_", " ").title()


class ImportError_(ValueError):  # noqa: N801 - the builtin ImportError means something else
    """One line saying what is wrong in the file."""


@dataclass(frozen=True)
class PlanRow:
    kd_rup: str
    kd_satker: str
    agency_id: int
    nama_paket: str
    pagu: int
    sumber_dana: str
    metode: str
    tahun_anggaran: int
    announced: bool
    pdn: bool
    ukm: bool

    def as_columns(self) -> dict:
        return dict(self.__dict__)


def records(text: str) -> list[dict]:
    """The file's records: a JSON array of objects, or CSV with a header row."""
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise ImportError_("the file is empty")
    if stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportError_(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ImportError_("expected a JSON array of objects")
        return data
    try:
        reader = csv.DictReader(io.StringIO(stripped))
        rows = [dict(row) for row in reader]
    except csv.Error as exc:
        raise ImportError_(f"not valid CSV ({exc})") from None
    if any(None in row for row in rows):
        raise ImportError_("a CSV row has more values than the header")
    return rows


def _text(row: dict, field: str, where: str, max_length: int) -> str:
    value = row.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ImportError_(f"{where}: {field} is missing")
    value = str(value).strip()
    if len(value) > max_length:
        raise ImportError_(f"{where}: {field} is longer than {max_length} characters")
    return value


def _integer(row: dict, field: str, where: str, low: int, high: int) -> int:
    value = row.get(field)
    if isinstance(value, bool) or value is None:
        raise ImportError_(
            f"{where}: {field} is missing" if value is None else f"{where}: {field} is not a number"
        )
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise ImportError_(
            f"{where}: {field} must be a whole number (integer rupiah, no separators): {text!r}"
        )
    number = int(text)
    if not low <= number <= high:
        raise ImportError_(f"{where}: {field} {number} is outside {low}..{high}")
    return number


def _flag(row: dict, field: str, where: str) -> bool:
    value = row.get(field, "")
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ImportError_(f"{where}: {field} must be true or false: {value!r}")


def parse(text: str, agency_id: int | None = None) -> list[PlanRow]:
    """Checks every row; `agency_id` is the agency of rows that name none."""
    rows: list[PlanRow] = []
    seen: set[str] = set()
    for number, row in enumerate(records(text), start=1):
        where = f"row {number}"
        kd_rup = _text(row, "kd_rup", where, 32)
        if not re.fullmatch(r"[0-9A-Za-z.\-]+", kd_rup):
            raise ImportError_(f"{where}: kd_rup must be letters, digits, dots or dashes: {kd_rup!r}")
        where = f"row {number} (kd_rup {kd_rup})"
        if kd_rup in seen:
            raise ImportError_(f"{where}: kd_rup appears twice in the file")
        seen.add(kd_rup)
        agency = row.get("agency_id")
        if agency in (None, ""):
            if agency_id is None:
                raise ImportError_(f"{where}: agency_id is missing and the import names no agency (--agency)")
            agency = agency_id
        rows.append(
            PlanRow(
                kd_rup=kd_rup,
                kd_satker=_text(row, "kd_satker", where, 32),
                agency_id=_integer({"agency_id": agency}, "agency_id", where, 1, 2**32 - 1),
                nama_paket=_text(row, "nama_paket", where, 500),
                pagu=_integer(row, "pagu", where, 1, MAX_PAGU),
                sumber_dana=_text(row, "sumber_dana", where, 64),
                metode=_text(row, "metode", where, 64),
                tahun_anggaran=_integer(row, "tahun_anggaran", where, 2000, 2100),
                announced=_flag(row, "status_umumkan_rup", where),
                pdn=_flag(row, "status_pdn", where),
                ukm=_flag(row, "status_ukm", where),
            )
        )
    if not rows:
        raise ImportError_("the file has no rows")
    return rows


def tender_method(metode: str) -> str | None:
    """The tender method a plan's method allows (a Method word), or None: not tendered."""
    return TENDER_METHODS.get(" ".join(metode.lower().split()))
