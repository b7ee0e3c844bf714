"""Structured logs: the request id every line carries, JSON lines, and Sentry's set-up.

The request id lives in a context variable: core.middleware.RequestLogMiddleware sets it
for a request (from a sane `X-Request-ID` the proxy sent, or a new one), core.tasks
carries it into the tasks the request enqueues and sets it again while the worker runs
them, so one id follows a comment from the POST to the email it causes. Nothing here
imports Django's models: settings.LOGGING loads it before the apps are ready.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

NO_REQUEST = "-"
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# What a proxy or a load balancer may hand us: UUIDs, hex, dotted and dashed trace ids.
# Anything else (too long, spaces, quotes, control characters) is replaced by a new id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# Secrets that travel in URL paths (allauth's email confirmation and password reset keys)
# never reach a log line.
SECRET_PATHS = re.compile(r"^(/accounts/(?:confirm-email|password/reset/key)/)[^/]+")
# Email addresses that slip into a message or a traceback (a refused recipient, a
# constraint's "Key (email)=(…)") are written as [email].
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is sane, else a new one (32 hex digits, as nginx makes them)."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    return REQUEST_ID.get()


def loggable_path(path: str) -> str:
    return SECRET_PATHS.sub(r"\1…", path)


def scrub(text: str) -> str:
    return EMAIL.sub("[email]", text) if "@" in text else text


class RequestIdFilter(logging.Filter):
    """Give every record a `request_id` ("-" outside a request or task) for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = REQUEST_ID.get()
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, then the
    record's `extra` fields (method, path, status…) and the traceback, if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return scrub(json.dumps(line, default=str, ensure_ascii=False))


class PlainFormatter(logging.Formatter):
    """Text lines for development, with email addresses scrubbed as in JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def init_sentry(*, dsn: str, environment: str, release: str | None) -> None:
    """Report errors to Sentry without personal data; settings call it when SENTRY_DSN is set."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        # Stack frames' variables and request bodies can hold what members typed.
        include_local_variables=False,
        max_request_body_size="never",
        # Errors only: no performance tracing unless asked for.
        traces_sample_rate=0.0,
        integrations=[DjangoIntegration()],
        before_send=_tag_request_id,
    )
    # core.tasks logs each failed task itself, with its request id; Django's own line
    # about the same failure would be a second event.
    ignore_logger("django.tasks")


def _tag_request_id(event, hint):
    request_id = REQUEST_ID.get()
    if request_id != NO_REQUEST:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
