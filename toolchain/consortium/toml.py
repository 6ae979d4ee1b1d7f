"""Just enough TOML writing for Besu's files: strings, integers, booleans and lists of strings
(the standard library reads TOML but does not write it)."""

from __future__ import annotations

import json


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: the same quoting and escapes as JSON's
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")
