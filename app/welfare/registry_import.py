"""Enrol families from a signed social-registry extract (DTSEN-shaped CSV) through the gateway, in
resumable batches: the caseworkers' and operators' bulk enrolment.

    TERANG_TOKEN=<an ENROLLER's token> python -m app.welfare.registry_import EXTRACT.csv \\
        --programme 1 --registry-key dtsen.pem [--signature EXTRACT.csv.sig] [--batch 250] \\
        [--parallel 2] [--refusals refusals.csv] [--enrolled keys.csv] [--gateway http://127.0.0.1:8000]

The extract: a header row and one family per row, columns `id_keluarga` (the registry's household
id: the family is enrolled under its household, so no member can enrol it twice), `nik` (the
head's NIK), `nama` (the head's full name, for the family's own status check),
`desil` (DTSEN decile 1-10), `kode_kabkota` (BPS regency/city code) and the seven PKH component
counts in the programme's order: `ibu_hamil`, `anak_usia_dini`, `anak_sd`, `anak_smp`, `anak_sma`,
`disabilitas_berat`, `lansia`; optionally `no_kk`, the family card number, kept keyed as the
household's history, and `no_hp`, the family's mobile number for its notices (kept sealed). Its
signature is the registry's Ed25519 signature over the file's exact bytes, base64, in
`EXTRACT.csv.sig` unless `--signature` names another file; `--registry-key` is the registry's
public key (PEM). Nothing is sent unless the signature verifies and every row
reads: a tampered, unsigned or malformed extract is refused with one line naming why (exit 2).

Resumable: batch i goes under the Idempotency-Key
`dtsen-<first 24 hex of the extract's SHA-256>-p<programme>-<i>`, so a rerun of the same extract
(after a crash, a lost connection, a gateway restart) is answered batch by batch from the
gateway's record of what was already done, and sends only the rest.
`--parallel` batches are in flight at once (2 by default: the gateway prepares one while the chain
runs the other); outcomes are reported in file order whatever order batches finish in. A
progress bar counts the families on the terminal; at the end one summary line, and `--refusals`
writes each refused family's row number, household id and reason (never its NIK or name);
`--enrolled` the enrolled families' keys, which app/welfare/bulk_disburse.py pays."""

from __future__ import annotations

import argparse
import base64
import binascii
import csv
import hashlib
import io
import os
import sys
from collections import Counter
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from app.protocol import welfare as welfarelib
from app.welfare.contacts import InvalidPhone, normalise_phone

COMPONENT_COLUMNS = (
    "ibu_hamil",
    "anak_usia_dini",
    "anak_sd",
    "anak_smp",
    "anak_sma",
    "disabilitas_berat",
    "lansia",
)
COLUMNS = ("id_keluarga", "nik", "nama", "desil", "kode_kabkota", *COMPONENT_COLUMNS)
DEFAULT_BATCH = 250
DEFAULT_PARALLEL = 2  # batches in flight: the gateway prepares one while the chain runs another


class ExtractError(Exception):
    """Why an extract is refused, in one line; nothing was sent."""


@dataclass
class Family:
    row: int  # the line of the file, the header being line 1
    household: str
    applicant: dict


@dataclass
class Summary:
    families: int = 0
    enrolled: int = 0
    refused: Counter = field(default_factory=Counter)
    replayed_batches: int = 0
    refusals: list[tuple[int, str, str]] = field(default_factory=list)  # (row, household, reason)
    keys: dict[int, str] = field(default_factory=dict)  # row -> the family's beneficiary key
    transactions: list[str] = field(default_factory=list)  # one per batch, in order

    def line(self) -> str:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.refused.items())) or "none"
        return (
            f"{self.families} families: {self.enrolled} enrolled, {sum(self.refused.values())} refused "
            f"({reasons}); {self.replayed_batches} batches already done before this run"
        )


def verify(extract: bytes, signature_b64: bytes, public_key_pem: bytes) -> None:
    """The registry's Ed25519 signature over the extract's exact bytes, else ExtractError."""
    try:
        key = load_pem_public_key(public_key_pem)
    except ValueError:
        raise ExtractError("the registry key is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ExtractError("the registry key is not an Ed25519 key")
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ExtractError("the signature file is not base64") from None
    try:
        key.verify(signature, extract)
    except InvalidSignature:
        raise ExtractError(
            "the signature does not match the extract: it was changed after the registry signed it, "
            "or another key signed it"
        ) from None


def _count(value: str, column: str, row: int, low: int, high: int) -> int:
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise ExtractError(f"line {row}: {column} must be a whole number from {low} to {high}")
    return int(value)


def read_families(extract: bytes) -> list[Family]:
    """Every row as an applicant of the enrolment API, or ExtractError naming the first bad line."""
    try:
        text = extract.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractError("the extract is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ExtractError(f"the header lacks {', '.join(missing)}")
    families, households = [], set()
    for row, record in enumerate(reader, start=2):
        nik = (record["nik"] or "").strip()
        if len(nik) != 16 or not nik.isdigit():
            raise ExtractError(f"line {row}: nik must be 16 digits")
        household = (record["id_keluarga"] or "").strip()
        if not household:
            raise ExtractError(f"line {row}: id_keluarga is empty")
        if household in households:
            raise ExtractError(f"line {row}: household {household} appears twice in the extract")
        households.add(household)
        name = (record["nama"] or "").strip()
        if not name:
            raise ExtractError(f"line {row}: nama is empty")
        applicant = {
            "household": household,
            "nik": nik,
            "name": name[:100],
            "decile": _count(record["desil"] or "", "desil", row, 1, 10),
            "region": _count(record["kode_kabkota"] or "", "kode_kabkota", row, 1, 2**32 - 1),
            "components": [_count(record[c] or "", c, row, 0, 255) for c in COMPONENT_COLUMNS],
        }
        kk = (record.get("no_kk") or "").strip()
        if kk:
            if len(kk) != 16 or not kk.isdigit():
                raise ExtractError(f"line {row}: no_kk must be 16 digits")
            applicant["kk"] = kk
        phone = (record.get("no_hp") or "").strip()
        if phone:
            try:
                applicant["phone"] = normalise_phone(phone)
            except InvalidPhone as exc:  # the message names the expected form, never the digits
                raise ExtractError(f"line {row}: no_hp is {exc}") from None
        families.append(Family(row, household, applicant))
    if not families:
        raise ExtractError("the extract holds no family")
    return families


def batch_key(digest: str, programme: int, index: int) -> str:
    """The same extract into two programmes (PKH and Sembako) is two imports, each resumable."""
    return f"dtsen-{digest[:24]}-p{programme}-{index}"


def _send(client: httpx.Client, programme: int, chunk: list[Family], digest: str, token: str, index: int):
    answer = client.post(
        f"/welfare/programmes/{programme}/enrolments",
        json={"applicants": [f.applicant for f in chunk], "registryExtract": digest},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": batch_key(digest, programme, index)},
    )
    if answer.status_code != 200:
        problem = answer.json() if "json" in answer.headers.get("content-type", "") else {}
        raise ExtractError(
            f"batch {index + 1} (lines {chunk[0].row}-{chunk[-1].row}) refused by the gateway: "
            f"{answer.status_code} {problem.get('code', '')} {problem.get('detail', '')}".rstrip()
            + "; rerun the same command to continue"
        )
    return answer


def enrol_all(
    client: httpx.Client,
    programme: int,
    families: list[Family],
    digest: str,
    token: str,
    batch: int = DEFAULT_BATCH,
    progress=None,
    parallel: int = DEFAULT_PARALLEL,
) -> Summary:
    """Sends the families in batches, each under its deterministic key, `parallel` batches in flight
    (the gateway's Python work on one overlaps the chain's on another); `progress(n)` after each.
    The summary lists outcomes in file order, whatever order the batches finish in. A refused batch
    stops the run once the batches in flight have answered (a rerun continues)."""
    summary = Summary(families=len(families))
    chunks = [families[start : start + batch] for start in range(0, len(families), batch)]
    answers: dict[int, httpx.Response] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        pending = {}
        for index, chunk in enumerate(chunks):
            pending[pool.submit(_send, client, programme, chunk, digest, token, index)] = index
            if len(pending) >= parallel:
                _collect(pending, answers, chunks, progress, FIRST_COMPLETED)
        _collect(pending, answers, chunks, progress, ALL_COMPLETED)
    for index, chunk in enumerate(chunks):
        answer = answers[index]
        if answer.headers.get("Idempotent-Replayed") == "true":
            summary.replayed_batches += 1
        summary.transactions.append(answer.json()["transactionHash"])
        for family, outcome in zip(chunk, answer.json()["applicants"], strict=True):
            summary.keys[family.row] = outcome["beneficiaryKey"]
            if outcome["enrolled"]:
                summary.enrolled += 1
            else:
                summary.refused[outcome["reason"]] += 1
                summary.refusals.append((family.row, family.household, outcome["reason"]))
    return summary


def _collect(pending: dict, answers: dict, chunks: list, progress, until) -> None:
    """Waits for some (FIRST_COMPLETED) or all in-flight batches; raises the first refusal once
    every batch in flight has answered."""
    done, _ = wait(list(pending), return_when=until)
    failure = None
    for future in done:
        index = pending.pop(future)
        try:
            answers[index] = future.result()
        except (ExtractError, httpx.HTTPError) as exc:
            failure = failure or exc
            continue
        if progress is not None:
            progress(len(chunks[index]))
    if failure is not None:
        wait(list(pending))
        raise failure


def write_refusals(path: Path, summary: Summary) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["baris", "id_keluarga", "alasan"])
        writer.writerows(summary.refusals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.welfare.registry_import", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("extract", type=Path, help="the DTSEN-shaped CSV")
    parser.add_argument("--programme", type=int, required=True, help="the programme's id")
    parser.add_argument("--registry-key", type=Path, required=True, help="the registry's public key (PEM)")
    parser.add_argument("--signature", type=Path, help="the detached signature (default: EXTRACT.sig)")
    parser.add_argument(
        "--batch", type=int, default=DEFAULT_BATCH, help=f"families per call (<= {welfarelib.MAX_BATCH})"
    )
    parser.add_argument(
        "--parallel", type=int, default=DEFAULT_PARALLEL, help="batches in flight at once (1 to 8)"
    )
    parser.add_argument("--refusals", type=Path, help="where to write the refused families (CSV)")
    parser.add_argument(
        "--enrolled", type=Path, help="where to write the enrolled families' keys (CSV, for bulk_disburse)"
    )
    parser.add_argument("--gateway", default=os.environ.get("TERANG_URL", "http://127.0.0.1:8000"))
    args = parser.parse_args(argv)
    from app.welfare.bulk_cli import gateway_with_progress, read_signed, unreachable

    token = os.environ.get("TERANG_TOKEN", "")
    try:
        if not 1 <= args.batch <= welfarelib.MAX_BATCH:
            raise ExtractError(f"--batch must be from 1 to {welfarelib.MAX_BATCH}")
        if not 1 <= args.parallel <= 8:
            raise ExtractError("--parallel must be from 1 to 8")
        if not token:
            raise ExtractError("TERANG_TOKEN is not set (an ENROLLER's bearer token)")
        extract = read_signed(args.extract, args.signature, args.registry_key)
        families = read_families(extract)
        digest = hashlib.sha256(extract).hexdigest()
        with gateway_with_progress(args.gateway, "enrolling", len(families)) as (client, advance):
            summary = enrol_all(
                client,
                args.programme,
                families,
                digest,
                token,
                args.batch,
                advance,
                args.parallel,
            )
    except ExtractError as refused:
        print(f"{args.extract}: {refused}", file=sys.stderr)
        return 2
    except httpx.HTTPError as exc:
        print(unreachable(args.extract, args.gateway, exc), file=sys.stderr)
        return 3
    if args.refusals:
        write_refusals(args.refusals, summary)
    if args.enrolled:
        refused = {row for row, _household, _reason in summary.refusals}
        with args.enrolled.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["beneficiary_key"])
            writer.writerows([key] for row, key in sorted(summary.keys.items()) if row not in refused)
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
