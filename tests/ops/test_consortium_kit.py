"""The consortium network kit (`python -m toolchain.consortium`, deploy/besu/), the trial's compose
file (deploy/compose/) and the image (deploy/containers/), checked the way they can be without Besu
and without a Docker engine: the genesis's extraData against Besu's own encodings, the files the kit
writes parsed as Besu reads them (JSON, TOML), the refusals of bad input (one line, exit status 2,
no traceback), the operators' guide run block by block, and the compose file's references
(secrets, files, settings) against what exists and what the settings refuse in production."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from eth_keys import keys

from app.config import HTTPS_URLS, PROVIDER_SECRETS, Settings, development_values
from tests.support.guides import run_guide, same_commands
from tests.support.localchain import ROOT
from toolchain.consortium.genesis import decode_extra_data, encode_extra_data

KIT = [sys.executable, "-m", "toolchain.consortium"]
GUIDE_EN = ROOT / "docs" / "operations" / "consortium-network.en.md"
GUIDE_ID = ROOT / "docs" / "operations" / "consortium-network.id.md"
EXAMPLE = ROOT / "deploy" / "besu" / "example"
COMPOSE_DIR = ROOT / "deploy" / "compose"
COMPOSE = COMPOSE_DIR / "compose.yaml"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"
CONTAINERS = ROOT / "deploy" / "containers"
AGENCIES = ("lkpp", "kemenkeu", "bpk", "kpk")
ANY_INTERFACE = {"0.0.0.0", "::", "[::]"}  # noqa: S104 (what the configs must not name)
# The public Besu documentation's QBFT genesis example: four validators and their extraData.
BESU_DOC_VALIDATORS = [
    "0x64a702e6263b7297a96638cac6ae65e6541f4169",
    "0x3923390ad55e90c237593b3b0e401f3b08a03185",
    "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
    "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
]
BESU_DOC_EXTRA_DATA = (
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f85494"
    "64a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594"
    "aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0"
)
# Besu's QbftExtraDataCodecTest: vanity 0x01..0x20, validators 1 and 2, an add vote for 1, round
# 0xFEDCBA, two seals (r=1, s=10, v=0) and (r=10, s=1, v=0).
BESU_CODEC_RAW = (
    "0xf8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea940000000000000000"
    "000000000000000000000001940000000000000000000000000000000000000002d7940000000000000000"
    "00000000000000000000000181ff83fedcbaf886b841000000000000000000000000000000000000000000"
    "0000000000000000000001000000000000000000000000000000000000000000000000000000000000000a"
    "00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000"
    "00000000000000000000000000000000000000000000000100"
)


def kit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*KIT, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def refused(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit status 2, one line on stderr naming the mistake, no traceback, nothing on stdout."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, result.stderr


def fresh_addresses(count: int) -> list[str]:
    return [keys.PrivateKey(bytes([n + 1]) * 32).public_key.to_checksum_address() for n in range(count)]


def enode_of(n: int, host: str) -> str:
    public = keys.PrivateKey(bytes([n + 1]) * 32).public_key.to_bytes().hex()
    return f"enode://{public}@{host}:30303"


# --- the genesis's extraData --------------------------------------------------------------------


def test_extra_data_is_besus_encoding_of_the_documented_genesis():
    assert encode_extra_data(BESU_DOC_VALIDATORS) == BESU_DOC_EXTRA_DATA


def test_extra_data_with_vote_round_and_seals_is_besus_codec_encoding():
    def seal(r: int, s: int, v: int) -> bytes:
        return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])

    one, two = "0x" + "00" * 19 + "01", "0x" + "00" * 19 + "02"
    encoded = encode_extra_data(
        [one, two], vanity=bytes(range(1, 33)), vote=(one, True), round_number=0xFEDCBA,
        seals=[seal(1, 10, 0), seal(10, 1, 0)],
    )  # fmt: skip
    assert encoded == BESU_CODEC_RAW
    assert decode_extra_data(BESU_CODEC_RAW)["round"] == 0xFEDCBA


def test_genesis_carries_exactly_the_four_validators_in_order_and_the_qbft_fields(tmp_path):
    validators = fresh_addresses(4)
    given = [validators[0].lower(), validators[1], validators[2].upper().replace("0X", "0x"), validators[3]]
    result = kit(
        "genesis", "--validators", ",".join(given), "--chain-id", "62026", "--out", str(tmp_path / "g.json")
    )
    assert result.returncode == 0, result.stderr
    genesis = json.loads((tmp_path / "g.json").read_text())
    extra = decode_extra_data(genesis["extraData"])
    assert extra["validators"] == validators
    assert (extra["vanity"], extra["vote"], extra["round"], extra["seals"]) == (bytes(32), None, 0, [])
    assert genesis["extraData"].endswith("c080c0")  # no vote, round 0 as the empty scalar, no seals
    config = genesis["config"]
    assert config["chainId"] == 62026
    assert set(config["qbft"]) == {"blockperiodseconds", "epochlength", "requesttimeoutseconds"}
    assert config["qbft"]["requesttimeoutseconds"] > config["qbft"]["blockperiodseconds"]
    assert config["zeroBaseFee"] is True and genesis["baseFeePerGas"] == "0x0"
    assert config["shanghaiTime"] == 0  # the contracts' evm_version (brownie-config.yaml)
    assert genesis["difficulty"] == "0x1"
    assert genesis["mixHash"] == "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"
    assert json.loads(result.stdout)["validators"] == validators


# --- bad input: one line, exit status 2 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        ("duplicate", ("listed twice",)),
        ("short", ("not a 0x address",)),
        ("checksum", ("checksum",)),
        ("three", ("at least 4", "--allow-fewer")),
        ("local chain id", ("31337",)),
        ("empty entry", ("empty entry",)),
    ],
)
def test_a_bad_genesis_input_is_refused_in_one_line(tmp_path, mistake, words):
    a, b, c, d = fresh_addresses(4)
    wrong_case = c[:2] + (c[2].swapcase() if c[2].isalpha() else c[2]) + c[3:]
    if wrong_case == c:  # no letter up front: flip the first letter anywhere
        i = next(i for i, ch in enumerate(c) if i > 1 and ch.isalpha())
        wrong_case = c[:i] + c[i].swapcase() + c[i + 1 :]
    validators, chain_id = {
        "duplicate": ([a, b, c, a.lower()], "62026"),
        "short": ([a, b, c, "0x1234"], "62026"),
        "checksum": ([a, b, wrong_case, d], "62026"),
        "three": ([a, b, c], "62026"),
        "local chain id": ([a, b, c, d], "31337"),
        "empty entry": ([a, b, "", d], "62026"),
    }[mistake]
    out = tmp_path / "genesis.json"
    result = kit("genesis", "--validators", ",".join(validators), "--chain-id", chain_id, "--out", str(out))
    refused(result, *words)
    assert not out.exists()


def test_fewer_than_four_validators_only_for_a_trial_and_with_a_warning(tmp_path):
    (one,) = fresh_addresses(1)
    out = tmp_path / "trial.json"
    result = kit("genesis", "--validators", one, "--chain-id", "62027", "--out", str(out), "--allow-fewer")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning:") and "tolerate no fault" in result.stderr
    assert decode_extra_data(json.loads(out.read_text())["extraData"])["validators"] == [one]


def test_an_existing_genesis_is_not_replaced_without_force(tmp_path):
    out = tmp_path / "genesis.json"
    out.write_text("{}")
    result = kit(
        "genesis", "--validators", ",".join(fresh_addresses(4)), "--chain-id", "62026", "--out", str(out)
    )
    refused(result, "already exists")
    assert out.read_text() == "{}"


def test_a_usage_mistake_is_one_line_too():
    refused(kit("genesis", "--chain-id", "x"), "invalid int value")
    refused(kit("launch"), "invalid choice")


# --- node keys ------------------------------------------------------------------------------------


def test_node_key_is_0600_prints_only_the_public_half_and_is_never_replaced(tmp_path):
    folder = tmp_path / "lkpp"
    result = kit("node-key", "--out", str(folder))
    assert result.returncode == 0, result.stderr
    key_file = folder / "key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    private_hex = key_file.read_text().removeprefix("0x")
    assert len(private_hex) == 64
    public = keys.PrivateKey(bytes.fromhex(private_hex)).public_key
    printed = json.loads(result.stdout)
    assert printed["address"] == public.to_checksum_address()
    assert printed["publicKey"] == public.to_bytes().hex()
    assert (folder / "address").read_text().strip() == printed["address"]
    for text in (
        result.stdout,
        result.stderr,
        (folder / "key.pub").read_text(),
        (folder / "address").read_text(),
    ):
        assert private_hex not in text.lower()

    again = kit("node-key", "--out", str(folder))
    refused(again, "already exists", "never replaced")
    assert key_file.read_text().removeprefix("0x") == private_hex


# --- permissions and node configs -------------------------------------------------------------------


def test_permissions_file_lists_exactly_the_nodes_and_accounts_given(tmp_path):
    nodes = [enode_of(n, f"10.{n}.1.10") for n in range(4)]
    accounts = fresh_addresses(3)
    out = tmp_path / "permissions_config.toml"
    given = [nodes[0].upper().replace("ENODE://", "enode://"), *nodes[1:]]
    result = kit(
        "permissions", "--nodes", ",".join(given), "--accounts", ",".join(accounts), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    parsed = tomllib.loads(out.read_text())
    assert parsed == {"nodes-allowlist": nodes, "accounts-allowlist": accounts}


@pytest.mark.parametrize(
    ("nodes", "words"),
    [
        ("enode://abc@10.0.0.1:30303", ("128 hex digits",)),
        (f"enode://{'ab' * 64}@besu.lkpp.internal:30303", ("not an IP address",)),
        (f"enode://{'ab' * 64}@10.0.0.1:70000", ("not a TCP port",)),
        (f"enode://{'ab' * 64}@10.0.0.1:30303,enode://{'AB' * 64}@10.0.0.2:30303", ("listed twice",)),
    ],
)
def test_a_bad_enode_is_refused_in_one_line(tmp_path, nodes, words):
    out = tmp_path / "p.toml"
    refused(
        kit("permissions", "--nodes", nodes, "--accounts", fresh_addresses(1)[0], "--out", str(out)), *words
    )
    assert not out.exists()


def node_config(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    return kit(
        "node-config", "--name", "lkpp-validator", "--p2p-host", "10.10.1.10",
        "--bootnodes", ",".join(enode_of(n, f"10.{n + 2}.1.10") for n in range(3)),
        "--out", str(tmp_path / "config.toml"), *extra,
    )  # fmt: skip


def test_node_config_parses_and_keeps_json_rpc_internal_behind_a_host_allowlist(tmp_path):
    result = node_config(
        tmp_path, "--rpc-host", "10.10.1.10", "--host-allowlist", "10.10.1.10,besu.lkpp.internal"
    )
    assert result.returncode == 0, result.stderr
    config = tomllib.loads((tmp_path / "config.toml").read_text())
    assert config["rpc-http-enabled"] is True
    assert config["rpc-http-host"] == "10.10.1.10" and config["metrics-host"] == "10.10.1.10"
    assert config["host-allowlist"] == ["10.10.1.10", "besu.lkpp.internal"]
    assert config["rpc-http-api"] == ["ETH", "NET", "WEB3", "QBFT"]
    assert config["permissions-nodes-config-file-enabled"] is True
    assert config["permissions-accounts-config-file-enabled"] is True
    assert config["metrics-enabled"] is True and config["min-gas-price"] == 0
    assert config["genesis-file"] == "/etc/besu/genesis.json" and config["data-path"] == "/var/lib/besu"
    assert len(config["bootnodes"]) == 3 and config["p2p-host"] == "10.10.1.10"
    assert config["rpc-ws-enabled"] is False and config["graphql-http-enabled"] is False


@pytest.mark.parametrize(
    ("rpc_host", "allowlist", "words"),
    [
        ("0.0.0.0", "besu.lkpp.internal", ("every interface",)),  # noqa: S104
        ("::", "besu.lkpp.internal", ("every interface",)),
        ("10.10.1.10", "*", ("'*'",)),
        ("10.10.1.10", "besu.lkpp.internal,*", ("'*'",)),
        ("besu.lkpp.internal", "besu.lkpp.internal", ("not an IP address",)),
    ],
)
def test_json_rpc_on_every_interface_or_for_any_host_is_refused(tmp_path, rpc_host, allowlist, words):
    refused(node_config(tmp_path, "--rpc-host", rpc_host, "--host-allowlist", allowlist), *words)
    assert not (tmp_path / "config.toml").exists()


# --- the sample kit in deploy/besu/example ----------------------------------------------------------


def test_the_example_kit_agrees_with_itself_and_holds_no_private_key():
    members = json.loads((EXAMPLE / "members.json").read_text())
    assert [m["agency"] for m in members] == list(AGENCIES)
    genesis = json.loads((EXAMPLE / "genesis.json").read_text())
    assert decode_extra_data(genesis["extraData"])["validators"] == [m["address"] for m in members]
    for member in members:
        public = keys.PublicKey(bytes.fromhex(member["publicKey"]))
        assert public.to_checksum_address() == member["address"]
    permissions = tomllib.loads((EXAMPLE / "permissions_config.toml").read_text())
    assert permissions["nodes-allowlist"] == [m["enode"] for m in members]
    for member in members:
        config = tomllib.loads((EXAMPLE / member["agency"] / "config.toml").read_text())
        others = [m["enode"] for m in members if m is not member]
        assert config["bootnodes"] == others
        assert member["enode"].endswith(f"@{config['p2p-host']}:{config['p2p-port']}")
        assert config["rpc-http-host"] not in ANY_INTERFACE and "*" not in config["host-allowlist"]
    files = [p for p in EXAMPLE.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name in ("key", "key.pub") or p.suffix in (".key", ".pem")]
    for path in files:  # no 32-byte hex value but the constant mixHash
        text = path.read_text().replace(genesis["mixHash"][2:], "")
        assert not re.search(r"(?<![0-9a-fA-F])(0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])", text), path


# --- the operators' guide, run block by block -------------------------------------------------------


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(GUIDE_EN, GUIDE_ID)) >= 5


@pytest.mark.parametrize("guide", [GUIDE_EN, GUIDE_ID], ids=["en", "id"])
def test_only_the_commands_that_need_besu_are_left_out_of_the_run(guide):
    text = guide.read_text()
    fences = re.findall(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M)
    assert len(fences) == len(re.findall(r"^```", text, re.M)) // 2
    for kind, body in fences:
        assert kind in ("sh", "text"), kind
        if kind == "text":  # starting Besu and asking a running node: nothing the kit does
            assert "toolchain.consortium" not in body
            assert "besu " in body or "qbft_" in body, body
    assert "no Besu" in text or "tanpa Besu" in text


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    if shutil.which("jq") is None:
        pytest.skip("the guide's commands need jq (Debian package jq)")
    folder = tmp_path_factory.mktemp("consortium")
    ran = run_guide(
        GUIDE_EN,
        {"KIT": str(folder / "kit"), "NODES": str(folder / "nodes")},
        tmp_path_factory.mktemp("script"),
    )
    return {"kit": folder / "kit", "nodes": folder / "nodes", "stdout": ran.stdout, "stderr": ran.stderr}


def test_the_guide_makes_four_keys_a_genesis_of_their_addresses_and_four_node_configs(walked):
    kit_dir, nodes = walked["kit"], walked["nodes"]
    addresses = []
    for agency in AGENCIES:
        key_file = nodes / agency / "key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        private_hex = key_file.read_text().removeprefix("0x")
        assert private_hex not in walked["stdout"] and private_hex not in walked["stderr"]
        addresses.append(keys.PrivateKey(bytes.fromhex(private_hex)).public_key.to_checksum_address())
    genesis = json.loads((kit_dir / "genesis.json").read_text())
    assert decode_extra_data(genesis["extraData"])["validators"] == addresses
    permissions = tomllib.loads((kit_dir / "permissions_config.toml").read_text())
    assert len(permissions["nodes-allowlist"]) == 4
    for agency in AGENCIES:
        config = tomllib.loads((kit_dir / agency / "config.toml").read_text())
        assert set(config["bootnodes"]) < set(permissions["nodes-allowlist"])
        assert len(config["bootnodes"]) == 3


# --- the compose file -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def env_example() -> dict[str, str]:
    """The names .env.example sets or documents (an optional one commented out: `# NAME=`)."""
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            pairs[match[1]] = match[2]
    return pairs


TERANG_SERVICES = ("migrate", "gateway", "indexer", "bridge")


def test_compose_runs_the_migration_first_and_every_process_from_the_one_image(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "besu", *TERANG_SERVICES}
    image = services["gateway"]["image"]
    assert all(services[name]["image"] == image for name in TERANG_SERVICES)
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["gateway"]["command"] == ["gateway"]
    assert services["indexer"]["command"][0] == "indexer"
    assert services["bridge"]["command"] == ["bridge"]
    for name in ("gateway", "indexer", "bridge"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["restart"] == "unless-stopped"
        assert "test" in services[name]["healthcheck"]
        assert services[name]["read_only"] is True
    assert services["gateway"]["environment"]["TERANG_INDEXER_ENABLED"] == "false"
    for name in TERANG_SERVICES:  # a check that runs `terang` needs the settings the secrets carry
        test = services[name].get("healthcheck", {}).get("test", [])
        assert "terang" not in test[1:2], (name, test)
    for name in ("postgres", "besu"):
        assert "test" in services[name]["healthcheck"] and services[name]["restart"] == "unless-stopped"


def test_compose_pins_its_third_party_images_by_version(compose):
    postgres, besu = compose["services"]["postgres"]["image"], compose["services"]["besu"]["image"]
    assert re.fullmatch(r"postgres:\d+\.\d+-bookworm", postgres), postgres
    assert re.fullmatch(r"hyperledger/besu:\d+\.\d+\.\d+", besu), besu


def test_the_trial_node_listens_on_its_own_address_not_on_every_interface(compose):
    """The Besu image sets BESU_RPC_HTTP_HOST=0.0.0.0 (and the WebSocket and GraphQL hosts) in its
    environment, which Besu ranks above config.toml: compose sets them back to the node's address."""
    besu = compose["services"]["besu"]
    address = besu["networks"]["chain"]["ipv4_address"]
    for name in ("BESU_RPC_HTTP_HOST", "BESU_RPC_WS_HOST", "BESU_GRAPHQL_HTTP_HOST"):
        assert besu["environment"][name] == address, name
    assert besu["command"] == ["--config-file=/etc/besu/config.toml"]
    assert besu["user"] != "root" and not besu["user"].startswith("0")
    assert "--p2p-host 172.30.0.10 --rpc-host 172.30.0.10" in (COMPOSE_DIR / "besu" / "README.md").read_text()
    assert address == "172.30.0.10"


def test_compose_publishes_nothing_beyond_loopback(compose):
    for name, service in compose["services"].items():
        for mapping in service.get("ports", []):
            assert mapping.startswith("127.0.0.1:"), (name, mapping)


def test_every_secret_is_a_file_that_exists_or_is_documented(compose):
    defined = compose["secrets"]
    documented = (COMPOSE_DIR / "secrets" / "README.md").read_text()
    for name, service in compose["services"].items():
        for secret in service.get("secrets", []):
            source = secret if isinstance(secret, str) else secret["source"]
            assert source in defined, (name, source)
    for name, secret in defined.items():
        path = COMPOSE_DIR / secret["file"]
        assert path.parent == COMPOSE_DIR / "secrets", name
        assert path.exists() or f"`{path.name}`" in documented, (
            f"secret {name}: {path.name} is not documented"
        )
    committed = subprocess.run(
        ["git", "ls-files", "deploy/compose/secrets", "deploy/compose/besu"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert not [path for path in committed if not path.endswith(("README.md", ".gitignore"))], committed
    for folder in ("secrets", "besu", "config"):  # what an operator makes there stays out of git
        ignore = (COMPOSE_DIR / folder / ".gitignore").read_text().splitlines()
        assert ignore[1:] == ["*", "!.gitignore", "!README.md"], folder


def test_every_file_compose_mounts_exists_or_is_documented_beside_it(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith("."):
                assert source in compose["volumes"], (name, source)
                continue
            path = (COMPOSE_DIR / source).resolve()
            readme = path / "README.md" if path.is_dir() else path.parent / "README.md"
            assert path.exists() or (readme.exists() and f"`{path.name}" in readme.read_text()), (
                name,
                source,
            )
    assert compose["services"]["gateway"]["env_file"] == [".env"] and ENV_EXAMPLE.exists()


def test_compose_holds_no_secret_value_and_every_variable_it_reads_is_in_the_env_example(compose):
    text = COMPOSE.read_text()
    variables = set(re.findall(r"\$\{(\w+)(?::-[^}]*)?\}", text))
    assert variables <= set(env_example()), variables - set(env_example())
    secret_words = re.compile(r"KEY|TOKEN|SECRET|PASSWORD$|DATABASE_URL")
    for name, service in compose["services"].items():
        for variable in service.get("environment", {}):
            assert not secret_words.search(variable) or variable.endswith("_FILE"), (name, variable)
    for variable, value in env_example().items():
        assert not (secret_words.search(variable) and value), f"{variable} has a value in .env.example"


def test_every_setting_production_refuses_by_default_is_provided(compose):
    """A setting production refuses at its default (app/config.py) is set by compose, comes from a
    secret file, or waits in .env.example; and no name there is a setting that does not exist."""
    gateway = compose["services"]["gateway"]
    provided = set(gateway["environment"]) | {s["target"] for s in gateway["secrets"]} | set(env_example())
    refused_by_default = {entry.split()[0] for entry in development_values(Settings(), "gateway")}
    refused_by_default |= {f"TERANG_{name.upper()}" for name in HTTPS_URLS["gateway"]}
    refused_by_default |= {f"TERANG_{name.upper()}" for name in PROVIDER_SECRETS["xendit"]}
    refused_by_default |= {"TERANG_DATABASE_URL", "TERANG_CHAIN_ID"}
    assert refused_by_default <= provided, refused_by_default - provided
    settings = {f"TERANG_{name.upper()}" for name in Settings.model_fields}
    compose_only = {"TERANG_IMAGE", "TERANG_PUBLISH_PORT", "BESU_RPC_PUBLISH_PORT"}
    named = (set(env_example()) | set(gateway["environment"])) - compose_only
    assert named <= settings, named - settings
    assert {t for t in provided if t.startswith("TERANG_")} - compose_only <= settings | {
        "TERANG_KEYRING_FILE"
    }


def test_docker_compose_accepts_the_file_when_it_is_installed(tmp_path):
    docker = shutil.which("docker")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True) if docker else None
    if probe is None or probe.returncode != 0:
        pytest.skip("no `docker compose` on this machine (the compose plugin is not a Debian package)")
    env = tmp_path / ".env"
    env.write_text(ENV_EXAMPLE.read_text())
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "--env-file", str(env), "config", "--quiet"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


# --- the image --------------------------------------------------------------------------------------


def test_the_dockerfile_runs_unprivileged_with_a_health_check_and_no_secret():
    text = (CONTAINERS / "Dockerfile").read_text()
    final = text[text.rindex("\nFROM ") :]
    users = re.findall(r"^USER\s+(\S+)", final, re.M)
    assert users and not users[-1].startswith(("root", "0")), users
    assert re.search(r"^HEALTHCHECK .*\n.*terang-healthcheck", final, re.M)
    for label in ("title", "version", "revision", "created", "licenses", "description"):
        assert f"org.opencontainers.image.{label}=" in final
    assert "--require-hashes" in text and "requirements/gateway.lock" in text
    assert re.search(r'^ENTRYPOINT \["/usr/local/bin/terang-entrypoint"\]', final, re.M)
    for line in re.findall(r"^(?:ENV|ARG)\s+.*$", text, re.M):
        assert not re.search(r"KEY|TOKEN|SECRET|PASSWORD|DATABASE_URL", line), line


def test_the_build_context_holds_only_what_the_dockerfile_copies():
    ignore = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert ignore[0] == "*"  # everything out, then only what is named
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set()
    for sources in re.findall(r"^COPY (?!--from)(.+)$", (CONTAINERS / "Dockerfile").read_text(), re.M):
        copied |= set(sources.split()[:-1])
    assert copied == allowed, (copied, allowed)
    assert not allowed & {".env", "var", "deploy/compose/secrets", "deploy/compose/besu", "deployments"}


def test_the_entry_point_turns_setting_named_secret_files_into_settings(tmp_path):
    """A file /run/secrets/TERANG_X becomes the setting TERANG_X before `terang` runs: here a wrong
    TERANG_LOG_LEVEL in a secret file is what `terang check` refuses, and a right one is not."""
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "TERANG_LOG_LEVEL").write_text("loud\n")
    (secrets_dir / "terang_keyring.json").write_text("{}")
    shim = tmp_path / "bin" / "terang"  # the console script: app.cli.main:run (pyproject.toml)
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "from app.cli.main import run; run()" "$@"\n')
    shim.chmod(0o755)
    env = {
        "PATH": f"{shim.parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "TERANG_SECRETS_DIR": str(secrets_dir),
        "HOME": str(tmp_path),
        "TERANG_RPC_URL": "http://127.0.0.1:9",  # no node: `check` stops there, whatever else runs here
    }
    run = [str(CONTAINERS / "entrypoint.sh"), "check", "--process", "indexer"]
    result = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "TERANG_LOG_LEVEL" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    (secrets_dir / "TERANG_LOG_LEVEL").write_text("warning")  # a valid value: past the settings
    result = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "TERANG_LOG_LEVEL" not in result.stderr and "chain" in result.stderr  # stopped at the node


def test_the_image_keeps_only_what_the_wheel_needs_at_run_time():
    spec = importlib.util.spec_from_file_location("prune_to_runtime", CONTAINERS / "prune_to_runtime.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    closure = module.runtime_closure("fastapi")
    assert {"fastapi", "starlette", "pydantic", "pydantic-core"} <= closure
    assert not closure & {"pytest", "playwright", "ruff", "schemathesis"}
