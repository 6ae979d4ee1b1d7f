"""Reading an archive's source file, one record at a time: OCDS releases as JSON lines, or an SPSE
export as CSV rows mapped to OCDS releases. Each record comes with its line number; a malformed line
raises SourceError naming it, in Bahasa Indonesia then English, in one line."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from app.protocol.archives import NotCanonical, canonical

SOURCES = ("spse", "ocds")
SOURCE_SYSTEMS = {"spse": "SPSE", "ocds": "OCDS"}
# No "/" (an ocid is one path segment of /ocds/records/{ocid} and /explorer/tenders/{ocid}).
OCID = re.compile(r"^ocds-[a-z0-9]{6}-[A-Za-z0-9._-]{1,100}$", re.ASCII)
MAX_LINE = 1_000_000  # bytes of one record: a release larger than this is not a past process
# The SPSE export's columns (a tender per row); amounts are integer rupiah.
SPSE_REQUIRED = (
    "kode_tender",
    "nama_paket",
    "kode_instansi",
    "nama_instansi",
    "tahun_anggaran",
    "metode_pengadaan",
    "pagu",
    "hps",
    "tanggal_pengumuman",
    "status_tender",
)
SPSE_OPTIONAL = ("nama_pemenang", "nilai_kontrak", "tanggal_kontrak")
SPSE_STATUS = {"selesai": "complete", "batal": "cancelled", "gagal": "unsuccessful", "aktif": "active"}
# ASCII digits only: "\d" would also take "١٢" (Arabic-Indic) or "１２" (fullwidth) as the same 12.
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DIGITS = re.compile(r"^[0-9]{1,15}$")
CODE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class SourceError(ValueError):
    """A line of the source file cannot be imported; the message names it."""


@dataclass(frozen=True)
class SourceRecord:
    line: int  # 1-based line of the file (the CSV header is line 1)
    ocid: str
    canonical: bytes


def records(stream: BinaryIO, source: str, ocid_prefix: str) -> Iterator[SourceRecord]:
    if source == "ocds":
        yield from _ocds_lines(stream)
    elif source == "spse":
        yield from _spse_rows(stream, ocid_prefix)
    else:
        raise SourceError(f"sumber tidak dikenal {source!r} / unknown source (spse, ocds)")


def _fail(line: int, indonesian: str, english: str) -> SourceError:
    return SourceError(f"baris {line}: {indonesian} / line {line}: {english}")


class _Ambiguous(ValueError):
    """A JSON text two readers may read as two different records (see _object, _number)."""

    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(english)
        self.indonesian, self.english = indonesian, english


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: json.loads would keep the last of two equal keys while
    another reader (or a person) keeps the first, so a release with a duplicate key is refused."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Ambiguous("kunci ganda dalam objek JSON", "duplicate key in a JSON object")
    return found


def _number(text: str) -> float:
    """A JSON fraction that a double holds exactly as written: 0.10000000000000000001 or
    12345678901234567890.5 would be stored (and proven) as another number than the file says."""
    value = float(text)
    try:
        exact = math.isfinite(value) and Decimal(repr(value)) == Decimal(text)
    except InvalidOperation:
        exact = False
    if not exact:
        raise _Ambiguous(f"angka {text[:40]} tidak dapat disimpan persis", f"number {text[:40]} is not exact")
    return value


def _constant(text: str) -> float:
    raise _Ambiguous("angka tidak sah (NaN/tak hingga)", "invalid number (NaN/infinity)")


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered; a line longer than MAX_LINE is refused without being read whole."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE:
            raise _fail(number, "rekaman terlalu besar", "record too large")
        yield number, raw


def _shape_problem(release: dict[str, Any]) -> tuple[str, str] | None:
    """What would keep a release from being merged into a record with the others of its ocid (the
    OCDS record's compiled release): a `date` missing or not a string (OCDS requires it, and the
    merge orders an ocid's releases by it), an array item's `id` that is not a string or an integer."""
    if not isinstance(release.get("date"), str) or not release["date"]:
        return ("date rilis wajib berupa teks", "a release's date is required, as a string")
    stack: list[Any] = [release]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "id" in item:
                    key = item["id"]
                    if isinstance(key, bool) or not isinstance(key, (str, int)):
                        return (
                            "id dalam larik harus teks atau bilangan bulat",
                            "an array item's id must be a string or an integer",
                        )
            stack.extend(value)
    return None


def _ocds_lines(stream: BinaryIO) -> Iterator[SourceRecord]:
    for number, raw in _lines(stream):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail(number, "bukan UTF-8", "not UTF-8") from None
        try:
            release = json.loads(
                text, object_pairs_hook=_object, parse_float=_number, parse_constant=_constant
            )
        except _Ambiguous as exc:
            raise _fail(number, exc.indonesian, exc.english) from None
        except (ValueError, RecursionError):
            raise _fail(number, "bukan JSON yang sah", "not valid JSON") from None
        if not isinstance(release, dict):
            raise _fail(number, "bukan objek rilis OCDS", "not an OCDS release object")
        ocid = release.get("ocid")
        if not isinstance(ocid, str) or not OCID.fullmatch(ocid):  # (match: "$" takes a last "\n")
            raise _fail(number, "ocid tidak ada atau tidak sah", "missing or invalid ocid")
        if not isinstance(release.get("id"), str) or not release["id"]:
            raise _fail(number, "rilis tanpa id", "release without an id")
        problem = _shape_problem(release)
        if problem is not None:
            raise _fail(number, *problem)
        try:
            body = canonical(release)
        except NotCanonical:
            raise _fail(
                number, "teks atau angka tidak sah (surrogat, NaN)", "invalid text or number (surrogate, NaN)"
            ) from None
        yield SourceRecord(number, ocid, body)


def _amount(row: dict[str, str], column: str, line: int) -> int:
    value = (row.get(column) or "").strip()
    if not DIGITS.match(value):
        raise _fail(line, f"{column} harus rupiah bulat", f"{column} must be whole rupiah")
    return int(value)


def _is_date(text: str) -> bool:
    """YYYY-MM-DD, and a day of the calendar (not 2020-13-45)."""
    if not DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def spse_release(row: dict[str, str], line: int, ocid_prefix: str) -> dict[str, Any]:
    """An SPSE export row as an OCDS 1.1 release, marked as imported (`terangImport`)."""
    for column in SPSE_REQUIRED:
        if not (row.get(column) or "").strip():
            raise _fail(line, f"kolom {column} kosong", f"column {column} is empty")
    code = row["kode_tender"].strip()
    agency = row["kode_instansi"].strip()
    if not CODE.match(code) or not CODE.match(agency):
        raise _fail(line, "kode_tender/kode_instansi tidak sah", "invalid kode_tender/kode_instansi")
    announced = row["tanggal_pengumuman"].strip()
    if not _is_date(announced):
        raise _fail(line, "tanggal_pengumuman harus YYYY-MM-DD", "tanggal_pengumuman must be YYYY-MM-DD")
    year = row["tahun_anggaran"].strip()
    if not re.fullmatch(r"[0-9]{4}", year):
        raise _fail(line, "tahun_anggaran harus 4 angka", "tahun_anggaran must be 4 digits")
    status = SPSE_STATUS.get(row["status_tender"].strip().lower())
    if status is None:
        raise _fail(line, "status_tender tidak dikenal", "unknown status_tender")
    buyer = {"id": f"SPSE-INSTANSI-{agency}", "name": row["nama_instansi"].strip()}
    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    release: dict[str, Any] = {
        "ocid": f"{ocid_prefix}-spse-{code}",
        "id": f"spse-{code}",
        "date": f"{announced}T00:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "id",
        "buyer": buyer,
        "planning": {
            "budget": {
                "amount": {"amount": _amount(row, "pagu", line), "currency": "IDR"},
                "description": f"Tahun anggaran {year}",
            }
        },
        "tender": {
            "id": code,
            "title": row["nama_paket"].strip(),
            "status": status,
            "procurementMethod": "open",
            "procurementMethodDetails": row["metode_pengadaan"].strip(),
            "value": {"amount": _amount(row, "hps", line), "currency": "IDR"},
            "procuringEntity": buyer,
            "tenderPeriod": {"startDate": f"{announced}T00:00:00Z"},
        },
        "terangImport": {"sourceSystem": "SPSE", "sourceId": code},
    }
    winner = (row.get("nama_pemenang") or "").strip()
    if winner:
        supplier = {"id": f"SPSE-PENYEDIA-{code}", "name": winner}
        parties.append({**supplier, "roles": ["supplier"]})
        award: dict[str, Any] = {"id": f"spse-{code}-award", "status": "active", "suppliers": [supplier]}
        if (row.get("nilai_kontrak") or "").strip():
            award["value"] = {"amount": _amount(row, "nilai_kontrak", line), "currency": "IDR"}
        release["awards"] = [award]
        release["tag"].append("award")
        signed = (row.get("tanggal_kontrak") or "").strip()
        if signed:
            if not _is_date(signed):
                raise _fail(line, "tanggal_kontrak harus YYYY-MM-DD", "tanggal_kontrak must be YYYY-MM-DD")
            contract = {"id": f"spse-{code}-contract", "awardID": award["id"], "status": "active"}
            contract["dateSigned"] = f"{signed}T00:00:00Z"
            if "value" in award:
                contract["value"] = award["value"]
            release["contracts"] = [contract]
            release["tag"].append("contract")
    release["parties"] = parties
    return release


def _text_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The CSV's lines for csv.reader; a line longer than MAX_LINE is refused without being read whole."""
    number = 0
    while True:
        line = text.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise _fail(number, "baris terlalu panjang", "line too long")
        yield line


def _spse_rows(stream: BinaryIO, ocid_prefix: str) -> Iterator[SourceRecord]:
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        reader = csv.DictReader(_text_lines(text))
        header = reader.fieldnames or []
        missing = [c for c in SPSE_REQUIRED if c not in header]
        if missing:
            raise _fail(1, f"kolom hilang: {', '.join(missing)}", f"missing columns: {', '.join(missing)}")
        twice = sorted({c for c in header if header.count(c) > 1})
        if twice:  # DictReader would keep the last of two equal columns, a reader of the file the first
            raise _fail(1, f"kolom ganda: {', '.join(twice)}", f"duplicate columns: {', '.join(twice)}")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                broken = f"broken CSV ({exc.__class__.__name__})"
                raise _fail(reader.line_num + 1, "CSV rusak", broken) from None
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise _fail(line, "jumlah kolom salah", "wrong number of columns")
            release = spse_release(row, line, ocid_prefix)
            yield SourceRecord(line, release["ocid"], canonical(release))
    except UnicodeDecodeError:
        raise _fail(1, "bukan UTF-8", "not UTF-8") from None
    finally:
        text.detach()


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
