"""The escrow's gas targets (approve-and-authorise <= 150,000, settle <= 60,000), measured by
the same scenario `make gas` reports (scripts/gas_escrow.py)."""

from __future__ import annotations

from scripts.gas_escrow import TARGETS, measure


def test_the_escrow_scenario_stays_within_its_gas_targets(suite):
    gas = measure(suite)
    print({name: used for name, used in gas.items()})
    for name, target in TARGETS.items():
        assert gas[name] <= target, f"{name}: {gas[name]:,} > {target:,}"
