"""The header's holes (core/caching.py): each viewer's own corner of every page."""

from __future__ import annotations

from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html

from comments.viewer import viewer_facts
from core.caching import kept_in_process
from core.holes import TOKEN, token


def account(request, keys) -> dict[str, str]:
    """Log in and Sign up for visitors (back to the page: the key is its address,
    URL-encoded); a member's notifications, profile and Log out."""
    user = request.user
    if user.is_authenticated:
        unread = viewer_facts(request).unread_notifications
        avatar = user.avatar.name if user.avatar else ""
        html = _member_corner(user.pk, user.username, user.public_name, avatar, unread)
        return dict.fromkeys(keys, html.replace(TOKEN, token(request)))
    return {key: _visitor_corner(key) for key in keys}


@kept_in_process(maxsize=4096)
def _visitor_corner(back: str) -> str:
    """Log in (coming back to `back`, URL-encoded already) and Sign up."""
    return format_html(
        '<a class="btn btn-ghost btn-small" href="{}?next={}">Log in</a>\n'
        '<a class="btn btn-primary btn-small" href="{}">Sign up</a>',
        reverse("account_login"),
        back,
        reverse("account_signup"),
    )


@kept_in_process(maxsize=4096)
def _member_corner(pk: int, username: str, name: str, avatar: str, unread: int) -> str:
    """A member's corner for these facts, rendered once per process (their CSRF token,
    for Log out, goes in afterwards)."""
    from accounts.models import User

    user = User(pk=pk, username=username, display_name=name, avatar=avatar)
    context = {"user": user, "unread_notification_count": unread, "csrf_token": TOKEN}
    return get_template("includes/account_nav.html").render(context)


def welcome(request, keys) -> dict[str, str]:
    """The home page's invitation to join, for visitors only."""
    if request.user.is_authenticated:
        return dict.fromkeys(keys, "")
    return dict.fromkeys(keys, _welcome())


@kept_in_process(maxsize=1)
def _welcome() -> str:
    return get_template("includes/welcome.html").render({})
