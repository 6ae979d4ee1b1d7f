"""The development token issuer: an RSA key pair under var/dev-issuer/ and tokens for each role.

    python -m app.auth.devissuer                      # one token per role, as JSON
    python -m app.auth.devissuer --role AGENCY_OFFICER --agency 1001 --sub ppk-ikn --officer 0x...
    python -m app.auth.devissuer ... --folder var/run/dev-issuer    # make run's issuer

A person's act needs a token naming its official (`--officer`, the official's own account); `make
run` writes such tokens for the officials of deploy/local.yaml (dev-tokens.json in its state).

Only for local and test use: the gateway refuses the development issuer in production."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.protocol.roles import ROLES

ROOT = Path(__file__).resolve().parents[2]
# beside app/ in a checkout, else the current directory (as app/config.py's HOME: decision 0035)
DEV_DIR = (ROOT if (ROOT / "pyproject.toml").is_file() else Path.cwd()) / "var" / "dev-issuer"
DEV_ISSUER = "https://dev-issuer.terang.local"
DEV_AUDIENCE = "terang-gateway"


def ensure_keys(folder: Path = DEV_DIR) -> tuple[Path, Path]:
    private, public = folder / "private.pem", folder / "public.pem"
    if not private.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        private.chmod(0o600)
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private, public


def issue(
    sub: str,
    roles: list[str],
    agency: int | None = None,
    supplier: int | None = None,
    ttl: int = 8 * 3600,
    folder: Path = DEV_DIR,
    issuer: str = DEV_ISSUER,
    audience: str = DEV_AUDIENCE,
    officer: str | None = None,
) -> str:
    private, _ = ensure_keys(folder)
    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "sub": sub, "iat": now, "exp": now + ttl, "roles": roles}
    if agency is not None:
        claims["agency"] = agency
    if supplier is not None:
        claims["supplier"] = supplier
    if officer is not None:
        claims["officer"] = officer
    return jwt.encode(claims, private.read_text(), algorithm="RS256", headers={"kid": "dev"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.auth.devissuer", description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=sorted(ROLES))
    parser.add_argument("--sub")
    parser.add_argument("--agency", type=int)
    parser.add_argument("--supplier", type=int)
    parser.add_argument(
        "--officer",
        help="the official's own account (0x address): every act of a person is signed with its key",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=DEV_DIR,
        help="the issuer's key pair (make run: its state's dev-issuer)",
    )
    args = parser.parse_args(argv)
    if args.role:
        print(
            issue(
                args.sub or args.role.lower(),
                [args.role],
                args.agency,
                args.supplier,
                folder=args.folder,
                officer=args.officer,
            )
        )
        return 0
    tokens = {name: issue(name.lower(), [name], 1001 if name == "AGENCY_OFFICER" else None) for name in ROLES}
    print(json.dumps(tokens, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
