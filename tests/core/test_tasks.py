"""Mail goes through the task queue: a request never waits on the mail server, the worker
delivers, a failing server is retried with backoff and a final failure is recorded.

These tests switch the suite's immediate backend for the database backend
(django-tasks-db, as production runs it) and run the worker's own loop in-process, one
batch at a time (`manage.py db_worker --batch`); the clock is moved with time-machine
to reach each retry. They run on SQLite and, in CI's second run, on PostgreSQL.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from comments import services as comment_services
from comments.models import Comment
from core import tasks
from tests.factories import MemberFactory, make_apt


class FlakyMailServer(EmailBackend):
    """The suite's in-memory outbox, after raising each error queued in `failures`."""

    failures: list[BaseException] = []

    def send_messages(self, messages):
        if FlakyMailServer.failures:
            raise FlakyMailServer.failures.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def queue(settings, transactional_db):
    """The database backend, and a mail server that fails as the test says.

    Transactional, as production is: the view's on-commit hooks enqueue while the
    request (and its request id) is still running."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "tests.core.test_tasks.FlakyMailServer"}}
    FlakyMailServer.failures = []
    yield
    FlakyMailServer.failures = []


def run_worker() -> None:
    """What `manage.py db_worker --batch` does: run every ready task, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def discussion(transactional_db):
    collab, _ = make_apt()
    author = MemberFactory(username="parent_author", email="parent@example.com")
    parent = comment_services.comment_create(
        thread=collab.thread, author=author, body="APT. all day", rate_limited=False
    )
    return parent


def reply(client, parent, **headers):
    replier = MemberFactory(username="replier")
    client.force_login(replier)
    response = client.post(
        reverse("comments:reply", args=[parent.pk]), {"body": "Same here!"}, headers=headers
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def pending() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.ready())


def test_a_reply_is_queued_while_the_worker_is_stopped_and_sent_when_it_runs(
    queue, discussion, client
):
    reply(client, discussion)

    # The reply is posted; its email waits in the queue, unsent.
    assert Comment.objects.filter(parent=discussion, body="Same here!").exists()
    assert mail.outbox == []
    [queued] = pending()
    assert queued.task_path == "comments.tasks.send_notification_emails"

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["parent@example.com"]
    assert "replied to your comment" in mail.outbox[0].subject
    assert pending() == []
    assert DBTaskResult.objects.failed().count() == 0


def test_a_password_reset_mail_waits_for_the_worker_too(queue, client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert mail.outbox == []
    [queued] = pending()
    assert queued.task_path == "core.tasks.send_email"

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_failing_mail_server_is_retried_with_backoff_and_the_mail_goes_once(
    queue, discussion, client, caplog
):
    FlakyMailServer.failures = [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ]
    reply(client, discussion)
    start = timezone.now()

    with caplog.at_level(logging.WARNING, logger="crossover.tasks"):
        run_worker()  # composes the mail; the first send fails
    assert mail.outbox == []
    retry = DBTaskResult.objects.get(task_path="core.tasks.send_email", status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert timedelta(seconds=59) < retry.run_after - start < timedelta(seconds=90)
    assert "attempt 1 of 5 failed (SMTPServerDisconnected" in caplog.text

    run_worker()  # not yet due: nothing runs
    assert mail.outbox == []

    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=True):
        run_worker()  # the second attempt: refused
    again = DBTaskResult.objects.get(task_path="core.tasks.send_email", status="READY")
    assert again.args_kwargs["kwargs"]["attempt"] == 3
    assert timedelta(minutes=4) <= again.run_after - retry.run_after < timedelta(minutes=5)

    with time_machine.travel(again.run_after + timedelta(seconds=1), tick=True):
        run_worker()  # the third attempt goes through
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["parent@example.com"]
    assert pending() == []
    assert DBTaskResult.objects.failed().count() == 0


def test_a_mail_server_down_for_good_ends_in_a_recorded_failure(queue, discussion, client, caplog):
    FlakyMailServer.failures = [
        smtplib.SMTPConnectError(421, "Service not available") for _ in range(9)
    ]
    reply(client, discussion, X_Request_ID="reply-42")

    with caplog.at_level(logging.WARNING, logger="crossover.tasks"):
        run_worker()
        for _ in range(tasks.MAX_ATTEMPTS - 1):
            [due] = pending() or DBTaskResult.objects.filter(status="READY")
            with time_machine.travel(due.run_after + timedelta(seconds=1), tick=True):
                run_worker()

    assert mail.outbox == []
    assert pending() == []  # no attempt is left waiting: it gave up
    [failed] = DBTaskResult.objects.failed()
    assert failed.task_path == "core.tasks.send_email"
    assert failed.args_kwargs["kwargs"]["attempt"] == tasks.MAX_ATTEMPTS
    assert failed.args_kwargs["kwargs"]["to"] == ["parent@example.com"]
    assert failed.exception_class_path == "smtplib.SMTPConnectError"
    assert "Service not available" in failed.traceback
    sends = DBTaskResult.objects.filter(task_path="core.tasks.send_email")
    assert sends.count() == tasks.MAX_ATTEMPTS
    assert {r.args_kwargs["kwargs"]["request_id"] for r in sends} == {"reply-42"}
    gave_up = [r for r in caplog.records if r.name == "crossover.tasks" and r.levelno >= 40]
    assert len(gave_up) == 1
    assert "failed on attempt 5 of 5" in gave_up[0].getMessage()
    assert gave_up[0].request_id == "reply-42"


def test_an_address_the_server_refuses_is_not_retried(queue, discussion, client):
    FlakyMailServer.failures = [
        smtplib.SMTPRecipientsRefused({"parent@example.com": (550, b"No such user")})
    ]
    reply(client, discussion)
    run_worker()
    [failed] = DBTaskResult.objects.failed()
    assert failed.exception_class_path == "smtplib.SMTPRecipientsRefused"
    assert pending() == []


def test_the_tasks_a_request_enqueues_carry_its_request_id(queue, discussion, client, caplog):
    response = reply(client, discussion, X_Request_ID="abc-1")
    assert response["X-Request-ID"] == "abc-1"
    [queued] = pending()
    assert queued.args_kwargs["kwargs"]["request_id"] == "abc-1"

    with caplog.at_level(logging.INFO, logger="crossover.tasks"):
        run_worker()
    # The composing task passed the id on to the sending task, and the worker's lines carry it.
    send = DBTaskResult.objects.get(task_path="core.tasks.send_email")
    assert send.args_kwargs["kwargs"]["request_id"] == "abc-1"
    done = [r for r in caplog.records if r.name == "crossover.tasks"]
    assert {r.task for r in done} == {"send_notification_emails", "send_email"}
    assert {r.request_id for r in done} == {"abc-1"}


def test_in_development_a_failing_mail_server_never_breaks_the_request(
    settings, discussion, client, caplog
):
    """The immediate backend runs the task in the request; its failure is logged, not raised."""
    assert "immediate" in settings.TASKS["default"]["BACKEND"]
    settings.MAILERS = {"default": {"BACKEND": "tests.core.test_tasks.FlakyMailServer"}}
    FlakyMailServer.failures = [smtplib.SMTPServerDisconnected("gone")]
    try:
        with caplog.at_level(logging.ERROR):
            reply(client, discussion)
    finally:
        FlakyMailServer.failures = []
    assert mail.outbox == []
    assert "task send_email failed on attempt 1 of 5: SMTPServerDisconnected: gone" in caplog.text


def test_a_task_may_not_take_the_names_the_wrapper_adds():
    def notify(*, request_id):
        return request_id

    with pytest.raises(TypeError, match="request_id"):
        tasks.crossover_task(notify)
