"""Disbursement provider adapters behind one interface (base.Provider)."""

from __future__ import annotations

from app.config import Settings
from app.payments.providers.base import Provider


def provider_from_settings(settings: Settings) -> Provider:
    if settings.payments_provider == "iris":
        from app.payments.providers.iris import IrisProvider

        return IrisProvider(
            settings.payments_provider_url,
            creator_key=settings.iris_creator_key.get_secret_value(),
            approver_key=settings.iris_approver_key.get_secret_value(),
            merchant_key=settings.iris_merchant_key.get_secret_value(),
            timeout=settings.payments_provider_timeout_seconds,
        )
    from app.payments.providers.xendit import XenditProvider

    return XenditProvider(
        settings.payments_provider_url,
        secret_key=settings.xendit_secret_key.get_secret_value(),
        callback_token=settings.xendit_callback_token.get_secret_value(),
        timeout=settings.payments_provider_timeout_seconds,
    )
