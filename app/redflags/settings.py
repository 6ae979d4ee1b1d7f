"""Cardinal's settings file (INI), read into typed options.

The format, as Cardinal reads it (config + rust-ini): global keys before the first section; one
section per enabled indicator (`[R003]`, an empty section enables it with defaults); dotted
sub-sections for maps (`[R003.procurement_method_details]`, which also enables `R003`);
`;` or `#` comments, also inline after whitespace. Like Cardinal (`deny_unknown_fields`), an
unknown section or key is an error rather than silently ignored: a misspelled threshold would
otherwise fall back to its default without anyone noticing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Parser = Callable[[str], Any]


class SettingsError(ValueError):
    """A settings file that cannot be read as Cardinal settings; the message is one line."""


# Value parsers. Each takes the raw string and returns the typed value or raises ValueError with
# the message shown to the user.

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def integer(raw: str) -> int:
    if not _INTEGER.fullmatch(raw):
        raise ValueError("expected an integer")
    return int(raw)


def natural(raw: str) -> int:
    value = integer(raw) if _INTEGER.fullmatch(raw) else None
    if value is None or value < 0:
        raise ValueError("expected a natural number (0, 1, 2, ...)")
    return value


def decimal(raw: str) -> float:
    if not _DECIMAL.fullmatch(raw):
        raise ValueError("expected a decimal number")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError("expected a finite decimal number")
    return value


def at_least(minimum: int) -> Parser:
    """A natural number no smaller than `minimum`."""

    def parse(raw: str) -> int:
        value = natural(raw)
        if value < minimum:
            raise ValueError(f"expected a natural number of at least {minimum}")
        return value

    return parse


def fraction_below_one(raw: str) -> float:
    """A decimal in [0, 1): a share of something, like a margin below a threshold."""
    value = decimal(raw)
    if not 0.0 <= value < 1.0:
        raise ValueError("expected a decimal from 0 up to (not including) 1")
    return value


def share(raw: str) -> float:
    """A decimal in [0, 1]."""
    value = decimal(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError("expected a decimal from 0 to 1")
    return value


def text(raw: str) -> str:
    return raw


def flag(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    raise ValueError("expected true or false")


@dataclass(frozen=True)
class MapOf:
    """A sub-section (`[R003.procurement_method_details]`): arbitrary keys, values of one type."""

    value: Parser


Schema = Mapping[str, "Parser | MapOf"]

GLOBAL_SCHEMA: Schema = {
    "currency": text,
    "no_price_comparison_procurement_methods": text,
    "price_comparison_procurement_methods": text,
}
OUTPUT_SCHEMA: Schema = {"info_currency_mismatches": flag}
EXCLUSIONS_SCHEMA: Schema = {"procurement_method_details": text}
# Sections of Cardinal's `prepare` command: valid in a shared settings file, not used by indicators.
PREPARE_SECTIONS = frozenset(
    {
        "defaults",
        "redactions",
        "corrections",
        "modifications",
        "codelists.bid_status",
        "codelists.award_status",
    }
)


@dataclass(frozen=True)
class Settings:
    """Settings for one run. `indicators` maps each enabled code to its typed options (only the
    options the file sets; each indicator applies its own defaults)."""

    indicators: Mapping[str, Mapping[str, Any]]
    currency: str | None = None
    no_price_comparison_procurement_methods: str | None = None
    price_comparison_procurement_methods: str | None = None
    info_currency_mismatches: bool = False
    excluded_procurement_method_details: frozenset[str] = field(default_factory=frozenset)


def pipe_separated(value: str | None) -> frozenset[str]:
    """`a|b` -> {"a", "b"}; a trailing `|` adds nothing (Rust's `split_terminator`), values untrimmed."""
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts[-1] == "":
        parts.pop()
    return frozenset(parts)


# --- INI syntax -------------------------------------------------------------------------------

_SECTION = re.compile(r"\[\s*([^\]]*?)\s*\]")
_INLINE_COMMENT = re.compile(r"\s[;#]")


@dataclass
class _Entry:
    value: str
    line: int


def _strip_inline_comment(value: str) -> str:
    match = _INLINE_COMMENT.search(value)
    return value[: match.start()] if match else value


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_ini(
    content: str, source: str
) -> tuple[dict[str, _Entry], dict[str, dict[str, _Entry]], dict[str, int]]:
    """Split INI text into global keys, sections (name -> key -> entry) and section header lines."""
    global_keys: dict[str, _Entry] = {}
    sections: dict[str, dict[str, _Entry]] = {}
    header_lines: dict[str, int] = {}
    current = global_keys
    for number, line in enumerate(content.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] in ";#":
            continue
        if stripped.startswith("["):
            match = _SECTION.match(stripped)
            rest = stripped[match.end() :].strip() if match else ""
            if not match or not match.group(1) or (rest and rest[0] not in ";#"):
                raise SettingsError(f"{source}:{number}: malformed section header {stripped!r}")
            name = match.group(1)
            current = sections.setdefault(name, {})
            header_lines.setdefault(name, number)
            continue
        key, separator, value = _partition(stripped)
        if not separator or not key:
            raise SettingsError(f"{source}:{number}: expected 'key = value', got {stripped!r}")
        current[key] = _Entry(_unquote(_strip_inline_comment(value).strip()), number)
    return global_keys, sections, header_lines


def _partition(line: str) -> tuple[str, str, str]:
    positions = [p for p in (line.find("="), line.find(":")) if p >= 0]
    if not positions:
        return line, "", ""
    at = min(positions)
    return line[:at].strip(), line[at], line[at + 1 :]


# --- Typed settings ---------------------------------------------------------------------------


def _typed(entries: Mapping[str, _Entry], schema: Schema, where: str, source: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, entry in entries.items():
        parser = schema.get(key)
        if parser is None or isinstance(parser, MapOf):
            known = ", ".join(k for k, p in schema.items() if not isinstance(p, MapOf)) or "none"
            raise SettingsError(f"{source}:{entry.line}: unknown key {key!r} in {where} (known: {known})")
        options[key] = _convert(parser, entry, key, where, source)
    return options


def _convert(parser: Parser, entry: _Entry, key: str, where: str, source: str) -> Any:
    try:
        return parser(entry.value)
    except ValueError as error:
        raise SettingsError(f"{source}:{entry.line}: {where} {key} = {entry.value!r}: {error}") from None


def parse_settings(content: str, schemas: Mapping[str, Schema], source: str = "<settings>") -> Settings:
    """Read Cardinal-format settings. `schemas` maps each indicator code this engine knows to the
    options its section accepts."""
    global_entries, sections, header_lines = parse_ini(content, source)
    global_options = _typed(global_entries, GLOBAL_SCHEMA, "the global section", source)

    indicators: dict[str, dict[str, Any]] = {}
    output: dict[str, Any] = {}
    exclusions: dict[str, Any] = {}
    for name, entries in sections.items():
        line = header_lines[name]
        if name == "output":
            output = _typed(entries, OUTPUT_SCHEMA, "[output]", source)
        elif name == "exclusions":
            exclusions = _typed(entries, EXCLUSIONS_SCHEMA, "[exclusions]", source)
        elif name in PREPARE_SECTIONS:
            continue
        elif name in schemas:
            indicators.setdefault(name, {}).update(_typed(entries, schemas[name], f"[{name}]", source))
        elif "." in name and name.split(".", 1)[0] in schemas:
            code, key = name.split(".", 1)
            parser = schemas[code].get(key)
            if not isinstance(parser, MapOf):
                raise SettingsError(f"{source}:{line}: unknown sub-section [{name}]")
            indicators.setdefault(code, {})[key] = {
                k: _convert(parser.value, entry, k, f"[{name}]", source) for k, entry in entries.items()
            }
        else:
            raise SettingsError(f"{source}:{line}: unknown section [{name}]")

    return Settings(
        indicators=indicators,
        currency=global_options.get("currency"),
        no_price_comparison_procurement_methods=global_options.get("no_price_comparison_procurement_methods"),
        price_comparison_procurement_methods=global_options.get("price_comparison_procurement_methods"),
        info_currency_mismatches=output.get("info_currency_mismatches", False),
        excluded_procurement_method_details=pipe_separated(exclusions.get("procurement_method_details")),
    )


def load_settings(path: str | Path, schemas: Mapping[str, Schema]) -> Settings:
    """Read a settings file; unreadable files raise SettingsError too."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise SettingsError(f"{path}: {error.strerror or error}") from None
    return parse_settings(content, schemas, source=str(path))
