"""The "latest comments" block on a member's public profile."""

from __future__ import annotations

from accounts.extensions import ProfileSection
from comments.models import Comment

PROFILE_COMMENTS = 5


def latest_comments_section(member, viewer) -> ProfileSection | None:
    """One query: the member's latest visible comments with their threads."""
    comments = Comment.objects.visible().by_author(member).latest_for_home(PROFILE_COMMENTS)
    if not comments:
        return None
    return ProfileSection(
        order=20, template="comments/profile_section.html", context={"comments": comments}
    )
