"""`make run`: a local chain on a free port, the suite deployed on it, the gateway on 127.0.0.1:8000.

    python -m toolchain.run_local [--chain anvil|ganache] [--gateway-port 8000]
                                  [--no-pilot | --once] [--check]

Once the gateway serves, the scripted pilot (toolchain/pilot) runs through its REST API and prints a
summary; the system keeps serving until Ctrl-C. `--once` runs the pilot and stops (for scripts),
`--no-pilot` skips it, `--check` starts everything, verifies /health, prints and stops.
Mistakes end in one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from toolchain.brownie_artifacts import LOCAL_CHAIN_ID, deploy_local_suite
from toolchain.jsonrpc import rpc

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "node_modules" / ".bin"
ACCOUNTS = 24


class RunError(Exception):
    """A user-facing problem, printed as one line."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def chain_command(chain: str, port: int, cache: Path | None = None) -> list[str]:
    """The local chain's command line. `cache`: where anvil keeps the states it moves out of memory
    on a long chain; by default a temporary folder of its own, which anvil leaves behind when it is
    stopped by a signal (gigabytes, run after run), so the caller names one it removes itself."""
    if chain == "anvil":
        return [
            str(BIN / "anvil"),
            *(["--cache-path", str(cache)] if cache is not None else []),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--chain-id",
            str(LOCAL_CHAIN_ID),
            "--accounts",
            str(ACCOUNTS),
            "--gas-limit",
            "30000000",
            "--silent",
        ]
    return [
        str(BIN / "ganache"),
        "--server.host",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--chain.chainId",
        str(LOCAL_CHAIN_ID),
        "--wallet.totalAccounts",
        str(ACCOUNTS),
        "--wallet.deterministic",
        "--hardfork",
        "shanghai",
        "--miner.blockGasLimit",
        "30000000",
        "--logging.quiet",
    ]


def wait_for(predicate, what: str, timeout: float, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RunError(f"{what} exited with status {process.returncode} before it was ready")
        try:
            result = predicate()
            if result:
                return result
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise RunError(f"{what} was not ready after {timeout:.0f} s")


class Stack:
    """The processes `make run` owns; stopped in reverse order, whatever happens."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(
        self, name: str, cmd: list[str], env: dict | None = None, quiet: bool = False, log: Path | None = None
    ) -> subprocess.Popen:
        """`quiet` discards the output; `log` appends it to that file instead of the terminal."""
        output = subprocess.DEVNULL if quiet else None
        if log is not None and not quiet:
            output = log.open("ab")
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output
        )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        """Last started, first stopped, each waited for: the gateway finishes its work while the
        chain it talks to is still up."""
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def deploy(rpc_url: str, manifest_dir: Path) -> None:
    # a fresh chain every run: the old manifest is stale by definition
    result = deploy_local_suite(rpc_url, manifest_dir, {"TERANG_FORCE_DEPLOY": "1"})
    if result.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise RunError(f"deployment failed: {tail[0]}")


def run(args: argparse.Namespace) -> int:
    if args.chain not in ("anvil", "ganache"):
        raise RunError(f"unknown chain {args.chain!r}; use CHAIN=anvil or CHAIN=ganache")
    if port_in_use(args.gateway_port):
        raise RunError(
            f"port {args.gateway_port} is already in use; stop what listens there or set "
            "GATEWAY_PORT=<free port>"
        )
    if not (BIN / args.chain).exists():
        raise RunError(f"{args.chain} is not installed under node_modules; run `make setup`")
    manifest_dir = Path(args.manifest_dir)
    stack = Stack()
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    # Ctrl-C stops it even when started from a shell that ignores SIGINT in its background jobs
    # (a non-interactive `... &`): Python leaves an inherited "ignore" in place otherwise.
    signal.signal(signal.SIGINT, _interrupt)
    try:
        chain_port = free_port()
        rpc_url = f"http://127.0.0.1:{chain_port}"
        cache = Path(args.state_dir) / "anvil-cache"
        shutil.rmtree(cache, ignore_errors=True)  # what an earlier run's chain moved out of memory
        chain = stack.start(args.chain, chain_command(args.chain, chain_port, cache), quiet=True)
        wait_for(lambda: rpc(rpc_url, "eth_chainId"), f"{args.chain} on port {chain_port}", 60, chain)
        print(f"[1/3] {args.chain} is running at {rpc_url} (chain id {LOCAL_CHAIN_ID})", flush=True)
        deploy(rpc_url, manifest_dir)
        manifest = manifest_dir / f"{LOCAL_CHAIN_ID}.json"
        shown = manifest.relative_to(ROOT) if manifest.is_relative_to(ROOT) else manifest
        print(f"[2/3] contracts deployed; manifest {shown}", flush=True)
        # The fake payment provider (development credentials, the gateway's defaults) calls back the
        # gateway, whose payment bridge pays authorised instructions through it.
        provider_port = free_port()
        fake_provider = [sys.executable, "-m", "app.payments.fakeprovider", "--port", str(provider_port)]
        callback_url = f"http://127.0.0.1:{args.gateway_port}"
        stack.start("fake payment provider", [*fake_provider, "--callback-url", callback_url], quiet=True)
        # The fake SMS/WhatsApp provider the families' notices go through (development token).
        messenger_port = free_port()
        messenger = [sys.executable, "-m", "app.welfare.fakemessenger", "--port", str(messenger_port)]
        stack.start("fake message provider", messenger, quiet=True)
        messenger_url = f"http://127.0.0.1:{messenger_port}"
        nodes = start_nodes(stack, rpc_url, args.nodes, Path(args.state_dir)) if args.nodes else ""
        env = {
            **os.environ,
            "TERANG_RPC_URL": rpc_url,
            "TERANG_RPC_NODES": nodes,
            "TERANG_CHAIN_ID": str(LOCAL_CHAIN_ID),
            "TERANG_MANIFEST": str(manifest),
            "TERANG_PORT": str(args.gateway_port),
            "TERANG_PAYMENTS_PROVIDER_URL": f"http://127.0.0.1:{provider_port}",
            "TERANG_PAYMENTS_BRIDGE_ENABLED": "true",
            "TERANG_WELFARE_MESSENGER_URL": messenger_url,
            "TERANG_PUBLIC_BASE_URL": f"http://127.0.0.1:{args.gateway_port}",
            **local_gateway_state(rpc_url, Path(args.state_dir)),
        }
        gateway_log = Path(args.state_dir) / "gateway.log"
        gateway = stack.start(
            "gateway", [sys.executable, "-m", "app"], env=env, quiet=args.check, log=gateway_log
        )
        base = f"http://127.0.0.1:{args.gateway_port}"
        health = wait_for(lambda: _get_json(base + "/health"), "the gateway", 60, gateway)
        print(f"[3/3] gateway is serving at {base} (API docs {base}/docs)", flush=True)
        (Path(args.state_dir) / "messenger.url").write_text(messenger_url + "\n")
        print(
            summary(
                health, base, rpc_url, Path(args.state_dir) / "dev-tokens.json", gateway_log, messenger_url
            ),
            flush=True,
        )
        if args.check:
            return 0
        if not args.no_pilot:
            _pilot(base, rpc_url, Path(args.state_dir) / "dev-issuer")
            if args.once:
                return 0
        print("Press Ctrl-C to stop.", flush=True)
        while all(p.poll() is None for _n, p in stack.processes):
            time.sleep(0.5)
        stopped = next(name for name, p in stack.processes if p.poll() is not None)
        raise RunError(f"{stopped} stopped unexpectedly")
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stack.stop()


NODE_NAMES = ("lkpp", "kemenkeu", "bpk", "kpk")  # the consortium's agencies, one node each


def start_nodes(stack: Stack, rpc_url: str, count: int, state_dir: Path) -> str:
    """`count` JSON-RPC proxies standing for the consortium's nodes in front of the one local chain
    (toolchain/rpcproxy.py), each with a control port that stays open while its node is "down";
    written to state/nodes.json. Returns TERANG_RPC_NODES for the gateway."""
    if not 1 <= count <= len(NODE_NAMES):
        raise RunError(f"--nodes takes 1 to {len(NODE_NAMES)} (one per consortium agency), not {count}")
    nodes = []
    for name in NODE_NAMES[:count]:
        port, control = free_port(), free_port()
        command = [sys.executable, "-m", "toolchain.rpcproxy", "--upstream", rpc_url, "--port", str(port)]
        process = stack.start(
            f"node {name}", [*command, "--name", name, "--control-port", str(control)], quiet=True
        )
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda url=url: rpc(url, "eth_chainId"), f"node {name} on port {port}", 30, process)
        nodes.append({"name": name, "url": url, "control": f"http://127.0.0.1:{control}/__proxy__"})
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "nodes.json").write_text(json.dumps(nodes, indent=2) + "\n")
    print(
        f"      nodes: {', '.join(n['name'] + ' ' + n['url'] for n in nodes)} (state/nodes.json)", flush=True
    )
    return ",".join(f"{n['name']}={n['url']}" for n in nodes)


def local_gateway_state(rpc_url: str, state_dir: Path) -> dict[str, str]:
    """A fresh gateway database, keystores for the development accounts and development tokens.

    The database starts empty on every run because the chain does: transactions recorded for an
    earlier chain with the same id and accounts must never be broadcast to this one."""
    from app.auth import devissuer
    from toolchain.deploy_config import load_deploy_config
    from toolchain.dev_signers import dev_official, write_signers

    state_dir.mkdir(parents=True, exist_ok=True)
    database = state_dir / "gateway.db"
    for leftover in [*state_dir.glob("gateway.db*"), *state_dir.glob("gateway.log")]:
        leftover.unlink()
    signers = write_signers(rpc_url, state_dir)
    issuer = state_dir / "dev-issuer"
    devissuer.ensure_keys(issuer)
    config = load_deploy_config(ROOT / "deploy" / "local.yaml", rpc(rpc_url, "eth_accounts"))

    def named(sub: str, role: str, agency: int | None = None) -> str:
        """A token naming its official (each person's act is signed with its own key)."""
        official = dev_official(config, role, agency, sub)
        return devissuer.issue(sub, [role], agency, folder=issuer, officer=official)

    tokens = {
        "agency-officer-1001": named("ppk-ikn", "AGENCY_OFFICER", 1001),
        "agency-officer-1002": named("pokja-pu", "AGENCY_OFFICER", 1002),
        # LKPP's e-Katalog publisher (dev:1, docs/guides/e-katalog.en.md)
        "catalogue-publisher": named("lkpp-katalog", "CATALOGUE_PUBLISHER", 3001),
        # LKPP's data officer (dev:1): imports SIRUP plans, anchored on chain
        "data-officer": named("lkpp-data", "DATA_OFFICER"),
        **{
            name.lower(): named(name.lower(), name)
            for name in ("TKDN_CERTIFIER", "VERIFIER", "TREASURY", "WELFARE_ADMIN", "ENROLLER", "AUDITOR")
        },
        **{f"verifier-{n}": named(f"pphp-{n}", "VERIFIER") for n in (1, 2, 3)},
        "supplier": devissuer.issue("supplier", [], folder=issuer),
        # A treasury token naming no official: the guides show that a person's act needs one.
        "treasury-no-official": devissuer.issue("bendahara-tanpa-nama", ["TREASURY"], folder=issuer),
        **officer_tokens(rpc_url, issuer),
        **committee_tokens(rpc_url, issuer),
        **treasury_tokens(issuer),
    }
    (state_dir / "dev-tokens.json").write_text(json.dumps(tokens, indent=2) + "\n")
    return {
        "TERANG_DATABASE_URL": f"sqlite:///{database}",
        "TERANG_SIGNERS_FILE": str(signers),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer / "public.pem"),
        "TERANG_KEYRING_FILE": str(state_dir / "keyring.json"),  # made on first use (app/keyring)
        "TERANG_DOCUMENTS_DIR": str(state_dir / "documents"),  # uploaded tender documents (app/documents)
        "TERANG_ENVIRONMENT": "local",
    }


def treasury_tokens(issuer: Path) -> dict[str, str]:
    """Two treasury officials, each named by its own account (claim `officer`): a payout account is
    proposed by one and approved by the other (docs/guides/treasury.en.md)."""
    from app.auth import devissuer
    from toolchain.pilot.api import TREASURY_OFFICIALS

    return {
        f"bendahara-{n}": devissuer.issue(f"bendahara-{n}", ["TREASURY"], folder=issuer, officer=address)
        for n, address in enumerate(TREASURY_OFFICIALS, start=1)
    }


def officer_tokens(rpc_url: str, issuer: Path) -> dict[str, str]:
    """Tokens naming an IKN officer's own account (claim `officer`), for the acts the gateway signs
    with that officer's key: the three Pokja members and the KPA of deploy/local.yaml."""
    from eth_utils import to_checksum_address

    from app.auth import devissuer
    from toolchain.pilot.pokja import AGENCY, KPA_ACCOUNT, POKJA_ACCOUNTS

    accounts = rpc(rpc_url, "eth_accounts")
    named = {f"pokja-{n}": index for n, index in enumerate(POKJA_ACCOUNTS, start=1)} | {"kpa": KPA_ACCOUNT}
    return {
        name: devissuer.issue(
            f"{name}-ikn",
            ["AGENCY_OFFICER"],
            AGENCY,
            folder=issuer,
            officer=to_checksum_address(accounts[index]),
        )
        for name, index in named.items()
    }


COMMITTEE_NAMES = {3001: "lkpp", 3002: "kemenkeu", 3003: "bpk", 3004: "kpk"}  # deploy/local.yaml


def committee_tokens(rpc_url: str, issuer: Path, config_path: Path | None = None) -> dict[str, str]:
    """Tokens naming each committee official's own account (claim `officer`): `committee-<agency>`
    (role COMMITTEE) for every member agency's first official and, for guardian agencies,
    `guardian-<agency>` (role GUARDIAN), e.g. committee-lkpp, committee-kemenkeu, guardian-bpk."""
    from app.auth import devissuer
    from toolchain.deploy_config import load_deploy_config

    accounts = [to_checksum(a) for a in rpc(rpc_url, "eth_accounts")]
    config = load_deploy_config(config_path or ROOT / "deploy" / "local.yaml", accounts)
    tokens = {}
    for member in config.committee_members:
        if not member.officials:
            continue
        name, official = COMMITTEE_NAMES.get(member.agency, str(member.agency)), member.officials[0]
        tokens[f"committee-{name}"] = devissuer.issue(
            f"komite-{name}", ["COMMITTEE"], member.agency, folder=issuer, officer=to_checksum(official)
        )
        if member.guardian:
            tokens[f"guardian-{name}"] = devissuer.issue(
                f"penjaga-{name}", ["GUARDIAN"], member.agency, folder=issuer, officer=to_checksum(official)
            )
    return tokens


def to_checksum(address: str) -> str:
    from eth_utils import to_checksum_address

    return to_checksum_address(address)


def _pilot(base: str, rpc_url: str, issuer_dir: Path) -> None:
    from toolchain.pilot.api import PilotError
    from toolchain.pilot.scenario import run_pilot

    print(
        "Running the pilot through the REST API (the local chain's clock is moved past deadlines):",
        flush=True,
    )
    try:
        report = run_pilot(base, rpc_url, issuer_dir)
    except PilotError as exc:
        raise RunError(f"pilot failed: {exc}") from None
    print(report.summary(), flush=True)


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http://127.0.0.1 built here)
        return json.loads(response.read())


def summary(
    health: dict, base: str, rpc_url: str, tokens: Path, gateway_log: Path, messenger_url: str = ""
) -> str:
    lines = [
        "",
        "Terang is running:",
        f"  chain      {rpc_url}  chain id {health['chainId']}  block {health['blockNumber']}",
        f"  gateway    {base}  (health {base}/health, OpenAPI {base}/docs)",
        f"  tokens     {tokens} (development bearer tokens per role)",
        f"  log        {gateway_log} (the gateway's requests and errors)",
        f"  messages   {messenger_url}/v1/messages (the fake SMS/WhatsApp provider: families' notices)",
        "  contracts:",
    ]
    lines += [f"    {name:<18} {info['address']}" for name, info in health["contracts"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.splitlines()[0])
    parser.add_argument("--chain", default=os.environ.get("CHAIN", "anvil"))
    parser.add_argument("--gateway-port", type=int, default=int(os.environ.get("GATEWAY_PORT", "8000")))
    parser.add_argument("--manifest-dir", default=str(ROOT / "deployments"))
    parser.add_argument(
        "--state-dir",
        default=str(ROOT / "var" / "run"),
        help="gateway database, development keystores and tokens (recreated each run)",
    )
    parser.add_argument(
        "--nodes",
        type=int,
        default=int(os.environ.get("NODES", "0")),
        help="put this many node endpoints (1-4, one per consortium agency) in front of the chain",
    )
    parser.add_argument("--check", action="store_true", help="start, verify /health, print, stop")
    pilot = parser.add_mutually_exclusive_group()
    pilot.add_argument("--no-pilot", action="store_true", help="serve without running the pilot")
    pilot.add_argument("--once", action="store_true", help="run the pilot, print its summary, stop")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
