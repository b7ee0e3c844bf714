"""Background tasks that carry their request's id and retry a failing mail server.

`@crossover_task` makes a Django task (django.tasks) whose `enqueue()` adds the id of
the request that enqueued it, and whose run sets that id again for every log line the
worker writes. When the run raises a transient mail error (the SMTP server is down,
slow, or answers 4xx), the task enqueues itself again with `run_after` = now + backoff
(1, 4, 16, then 64 minutes) and an attempt counter; the attempt that gives up (the
fifth) raises, so the database backend stores a FAILED result with the exception and
its traceback, and the failure is logged at ERROR (and sent to Sentry when configured).
An address the server refuses outright is not retried.

Only a backend that can defer work (the database backend) retries. The immediate
backend of development and tests runs each attempt once, in-process: a failure is
logged and recorded in its result, and never breaks the request that enqueued it.

`send_email` is the one task that talks to the mail server: everything the site mails
(notifications, nomination decisions, allauth's sign-up and password mail) is composed
first and handed to it, one message per task, so a retry never sends a message twice.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from inspect import signature

from django.core.mail import EmailMultiAlternatives
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, Task
from django.tasks.base import DEFAULT_TASK_PRIORITY
from django.utils import timezone

from core import logs

logger = logging.getLogger("crossover.tasks")

MAX_ATTEMPTS = 5
FIRST_DELAY_SECONDS = 60
BACKOFF_FACTOR = 4
# Keyword arguments the wrapper adds to every enqueued task; tasks may not use these names.
RESERVED = ("request_id", "attempt")


def retry_delay(attempt: int) -> timedelta:
    """How long after failed attempt `attempt` (1-based) the next one runs."""
    return timedelta(seconds=FIRST_DELAY_SECONDS * BACKOFF_FACTOR ** (attempt - 1))


def is_transient(error: BaseException) -> bool:
    """Worth trying again later: the server was unreachable, timed out or said "later"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False  # the server refused the address itself; later won't change that
    if isinstance(error, smtplib.SMTPResponseException):
        # 4xx means "try later"; 535 (credentials refused) is fixed by an operator, not the
        # message, so it is worth the later attempts too.
        return error.smtp_code < 500 or error.smtp_code == 535
    return isinstance(error, smtplib.SMTPException | OSError)


class CrossoverTask(Task):
    """A task whose enqueued kwargs hold `request_id` (and, from the second, `attempt`).

    A plain subclass: `using()` (dataclasses.replace) and the database backend's import by
    path both keep the class, so the worker runs `call()` below.
    """

    def enqueue(self, *args, **kwargs):
        kwargs.setdefault("request_id", logs.current_request_id())
        return super().enqueue(*args, **kwargs)

    def call(self, *args, request_id: str = logs.NO_REQUEST, attempt: int = 1, **kwargs):
        token = logs.REQUEST_ID.set(request_id or logs.NO_REQUEST)
        started = time.perf_counter()
        where = {"task": self.name, "attempt": attempt}
        try:
            try:
                result = super().call(*args, **kwargs)
            except Exception as error:
                if not (is_transient(error) and attempt < MAX_ATTEMPTS and self._can_defer()):
                    logger.error(
                        "task %s failed on attempt %s of %s: %s: %s",
                        self.name,
                        attempt,
                        MAX_ATTEMPTS,
                        type(error).__name__,
                        error,
                        exc_info=True,
                        extra=where,
                    )
                    raise
                run_after = timezone.now() + retry_delay(attempt)
                self.using(run_after=run_after).enqueue(
                    *args, request_id=request_id, attempt=attempt + 1, **kwargs
                )
                logger.warning(
                    "task %s attempt %s of %s failed (%s: %s); next attempt at %s",
                    self.name,
                    attempt,
                    MAX_ATTEMPTS,
                    type(error).__name__,
                    error,
                    run_after.isoformat(timespec="seconds"),
                    extra=where,
                )
                # The attempt's own result: done, handed on to the next attempt.
                return {
                    "retried_at": run_after.isoformat(),
                    "error": f"{type(error).__name__}: {error}",
                }
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info("task %s done in %sms", self.name, duration_ms, extra=where)
            return result
        finally:
            logs.REQUEST_ID.reset(token)

    def _can_defer(self) -> bool:
        return self.get_backend().supports_defer


def crossover_task(function=None, *, priority=DEFAULT_TASK_PRIORITY):
    """Like django.tasks.task, for a task that carries its request id and may retry."""

    def wrap(func):
        taken = set(signature(func).parameters) & set(RESERVED)
        if taken:
            raise TypeError(f"{func.__qualname__} may not take {sorted(taken)} (core.tasks)")
        return CrossoverTask(
            func=func,
            priority=priority,
            queue_name=DEFAULT_TASK_QUEUE_NAME,
            backend=DEFAULT_TASK_BACKEND_ALIAS,
        )

    return wrap(function) if function else wrap


@crossover_task
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one message; a transient failure is retried (see the module's docstring).

    The subject is made one line: a line break in it (from a title or a name) would make
    every attempt fail, and the message would never go."""
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def queue_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Hand a composed message to the queue: the caller never waits on the mail server."""
    send_email.enqueue(
        subject=subject, body=body, to=to, from_email=from_email, html=html, headers=headers
    )
