"""Mail that follows a comment: reply and mention notifications, sent after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from comments.models import Notification
from core.urls import absolute_url


@task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification's recipient, if they asked for email. Returns how many went."""
    notifications = Notification.objects.filter(
        pk__in=notification_ids,
        read_at__isnull=True,
        recipient__email_notifications=True,
        recipient__is_active=True,
    ).select_related("recipient", "actor", "comment", "comment__thread")
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
        send_mail(
            subject=f"[{settings.SITE_NAME}] {subject}",
            message=render_to_string("comments/email/notification.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        sent += 1
    return sent
