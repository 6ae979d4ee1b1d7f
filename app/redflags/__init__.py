"""Red flags over OCDS data: Cardinal's indicators (open-contracting/cardinal-rs) with Cardinal's
settings format and output shape, plus Terang's own (HPS proximity, repeated winner, bid rotation,
contract splitting). See README.md in this folder."""

from app.redflags.engine import default_settings, evaluate, read_settings, read_settings_text
from app.redflags.results import Results
from app.redflags.settings import Settings, SettingsError

__all__ = [
    "Results",
    "Settings",
    "SettingsError",
    "default_settings",
    "evaluate",
    "read_settings",
    "read_settings_text",
]
