"""What a member owns in the catalogue (their votes): export, deletion, profile section.

Registered with accounts.extensions from CollabsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from accounts.extensions import ProfileSection
from collabs import services
from collabs.models import Collab, Vote
from core.sql import column, placeholders

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


def live_ranks(request, slugs: list[str], known: dict) -> dict[str, int]:
    """Published collabs' ranks in /top/, as their pages show them (the view computed
    its collab's under the same key, so a fresh page costs no query more)."""
    from core.page_cache import cached

    def rank(slug: str) -> int | str:
        def produce():
            if slug in known:
                return known[slug]
            ranks = Collab.objects.published().filter(slug=slug).with_rank()
            return ranks.values_list("rank", flat=True).first() or "?"

        return cached(request, f"rank:{slug}", produce, local=True)

    return {slug: rank(slug) for slug in slugs}


def live_vote_counts(request, ids: list[str], known: dict) -> dict[str, int]:
    """Collabs' vote counts now, for every card and vote button on a cached page."""
    from core.page_cache import live_column

    return live_column(request, Collab, "vote_count", ids, known)


def voted_slot_state(request, keys) -> dict[int, bool]:
    """For core.viewer_slots: which of these collabs (ids) have the member's vote."""
    keys = list(keys)
    voted = column(
        f"SELECT collab_id FROM {Vote._meta.db_table}"
        f" WHERE user_id = %s AND collab_id IN ({placeholders(keys)})",
        [request.user.pk, *keys],
    )
    return {pk: pk in voted for pk in keys}
