"""What a member owns in the catalogue (their votes): export, deletion, profile section.

Registered with accounts.extensions from CollabsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from accounts.extensions import ProfileSection
from collabs import services
from collabs.models import Collab, Vote

PROFILE_VOTES_SHOWN = 24


def export_votes(user) -> list[dict[str, Any]]:
    return [
        {"collab": vote.collab.title, "slug": vote.collab.slug, "voted_at": vote.created_at}
        for vote in Vote.objects.by(user).select_related("collab").order_by("created_at")
    ]


def delete_votes(user) -> None:
    services.votes_delete_for_member(user)


def voted_collabs_section(member, viewer) -> ProfileSection | None:
    """The collabs a member voted for, unless they hide them (they still see their own)."""
    is_self = getattr(viewer, "pk", None) == member.pk
    if member.hide_votes and not is_self:
        return None
    collabs = list(
        Collab.objects.published()
        .voted_by(member)
        .for_list(user=viewer)
        .order_by("-voted_at", "pk")[:PROFILE_VOTES_SHOWN]
    )
    return ProfileSection(
        order=20,
        template="collabs/profile_votes.html",
        context={"collabs": collabs, "hidden": member.hide_votes, "is_self": is_self},
    )
