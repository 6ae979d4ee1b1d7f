"""Exit the families a signed social-registry update removes (death of the head, moving away), one
call per family, resumable: the welfare administrators' tool beside the enrolment import.

    TERANG_TOKEN=<a WELFARE_ADMIN's token> python -m app.welfare.registry_exits UPDATE.csv \\
        --programme 1 --registry-key dtsen.pem [--signature UPDATE.csv.sig] [--report exits.csv] \\
        [--gateway http://127.0.0.1:8000]

The update: a header row and one family per row, columns `id_keluarga` (the household identity the
family was enrolled under) and `keterangan`: MENINGGAL (the head died: exited as DECEASED) or
PINDAH (moved away: MOVED). Signed like an extract (app/welfare/registry_import.py): nothing is
sent unless the registry's signature verifies and every row reads. Row i goes under the
Idempotency-Key `dtsen-exit-<first 24 hex of the SHA-256>-p<programme>-<i>`, so a rerun continues
where it stopped. A family the programme does not hold (never enrolled under that household) or no
longer holds as active (already exited) is reported, not an error; anything else stops the run.
One summary line; `--report` writes each row's household and outcome."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
from collections import Counter
from pathlib import Path

import httpx

from app.welfare.bulk_cli import gateway_with_progress, read_signed, unreachable
from app.welfare.registry_import import ExtractError

REASONS = {"MENINGGAL": "DECEASED", "PINDAH": "MOVED"}
COLUMNS = ("id_keluarga", "keterangan")


def read_exits(update: bytes) -> list[tuple[int, str, str]]:
    """(row, household, reason code) per row, or ExtractError naming the first bad line."""
    try:
        text = update.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractError("the update is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ExtractError(f"the header lacks {', '.join(missing)}")
    exits = []
    for row, record in enumerate(reader, start=2):
        household = (record["id_keluarga"] or "").strip()
        status = (record["keterangan"] or "").strip().upper()
        if not household:
            raise ExtractError(f"line {row}: id_keluarga is empty")
        if status not in REASONS:
            raise ExtractError(f"line {row}: keterangan must be {' or '.join(REASONS)}")
        exits.append((row, household, REASONS[status]))
    if not exits:
        raise ExtractError("the update holds no family")
    return exits


def exit_all(
    client: httpx.Client,
    programme: int,
    exits: list[tuple[int, str, str]],
    digest: str,
    token: str,
    progress=None,
) -> tuple[Counter, list[tuple[int, str, str]]]:
    """Sends each exit; (outcome counts, [(row, household, outcome)])."""
    counts: Counter = Counter()
    report = []
    for row, household, reason in exits:
        answer = client.post(
            f"/welfare/programmes/{programme}/registry-exits",
            json={"household": household, "reasonCode": reason, "registryExtract": digest},
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": f"dtsen-exit-{digest[:24]}-p{programme}-{row}",
            },
        )
        problem = answer.json() if "json" in answer.headers.get("content-type", "") else {}
        code = str(problem.get("code", ""))
        if answer.status_code == 200:
            outcome = f"exited {reason}"
        elif answer.status_code == 404 and code == "not_found":  # never enrolled under this household
            outcome = "not in the programme"
        elif answer.status_code == 409 and code.startswith("Welfare"):  # the contract: not active any more
            outcome = "not active in the programme"
        else:  # anything else (a write still in progress, a role, the gateway) stops the run
            raise ExtractError(
                f"line {row} refused by the gateway: {answer.status_code} {problem.get('code', '')} "
                f"{problem.get('detail', '')}".rstrip()
                + "; rerun the same command to continue"
            )
        counts[outcome] += 1
        report.append((row, household, outcome))
        if progress is not None:
            progress(1)
    return counts, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.welfare.registry_exits", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("update", type=Path, help="the registry update (CSV)")
    parser.add_argument("--programme", type=int, required=True, help="the programme's id")
    parser.add_argument("--registry-key", type=Path, required=True, help="the registry's public key (PEM)")
    parser.add_argument("--signature", type=Path, help="the detached signature (default: UPDATE.sig)")
    parser.add_argument("--report", type=Path, help="where to write each row's outcome (CSV)")
    parser.add_argument("--gateway", default=os.environ.get("TERANG_URL", "http://127.0.0.1:8000"))
    args = parser.parse_args(argv)
    token = os.environ.get("TERANG_TOKEN", "")
    try:
        if not token:
            raise ExtractError("TERANG_TOKEN is not set (a WELFARE_ADMIN's bearer token)")
        update = read_signed(args.update, args.signature, args.registry_key)
        exits = read_exits(update)
        digest = hashlib.sha256(update).hexdigest()
        with gateway_with_progress(args.gateway, "exiting", len(exits)) as (client, advance):
            counts, report = exit_all(client, args.programme, exits, digest, token, advance)
    except ExtractError as refused:
        print(f"{args.update}: {refused}", file=sys.stderr)
        return 2
    except httpx.HTTPError as exc:
        print(unreachable(args.update, args.gateway, exc), file=sys.stderr)
        return 3
    if args.report:
        with args.report.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["baris", "id_keluarga", "hasil"])
            writer.writerows(report)
    print(f"{len(exits)} families: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
