"""Pay a period to a list of families in batches, resumable: the operators' bulk payment command.

    TERANG_TOKEN=<a WELFARE_ADMIN's token> python -m app.welfare.bulk_disburse KEYS.csv \\
        --programme 1 --period 0 [--batch 500] [--skipped skipped.csv] [--gateway http://127.0.0.1:8000]

KEYS.csv: a header row with a `beneficiary_key` column (the families' keys, as enrolment answered
them or the import's output), one per row. Each batch of up to 500 keys is one disbursement (one
payment instruction), sent under the Idempotency-Key
`bansos-<first 24 hex of the file's SHA-256>-p<programme>-t<period>-<i>`: a rerun of the same file
continues where it stopped and never pays a batch twice (the contract also refuses a second
payment of a family in a period: AlreadyPaid). A progress bar counts the keys; one summary line
(paid lines, rupiah, skipped by reason), and `--skipped` writes each skipped key with its reason."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.protocol import welfare as welfarelib
from app.welfare.bulk_cli import gateway_with_progress, unreachable

KEY = re.compile(r"^0x[0-9a-fA-F]{64}$")


def rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


class KeysError(Exception):
    """Why a keys file is refused, in one line; nothing was sent."""


@dataclass
class Paid:
    keys: int = 0
    lines: int = 0
    rupiah: int = 0
    batches: list[str] = field(default_factory=list)  # payment instruction ids, in order
    skipped: Counter = field(default_factory=Counter)
    skipped_keys: list[tuple[str, str]] = field(default_factory=list)
    replayed_batches: int = 0

    def line(self) -> str:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.skipped.items())) or "none"
        return (
            f"{self.keys} keys: {self.lines} paid, Rp{rupiah(self.rupiah)} in {len(self.batches)} batches; "
            f"skipped {sum(self.skipped.values())} ({reasons}); "
            f"{self.replayed_batches} batches already done before this run"
        )


def read_keys(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeysError("the file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    if "beneficiary_key" not in (reader.fieldnames or []):
        raise KeysError("the header lacks beneficiary_key")
    keys = []
    for row, record in enumerate(reader, start=2):
        key = (record["beneficiary_key"] or "").strip()
        if not KEY.match(key):
            raise KeysError(f"line {row}: beneficiary_key must be 0x and 64 hex digits")
        keys.append(key.lower())
    if not keys:
        raise KeysError("the file holds no key")
    return keys


def pay_all(
    client: httpx.Client,
    programme: int,
    period: int,
    keys: list[str],
    digest: str,
    token: str,
    batch: int = welfarelib.MAX_BATCH,
    progress=None,
) -> Paid:
    paid = Paid(keys=len(keys))
    for index, start in enumerate(range(0, len(keys), batch)):
        chunk = keys[start : start + batch]
        answer = client.post(
            f"/welfare/programmes/{programme}/periods/{period}/disbursements",
            json={"beneficiaryKeys": chunk},
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": f"bansos-{digest[:24]}-p{programme}-t{period}-{index}",
            },
        )
        if answer.status_code != 200:
            problem = answer.json() if "json" in answer.headers.get("content-type", "") else {}
            raise KeysError(
                f"batch {index + 1} (keys {start + 1}-{start + len(chunk)}) refused by the gateway: "
                f"{answer.status_code} {problem.get('code', '')} {problem.get('detail', '')}".rstrip()
                + "; rerun the same command to continue"
            )
        body = answer.json()
        if answer.headers.get("Idempotent-Replayed") == "true":
            paid.replayed_batches += 1
        if body["batchId"] is not None:
            paid.batches.append(body["batchId"])
        paid.lines += body["lineCount"]
        paid.rupiah += body["amount"]
        for skip in body["skipped"]:
            paid.skipped[skip["reason"]] += 1
            paid.skipped_keys.append((skip["beneficiaryKey"], skip["reason"]))
        if progress is not None:
            progress(len(chunk))
    return paid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.welfare.bulk_disburse", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("keys", type=Path, help="CSV with a beneficiary_key column")
    parser.add_argument("--programme", type=int, required=True, help="the programme's id")
    parser.add_argument("--period", type=int, required=True, help="the period to pay (0, 1, ...)")
    parser.add_argument(
        "--batch", type=int, default=welfarelib.MAX_BATCH, help=f"keys per batch (<= {welfarelib.MAX_BATCH})"
    )
    parser.add_argument("--skipped", type=Path, help="where to write the skipped keys and reasons (CSV)")
    parser.add_argument("--gateway", default=os.environ.get("TERANG_URL", "http://127.0.0.1:8000"))
    args = parser.parse_args(argv)
    token = os.environ.get("TERANG_TOKEN", "")
    try:
        if not 1 <= args.batch <= welfarelib.MAX_BATCH:
            raise KeysError(f"--batch must be from 1 to {welfarelib.MAX_BATCH}")
        if not token:
            raise KeysError("TERANG_TOKEN is not set (a WELFARE_ADMIN's bearer token)")
        try:
            data = args.keys.read_bytes()
        except OSError as exc:
            raise KeysError(f"cannot read {exc.filename}: {exc.strerror}") from None
        keys = read_keys(data)
        digest = hashlib.sha256(data).hexdigest()
        with gateway_with_progress(args.gateway, "paying", len(keys)) as (client, advance):
            paid = pay_all(client, args.programme, args.period, keys, digest, token, args.batch, advance)
    except KeysError as refused:
        print(f"{args.keys}: {refused}", file=sys.stderr)
        return 2
    except httpx.HTTPError as exc:
        print(unreachable(args.keys, args.gateway, exc), file=sys.stderr)
        return 3
    if args.skipped:
        with args.skipped.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["beneficiary_key", "alasan"])
            writer.writerows(paid.skipped_keys)
    print(paid.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
