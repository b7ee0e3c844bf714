"""Mail that follows a comment: reply and mention notifications, sent after commit.

The task composes one message per notification; core.tasks.send_email delivers each,
with retries, so one failing address never holds up or repeats another's mail."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from comments.models import Notification
from core.tasks import crossover_task, queue_email


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
            "url": settings.SITE_URL + notification.comment.get_absolute_url(),
            "settings_url": settings.SITE_URL + "/accounts/profile/",
        }
        actor = notification.actor.public_name if notification.actor else "Someone"
        subject = (
            f"{actor} replied to your comment"
            if notification.kind == Notification.Kind.REPLY
            else f"{actor} mentioned you"
        )
        queue_email(
            subject=f"[Crossover] {subject}",
            body=render_to_string("comments/email/notification.txt", context),
            to=[notification.recipient.email],
        )
        sent += 1
    return sent
