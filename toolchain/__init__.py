"""Developer tooling: offline compiler, local chains, the `make run` orchestrator."""
