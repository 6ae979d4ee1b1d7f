"""The payment bridge: chain payment instructions become payouts at a disbursement provider, and
the provider's outcomes come back on chain. See app/payments/bridge.py for the flow."""
