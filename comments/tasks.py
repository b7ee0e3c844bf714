"""Mail that follows a comment: reply and mention notifications, sent after commit.

The task composes one message per notification; core.tasks.send_email delivers each,
with retries, so one failing address never holds up or repeats another's mail."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from comments.models import Notification
from core.tasks import crossover_task, queue_email
from core.urls import absolute_url


@crossover_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification's recipient, if they asked for email. Returns how many queued."""
    notifications = Notification.objects.filter(
        pk__in=notification_ids,
        read_at__isnull=True,
        recipient__email_notifications=True,
        recipient__is_active=True,
    ).select_related("recipient", "actor", "comment", "comment__thread")
    # A discussion closed meanwhile (its article unpublished) sends nothing.
    notifications = notifications.in_public_threads()
    sent = 0
    for notification in notifications:
        context = {
            "notification": notification,
            "site_name": settings.SITE_NAME,
            "url": absolute_url(notification.get_absolute_url()),
            "settings_url": absolute_url(reverse("accounts:profile_edit")),
        }
        actor = notification.actor.public_name if notification.actor else "Someone"
        subject = {
            Notification.Kind.REPLY: f"{actor} replied to your comment",
            Notification.Kind.MENTION: f"{actor} mentioned you",
            Notification.Kind.REMOVED: "An editor removed your comment",
        }[notification.kind]
        queue_email(
            subject=f"[{settings.SITE_NAME}] {subject}",
            body=render_to_string("comments/email/notification.txt", context),
            to=[notification.recipient.email],
        )
        sent += 1
    return sent
