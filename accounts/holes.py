"""The header's holes (core/caching.py): each viewer's own corner of every page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html

from comments.viewer import viewer_facts
from core.holes import render


def account(request, keys) -> dict[str, str]:
    """Log in and Sign up for visitors (back to the page: the key is its address,
    URL-encoded); a member's notifications, profile and Log out."""
    user = request.user
    if user.is_authenticated:
        facts = viewer_facts(request)
        context = {"unread_notification_count": facts.unread_notifications}
        html = render(request, "includes/account_nav.html", context)
        return dict.fromkeys(keys, html)
    login, signup = reverse("account_login"), reverse("account_signup")
    return {
        key: format_html(
            '<a class="btn btn-ghost btn-small" href="{}?next={}">Log in</a>\n'
            '<a class="btn btn-primary btn-small" href="{}">Sign up</a>',
            login,
            key,
            signup,
        )
        for key in keys
    }


def welcome(request, keys) -> dict[str, str]:
    """The home page's invitation to join, for visitors only."""
    if request.user.is_authenticated:
        return dict.fromkeys(keys, "")
    return dict.fromkeys(keys, render(request, "includes/welcome.html", {}))
