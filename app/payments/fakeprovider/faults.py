"""What the fake provider can be told to do wrong, and the account numbers that always fail."""

from __future__ import annotations

from pydantic import BaseModel, Field

# Deterministic outcomes by account number, for tests that need a particular one.
REJECTED_PREFIX = "0000"  # refused at creation: INVALID_DESTINATION
UNFUNDED_PREFIX = "9999"  # accepted, then FAILED: INSUFFICIENT_BALANCE
MALFORMED_PREFIX = "8888"  # made, but every answer about it lacks its id and status
FRACTIONAL_PREFIX = "7777"  # made, but every answer about it gives a fractional amount


class Faults(BaseModel):
    timeout_rate: float = Field(0.0, ge=0, le=1, description="create: payout made, answer held back")
    timeout_seconds: float = Field(30.0, ge=0)
    error_rate: float = Field(0.0, ge=0, le=1, description="create: 503 before anything is made")
    error_after_rate: float = Field(0.0, ge=0, le=1, description="create: payout made, then 500")
    reject_rate: float = Field(0.0, ge=0, le=1, description="create: 400 INVALID_DESTINATION")
    fail_rate: float = Field(0.0, ge=0, le=1, description="accepted, then FAILED INSUFFICIENT_BALANCE")
    reverse_rate: float = Field(0.0, ge=0, le=1, description="SUCCEEDED, then REVERSED")
    duplicate_rate: float = Field(0.0, ge=0, le=1, description="a callback delivered twice")
    complete_min_seconds: float = Field(0.0, ge=0)
    complete_max_seconds: float = Field(0.2, ge=0)
    # Each delivery waits a random extra 0..jitter seconds, so callbacks overtake one another.
    callback_jitter_seconds: float = Field(0.0, ge=0)
    callback_retries: int = Field(60, ge=0, description="deliveries retried with backoff (capped at 2 s)")
    # A provider that does not remember idempotency keys (or forgot them): a create under a key
    # already used makes another payout.
    forget_keys: bool = False
    # The search by our reference (GET /v2/payouts?reference_id=) answers 503.
    refuse_lookups: bool = False
    seed: int | None = None
