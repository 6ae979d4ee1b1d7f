"""`python -m app.redflags <file.jsonl> [--settings <file.ini>]`: red flags over OCDS JSON Lines,
printed in Cardinal's output shape. Mistakes in the input or settings exit with status 2 and one
line on stderr."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, NoReturn

from app.redflags.engine import default_settings, evaluate, read_settings
from app.redflags.settings import SettingsError

PROG = "python -m app.redflags"
USAGE_ERROR = 2


class InputError(Exception):
    """Input that cannot be read as JSON Lines; the message is one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the usage too; keep user mistakes to one line.
        _fail(f"{message} (see {PROG} --help)")


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def read_releases(stream: BinaryIO, name: str) -> Iterator[Any]:
    """Each non-blank line parsed as JSON. Unlike Cardinal, which warns and skips a bad line, a bad
    line stops the run: an auditor should not get results silently computed over part of a file."""
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: line {number} is not valid UTF-8") from None
        if not line.strip():
            continue
        try:
            yield json.loads(line, parse_constant=_reject_constant)
        except ValueError as error:
            detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            raise InputError(f"{name}: line {number} is not valid JSON ({detail})") from None


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog=PROG,
        description="Red flags (Cardinal's and Terang's) over OCDS compiled releases, one per line.",
    )
    parser.add_argument("file", help="OCDS JSON Lines file, or - for standard input")
    parser.add_argument(
        "--settings",
        "-s",
        metavar="FILE",
        help="settings in Cardinal's INI format; without it, every indicator runs with its defaults",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format=f"{PROG}: %(levelname)s: %(message)s")

    try:
        settings = read_settings(args.settings) if args.settings else default_settings()
    except SettingsError as error:
        _fail(str(error))

    try:
        if args.file == "-":
            results = evaluate(read_releases(sys.stdin.buffer, "<stdin>"), settings)
        else:
            with open(args.file, "rb") as stream:
                results = evaluate(read_releases(stream, args.file), settings)
    except InputError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{args.file}: {error.strerror or error}")

    print(results.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
