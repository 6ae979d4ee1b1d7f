"""The run's deployment config: deploy/local.yaml plus the replay's agencies, each with its PPK and
Pokja (AGENCY_OFFICER) and its PPHP verifiers (VERIFIER), all generated accounts."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.replay.population import Agency

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "local.yaml"


def write_deploy_config(agencies: list[Agency], path: Path) -> Path:
    config = yaml.safe_load(LOCAL.read_text())
    config["agencies"] += [{"id": a.id, "name": a.name} for a in agencies]
    grants = config["grants"]
    for a in agencies:
        grants["AGENCY_OFFICER"] += [{"account": x, "agency": a.id} for x in (a.ppk, *a.pokja)]
        grants["VERIFIER"] += [{"account": x, "agency": a.id} for x in a.verifiers]
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
