"""Call data and event decoding straight from the deployment manifest's ABIs, with eth_abi (the replay
encodes hundreds of thousands of calls; web3's contract objects are too slow for that)."""

from __future__ import annotations

from eth_abi import decode, encode
from eth_utils import to_checksum_address
from eth_utils.abi import event_abi_to_log_topic, function_abi_to_4byte_selector, get_abi_input_types

from app.protocol.manifest import Manifest


class Contract:
    def __init__(self, manifest: Manifest, name: str) -> None:
        deployed = manifest.contracts[name]
        self.name = name
        self.address = to_checksum_address(deployed.address)
        self._functions = {
            entry["name"]: (function_abi_to_4byte_selector(entry), get_abi_input_types(entry))
            for entry in deployed.abi
            if entry.get("type") == "function"
        }

    def data(self, function: str, *args) -> str:
        selector, types = self._functions[function]
        return "0x" + (selector + encode(types, list(args))).hex()


class Events:
    """Decodes the logs of a receipt into (event name, fields) for every manifest contract."""

    def __init__(self, manifest: Manifest) -> None:
        self._by_topic: dict[str, tuple[str, list, list]] = {}
        for deployed in manifest.contracts.values():
            for entry in deployed.abi:
                if entry.get("type") != "event" or entry.get("anonymous"):
                    continue
                topic = "0x" + event_abi_to_log_topic(entry).hex()
                indexed = [i for i in entry["inputs"] if i["indexed"]]
                plain = [i for i in entry["inputs"] if not i["indexed"]]
                self._by_topic[topic] = (entry["name"], indexed, plain)

    def decode(self, log: dict) -> tuple[str, dict]:
        name, indexed, plain = self._by_topic[log["topics"][0]]
        fields: dict = {}
        for item, topic in zip(indexed, log["topics"][1:], strict=True):
            value = bytes.fromhex(topic[2:])
            fields[item["name"]] = decode([_type(item)], value)[0] if _static(item) else value
        types = [_type(i) for i in plain]
        values = decode(types, bytes.fromhex(log["data"][2:])) if types else ()
        fields.update(zip([i["name"] for i in plain], values, strict=True))
        return name, fields

    def topic(self, name: str) -> str:
        """topic0 of the event `name` (one event of that name across the manifest's contracts)."""
        (topic,) = {t for t, (n, _, _) in self._by_topic.items() if n == name}
        return topic

    def named(self, receipt: dict, name: str) -> list[dict]:
        return [f for n, f in (self.decode(log) for log in receipt["logs"]) if n == name]


def _type(item: dict) -> str:
    return get_abi_input_types({"type": "function", "inputs": [item]})[0]


def _static(item: dict) -> bool:
    kind = item["type"]
    return not (kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("tuple"))
