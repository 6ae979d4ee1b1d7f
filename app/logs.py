"""The processes' logs: one JSON object per line on stderr, for the gateway (`python -m app`), the
indexer (`python -m app.indexer`), the payment bridge (`python -m app.payments.bridge`) and the
reconciliation command.

Each line has `time` (UTC, ISO 8601), `level`, `logger` and `message`, then the record's extra
fields (`log.info("...", extra={"tx_hash": ...})`), `request_id` while an HTTP request is handled
(set by app/api/request_id.py, read here through a context variable: the route's worker thread
and the transaction manager's lines during a write carry it too), and `exception` with the
traceback when there is one. uvicorn's own and access lines go through the same handler.

What a line may never hold: NIKs, account numbers, keys, passwords, bearer tokens, HMAC keys,
provider secrets or callback tokens. Loggers name payments by instruction id and payout key and
people by nothing at all. Third-party libraries that log URLs or SQL parameters at INFO or DEBUG
(httpx, web3, SQLAlchemy) are held at WARNING whatever TERANG_LOG_LEVEL says.

Only the standard library: every layer of the gateway may import this module."""

from __future__ import annotations

import json
import logging
import sys
import threading
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

# The request being handled (app/api/request_id.py sets it; None outside a request).
request_id: ContextVar[str | None] = ContextVar("terang_request_id", default=None)

# The attributes every LogRecord has: anything else on a record came in through `extra`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's coloured copy of the message
}
# Libraries whose INFO/DEBUG lines carry URLs (with any credentials in them), request bodies or
# SQL parameters: never below WARNING.
QUIET = ("httpx", "httpcore", "web3", "urllib3", "requests", "sqlalchemy", "hpack")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record (a handler's filter: it sees every line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            current = request_id.get()
            if current is not None:
                record.request_id = current
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, _version, status = record.args
            entry.update(client=client, method=method, path=path, status=status)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def level_of(level: str | int) -> int:
    if isinstance(level, int):
        return level
    name = level.strip().upper()
    if name not in LEVELS:
        raise ValueError(f"unknown log level {level!r}; one of {', '.join(LEVELS)}")
    return logging.getLevelName(name)


def configure(level: str | int = "INFO", stream=None) -> logging.Handler:
    """Sends every logger's lines, as JSON, to `stream` (stderr): replaces the root logger's
    handlers, hands uvicorn's loggers to the root, holds the noisy libraries at WARNING, turns
    Python warnings and uncaught exceptions (also in threads) into log lines. Idempotent."""
    threshold = level_of(level)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(threshold)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(threshold, logging.WARNING))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.captureWarnings(True)
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    return handler


def _uncaught(kind, value, traceback) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)
        return
    logging.getLogger("terang").critical("uncaught exception", exc_info=(kind, value, traceback))


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    logging.getLogger("terang").error(
        "uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
