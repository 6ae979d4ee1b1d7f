"""Onboarding agencies, their officials and regions through the committee, phase by phase
(docs/decisions/0039-phased-rollout.md)."""
