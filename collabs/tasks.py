"""Mail the catalogue sends, as Django tasks enqueued after the deciding transaction commits.

The task composes the message; core.tasks.send_email delivers it, with retries."""

from __future__ import annotations

from django.conf import settings

from collabs.models import Collab, CollabStatus
from core.tasks import crossover_task, queue_email
from core.urls import absolute_url


@crossover_task
def nomination_decided_email(*, collab_id: int) -> bool:
    """Tell the member who nominated a collab what the editors decided. False if no one to tell."""
    collab = Collab.objects.select_related("nominated_by").filter(pk=collab_id).first()
    member = collab.nominated_by if collab else None
    if member is None or not member.email or collab.status == CollabStatus.NOMINATED:
        return False
    if collab.status == CollabStatus.PUBLISHED:
        subject = f"“{collab.title}” is in the Crossover catalogue"
        body = (
            f"Hi {member.public_name},\n\nThanks for nominating “{collab.title}”. An editor "
            f"checked it and it is now in the catalogue, ready for votes:\n\n"
            f"{absolute_url(collab.get_absolute_url())}\n\n— The Crossover editors\n"
        )
    else:
        subject = f"About your nomination of “{collab.title}”"
        body = (
            f"Hi {member.public_name},\n\nThanks for nominating “{collab.title}”. An editor "
            "looked at it and decided not to add it to the catalogue this time (it may be "
            "there already, or not be a collab we cover).\n\n— The Crossover editors\n"
        )
    # Named as the site's other mail is ("[Crossover] …", allauth's prefix).
    queue_email(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body, to=[member.email]
    )
    return True
