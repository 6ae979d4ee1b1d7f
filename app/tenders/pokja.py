"""`python -m app.tenders.pokja keygen --out FILE | share --key FILE --member-index I --ocid OCID
--supplier-id N --gateway URL`: a Pokja member's own tool for bid envelopes (app/tenders/envelope.py).

- keygen: makes the member's X25519 key pair, writes it to FILE (mode 0600, never replacing a file)
  and prints the public key, which the officer appointing the Pokja gives the gateway
  (POST /tenders/{ocid}/pokja). The private key never leaves FILE: not the gateway, not the chain.
- share: fetches the envelope of supplier N's bid on OCID from the gateway (public, as on chain),
  checks that FILE's public key is member I's key as the chain holds it, decrypts member I's share
  with it and prints the share as JSON, {"index": I, "value": "0x..."}. The Pokja's quorum sends k
  such shares to POST /tenders/{ocid}/bids/{N}/quorum-opening after the reveal deadline, for a bid
  its supplier did not open (docs/decisions/0016-no-withheld-bids.md: a member decrypts only its own
  share, only for that purpose).

Mistakes end in one line on stderr and exit status 2, never a traceback; `--help` never acts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

PROG = "python -m app.tenders.pokja"
USAGE_ERROR = 2
KEY_FORMAT = "terang-pokja-key/1"
TIMEOUT_SECONDS = 30.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see {PROG} --help)")


class ToolError(Exception):
    """A mistake the member can fix, said in one line."""


def _fail(message: str) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog=PROG, description="A Pokja member's key for bid envelopes, and its share of one.")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    keygen = commands.add_parser(
        "keygen", help="make a key pair; write it to a 0600 file, print the public key"
    )
    keygen.add_argument("--out", required=True, help="the file to write (must not exist)")
    share = commands.add_parser("share", help="decrypt this member's share of a bid's envelope")
    share.add_argument("--key", required=True, help="the member's key file (from keygen)")
    share.add_argument("--member-index", required=True, type=_positive, help="the member's position, from 1")
    share.add_argument("--ocid", required=True, help="the tender's OCDS id")
    share.add_argument("--supplier-id", required=True, type=_positive, help="the bidder's supplier id")
    share.add_argument("--gateway", required=True, help="the gateway's base URL, e.g. http://127.0.0.1:8000")
    return root


def keygen(out: Path) -> str:
    from app.tenders import envelope

    private, public = envelope.generate_member_key()
    document = {"format": KEY_FORMAT, "privateKey": "0x" + private.hex(), "publicKey": "0x" + public.hex()}
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ToolError(f"{out} exists; a key file is never replaced (choose another --out)") from None
    except OSError as error:
        raise ToolError(f"cannot write {out}: {error.strerror or error}") from None
    with os.fdopen(descriptor, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
    return document["publicKey"]


def read_key(path: Path) -> bytes:
    from app.tenders import envelope

    try:
        if path.stat().st_mode & 0o077:
            raise ToolError(f"{path} is readable by others (chmod 600 it)")
        document = json.loads(path.read_text())
        private = bytes.fromhex(document["privateKey"].removeprefix("0x"))
        public = bytes.fromhex(document["publicKey"].removeprefix("0x"))
        if document.get("format") != KEY_FORMAT or len(private) != 32:
            raise ValueError
    except FileNotFoundError:
        raise ToolError(f"no key file {path}") from None
    except OSError as error:
        raise ToolError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ToolError(f"{path} is not a key file made by `{PROG} keygen`") from None
    if envelope.public_key_of(private) != public:
        raise ToolError(f"{path} is damaged: its public key is not its private key's")
    return private


def _get(client, url: str) -> dict:
    import httpx

    try:
        answer = client.get(url)
    except httpx.HTTPError as error:
        raise ToolError(f"cannot reach the gateway ({type(error).__name__})") from None
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code != 200 or not isinstance(body, dict):
        said = body if isinstance(body, dict) else {}
        reason = said.get("detail") or said.get("code") or f"HTTP {answer.status_code}"
        raise ToolError(f"the gateway answered {answer.status_code} to GET {url}: {reason}")
    return body


def share(key: Path, index: int, ocid: str, supplier_id: int, gateway: str) -> dict:
    import httpx

    from app.protocol.bids import tender_id
    from app.tenders import envelope

    private = read_key(key)
    if not gateway.startswith(("http://", "https://")):
        raise ToolError(f"--gateway must be an http:// or https:// URL, not {gateway!r}")
    tender = f"{gateway.rstrip('/')}/tenders/{quote(ocid, safe='')}"
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        pokja = _get(client, f"{tender}/pokja")
        members = {m["index"]: m for m in pokja.get("members", [])}
        if index not in members:
            raise ToolError(f"the Pokja of {ocid} has no member {index} (it has {len(members)})")
        published = bytes.fromhex(members[index]["encryptionKey"].removeprefix("0x"))
        if envelope.public_key_of(private) != published:
            raise ToolError(
                f"{key} is not the key of member {index} ({members[index]['address']}) of the Pokja of {ocid}"
            )
        found = _get(client, f"{tender}/bids/{supplier_id}/envelope")
    try:
        sealed = bytes.fromhex(found["envelope"].removeprefix("0x"))
    except (KeyError, AttributeError, ValueError):
        raise ToolError("the gateway's answer holds no envelope") from None
    try:
        mine = envelope.decrypt_share(sealed, tender_id(ocid), supplier_id, index, private)
    except envelope.EnvelopeError as error:
        raise ToolError(f"the envelope does not give member {index} a share: {error}") from None
    return {"index": mine.index, "value": "0x" + mine.value.hex()}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Nothing is read, written or fetched before the arguments parsed (`--help` never acts).
    try:
        if args.command == "keygen":
            print(keygen(Path(args.out)))
        else:
            print(
                json.dumps(
                    share(Path(args.key), args.member_index, args.ocid, args.supplier_id, args.gateway)
                )
            )
    except ToolError as error:
        _fail(str(error))
    except Exception as error:  # never a traceback: one line, what kind of failure
        _fail(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else 'unexpected failure'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
