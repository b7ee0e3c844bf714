"""Mail that follows a comment: reply and mention notifications, sent after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

from comments.models import Notification


@task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification's recipient, if they asked for email. Returns how many went."""
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
        send_mail(
            subject=f"[Crossover] {subject}",
            message=render_to_string("comments/email/notification.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        sent += 1
    return sent
