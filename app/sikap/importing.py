"""A SIKaP extract read into businesses, qualifications and national blacklist entries, checked
field by field; every mistake is one line naming the record and the field (`ExtractError`), and a
file with one is refused whole.

JSON: an array of businesses,
    {"nib": "9120001234567", "nama": "PT ...", "kbli": ["42101"],
     "sbu": [{"kode": "BG004", "berlaku_sampai": "2027-06-30"}],
     "daftar_hitam": [{"mulai": "2026-01-01", "selesai": "2028-01-01", "alasan": "..."}]}
CSV: one line per fact, header `nib,nama,jenis,kode,mulai,sampai,alasan`, where jenis is `usaha`
(the business and its name), `kbli` (kode), `sbu` (kode, sampai) or `daftar_hitam` (mulai, sampai,
alasan). Dates are YYYY-MM-DD (00:00 UTC) or UTC seconds; an end date is exclusive.

The NIB never leaves this module in clear: each is turned into the gateway's keyed hash
(app/protocol/identity.py), the value the supplier registry holds on chain."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from app.protocol.identity import InvalidIdentifier, keyed_hash

KINDS = ("usaha", "kbli", "sbu", "daftar_hitam")


class ExtractError(ValueError):
    """One line saying what is wrong in the extract."""


@dataclass
class Business:
    nib_hash: str
    name: str = ""
    qualifications: list[tuple[str, int | None]] = field(default_factory=list)  # (code, valid_until)
    blacklist: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, reason)


def seconds(value, where: str, name: str) -> int:
    """YYYY-MM-DD (midnight UTC) or UTC seconds."""
    text = str(value if value is not None else "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ExtractError(f"{where}: {name} is not a date: {text!r}") from None
        return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
    if re.fullmatch(r"\d{1,11}", text):
        return int(text)
    raise ExtractError(f"{where}: {name} must be YYYY-MM-DD or UTC seconds: {text!r}")


def _code(kind: str, value, where: str) -> str:
    text = str(value if value is not None else "").strip().upper()
    pattern = r"\d{5}" if kind == "KBLI" else r"[A-Z]{2}\d{3}"
    if not re.fullmatch(pattern, text):
        expected = "5 digits" if kind == "KBLI" else "2 letters and 3 digits, e.g. BG004"
        raise ExtractError(f"{where}: {kind} code must be {expected}: {text!r}")
    return f"{kind}:{text}"


def _blacklisting(start, end, reason, where: str) -> tuple[int, int, str]:
    begins, ends = seconds(start, where, "mulai"), seconds(end, where, "selesai/sampai")
    if ends <= begins:
        raise ExtractError(f"{where}: the blacklist must end after it starts")
    text = str(reason or "").strip()
    if not text:
        raise ExtractError(f"{where}: alasan (the reason) is missing")
    return begins, ends, text[:2000]


class _Reader:
    def __init__(self, key: bytes) -> None:
        self.key = key
        self.businesses: dict[str, Business] = {}

    def business(self, nib, where: str) -> Business:
        try:
            digest = "0x" + keyed_hash(self.key, "nib", str(nib if nib is not None else "")).hex()
        except InvalidIdentifier as exc:
            raise ExtractError(f"{where}: {exc}") from None
        return self.businesses.setdefault(digest, Business(digest))

    def named(self, item: Business, name, where: str) -> None:
        text = str(name or "").strip()
        if not text or len(text) > 300:
            raise ExtractError(f"{where}: nama is missing or longer than 300 characters")
        item.name = text


def _from_json(reader: _Reader, data) -> None:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ExtractError("expected a JSON array of objects")
    for number, record in enumerate(data, start=1):
        where = f"record {number}"
        item = reader.business(record.get("nib"), where)
        reader.named(item, record.get("nama"), where)
        for code in record.get("kbli") or []:
            item.qualifications.append((_code("KBLI", code, where), None))
        for sbu in record.get("sbu") or []:
            if not isinstance(sbu, dict):
                raise ExtractError(f"{where}: each sbu is an object with kode and berlaku_sampai")
            until = seconds(sbu.get("berlaku_sampai"), where, "berlaku_sampai")
            item.qualifications.append((_code("SBU", sbu.get("kode"), where), until))
        for entry in record.get("daftar_hitam") or []:
            if not isinstance(entry, dict):
                raise ExtractError(
                    f"{where}: each daftar_hitam entry is an object with mulai, selesai, alasan"
                )
            item.blacklist.append(
                _blacklisting(entry.get("mulai"), entry.get("selesai"), entry.get("alasan"), where)
            )


def _from_csv(reader: _Reader, text: str) -> None:
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ExtractError(f"not valid CSV ({exc})") from None
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        where = f"line {number}"
        if None in row:
            raise ExtractError(f"{where}: more values than the header")
        kind = (row.get("jenis") or "").strip().lower()
        if kind not in KINDS:
            raise ExtractError(f"{where}: jenis must be one of {', '.join(KINDS)}: {kind!r}")
        item = reader.business(row.get("nib"), where)
        if kind == "usaha":
            reader.named(item, row.get("nama"), where)
        elif kind == "kbli":
            item.qualifications.append((_code("KBLI", row.get("kode"), where), None))
        elif kind == "sbu":
            until = seconds(row.get("sampai"), where, "sampai")
            item.qualifications.append((_code("SBU", row.get("kode"), where), until))
        else:
            item.blacklist.append(
                _blacklisting(row.get("mulai"), row.get("sampai"), row.get("alasan"), where)
            )


def parse(text: str, key: bytes) -> list[Business]:
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise ExtractError("the file is empty")
    reader = _Reader(key)
    if stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ExtractError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        _from_json(reader, data)
    else:
        _from_csv(reader, stripped)
    if not reader.businesses:
        raise ExtractError("the file has no businesses")
    unnamed = [b for b in reader.businesses.values() if not b.name]
    if unnamed:
        raise ExtractError(f"{len(unnamed)} business(es) have facts but no `usaha` line with their name")
    return list(reader.businesses.values())
