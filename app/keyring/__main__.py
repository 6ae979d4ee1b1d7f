"""`python -m app.keyring init | status | rotate --purpose P | retire --purpose P --key-id K`

- init: writes the keyring file TERANG_KEYRING_FILE names (one fresh key per purpose), refusing to
  replace one; local and test mode make it on first use, production needs it provisioned.
- status: per purpose, the current key id and how many values each key id seals.
- rotate: a new key per purpose, made current, and every value re-sealed under it in batches, each
  in its own transaction, while the gateway runs (app/keyring/rotation.py).
- retire: forgets a key once no value uses it; values naming it then fail closed.

Purposes: accounts (payout accounts), managed-keys (keys held for wallet-less suppliers),
openings (sealed bid openings and Pokja score sheets), or all. Mistakes end in one line on stderr
and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn

PROG = "python -m app.keyring"
USAGE_ERROR = 2
CHOICES = ("accounts", "managed-keys", "openings", "all")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see {PROG} --help)")


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def _batch_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError("must be between 1 and 10000")
    return value


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog=PROG, description="Keys that seal secrets at rest: status, rotation, retirement.")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("init", help="write a new keyring file (refuses to replace one)")
    show = commands.add_parser("status", help="key ids per purpose and how many values each seals")
    show.add_argument("--json", action="store_true", help="one JSON document")
    rotate = commands.add_parser("rotate", help="add a key, make it current, re-seal every value under it")
    rotate.add_argument("--purpose", required=True, choices=CHOICES)
    rotate.add_argument("--batch-size", type=_batch_size, default=200, help="rows per transaction")
    retire = commands.add_parser("retire", help="forget a key that no value uses any more")
    retire.add_argument("--purpose", required=True, choices=CHOICES[:-1])
    retire.add_argument("--key-id", required=True)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Nothing is read or written before the arguments parsed (`--help` never acts).
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    from app import logs
    from app.config import Settings
    from app.keyring.providers import PURPOSES, KeyringError, create_file
    from app.keyring.sealing import SealError

    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        _fail(f"settings: {first['msg']}")
    logs.configure(settings.log_level)
    try:
        if args.command == "init":
            if not create_file(settings.keyring_file):
                raise KeyringError(f"a keyring file already exists at {settings.keyring_file}")
            print(f"keyring written to {settings.keyring_file}")
            return 0
        from app.db.session import make_engine
        from app.keyring import rotation
        from app.keyring.keyring import keyring_for

        keyring = keyring_for(settings)
        engine = make_engine(settings.database_url)
        try:
            if args.command == "status":
                states = [rotation.status(engine, keyring, purpose) for purpose in PURPOSES]
                if args.json:
                    print(json.dumps([{**vars(s), "total": s.total} for s in states], indent=2))
                else:
                    for s in states:
                        held = ", ".join(
                            f"{kid}: {count}"
                            + (" (current)" if kid == s.current else "")
                            + (" (retired)" if kid in s.retired else "")
                            for kid, count in s.counts.items()
                        )
                        print(f"{s.purpose}: {held}; unknown key: {s.unknown}")
                return 0
            if args.command == "rotate":
                purposes = PURPOSES if args.purpose == "all" else (args.purpose,)
                failed = []
                for purpose in purposes:
                    report = rotation.rotate(engine, keyring, purpose, batch_size=args.batch_size)
                    print(
                        f"{purpose}: key {report.key_id} current; re-sealed {report.resealed} values "
                        f"in {report.batches} batches ({report.passes} passes)"
                    )
                    if report.failed:
                        failed.append(
                            f"{len(report.failed)} {purpose} values (rows {', '.join(report.failed[:5])})"
                        )
                if failed:
                    _fail(f"did not open, left as they were: {'; '.join(failed)}")
                return 0
            rotation.retire(engine, keyring, args.purpose, args.key_id)
            print(f"{args.purpose}: key {args.key_id} retired")
            return 0
        finally:
            engine.dispose()
    except (KeyringError, SealError) as error:
        _fail(str(error))
    except SQLAlchemyError as error:
        cause = str(getattr(error, "orig", None) or error).splitlines()[0]
        _fail(f"database: {type(error).__name__}: {cause}")
    except OSError as error:
        _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))


if __name__ == "__main__":
    sys.exit(main())
