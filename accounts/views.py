"""Profile pages, profile edit, data export and account deletion."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import extensions, services
from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.models import User

logger = logging.getLogger(__name__)

STORAGE_FAILED = (
    "We could not store your new avatar just now, so nothing was changed. Please try again later."
)


@require_GET
def profile(request: HttpRequest, username: str) -> HttpResponse:
    if "\x00" in username:  # no username has one, and PostgreSQL cannot compare it
        raise Http404("No such member.")
    # Through the look-alike key: "EDITOR", "ｅｄｉｔｏｒ" and "edıtor" find the one member
    # whose name they look like (the key is unique), and are sent to the canonical URL.
    member = get_object_or_404(User.objects.by_username(username).filter(is_active=True))
    if member.username != username:
        return redirect(member, permanent=True)
    sections = [
        section
        for provider in extensions.profile_sections
        if (section := provider(member, request.user)) is not None
    ]
    sections.sort(key=lambda s: s.order)
    return render(request, "accounts/profile.html", {"member": member, "sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.profile_update(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    bio=form.cleaned_data["bio"],
                    hide_votes=form.cleaned_data["hide_votes"],
                    email_notifications=form.cleaned_data["email_notifications"],
                    avatar=form.cleaned_data["avatar"],
                    remove_avatar=form.cleaned_data["remove_avatar"],
                )
            except OSError:
                # Media storage failed (disk full, unreachable): nothing was saved.
                logger.exception("could not store an avatar")
                form.add_error(None, STORAGE_FAILED)
                status = 503
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:profile_edit")
        else:
            # A refused avatar or name: the form again, with what is wrong, and a status
            # that says so to scripts and htmx alike.
            status = 422
        # A refused form must not leave half-applied changes on the request's user.
        user.refresh_from_db()
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = services.user_export(user=request.user)
    filename = f"crossover-{request.user.username}-{timezone.now():%Y%m%d}.json"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, "Your account has been deleted. Thank you for being here.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
