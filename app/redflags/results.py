"""Flagged entities in Cardinal's output shape:
`{"OCID": {ocid: {code: value}}, "Buyer": {...}, "ProcuringEntity": {...}, "Tenderer": {...}}`.

Only flagged entities appear and empty groups are left out. Cardinal's own key order varies between
runs (hash maps, parallel folds); ours is stable: groups in the order above, entities and codes in
the order first flagged.
"""

from __future__ import annotations

import json
import math

OCID = "OCID"
BUYER = "Buyer"
PROCURING_ENTITY = "ProcuringEntity"
TENDERER = "Tenderer"
GROUPS = (OCID, BUYER, PROCURING_ENTITY, TENDERER)


class Results:
    def __init__(self) -> None:
        self._groups: dict[str, dict[str, dict[str, float]]] = {group: {} for group in GROUPS}

    def flag(self, group: str, key: str, code: str, value: float) -> None:
        """Record (or overwrite) an indicator's value for one entity."""
        self._groups[group].setdefault(key, {})[code] = float(value)

    def as_dict(self) -> dict[str, dict[str, dict[str, float]]]:
        return {group: entities for group, entities in self._groups.items() if entities}

    def to_json(self) -> str:
        """Compact JSON, as Cardinal prints it; NaN and infinities become null, as serde_json does."""
        clean = {
            group: {
                key: {code: _finite(value) for code, value in codes.items()}
                for key, codes in entities.items()
            }
            for group, entities in self.as_dict().items()
        }
        return json.dumps(clean, separators=(",", ":"), ensure_ascii=False)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
