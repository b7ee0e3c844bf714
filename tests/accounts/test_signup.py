"""Sign-up, email confirmation, log in by username or email, log out."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.access import verified_member_required
from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-and-unusual-passphrase-42"


def sign_up(client, username="newfan", email="newfan@example.com"):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def confirmation_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_sign_up_confirm_log_in_log_out(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(username="newfan")
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox[0].to == ["newfan@example.com"]

    link = confirmation_link()
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session

    for login in ("newfan", "NewFan", "newfan@example.com"):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.session["_auth_user_id"] == str(user.pk)
        client.post(reverse("account_logout"))
        assert "_auth_user_id" not in client.session


def test_unverified_member_cannot_log_in(client):
    sign_up(client)
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": "newfan", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_username_is_unique_whatever_its_case(client, member):
    response = sign_up(client, username=member.username.upper(), email="other@example.com")
    assert response.status_code == 200
    assert b"already taken" in response.content or b"already exists" in response.content
    assert User.objects.filter(username__iexact=member.username).count() == 1


def test_email_is_unique(client, member):
    sign_up(client, username="someoneelse", email=member.email.upper())
    assert not User.objects.filter(username="someoneelse").exists()


def test_database_refuses_case_variant_usernames(member):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username=member.username.upper(), email="x@example.com")


def test_unverified_member_is_refused_member_only_actions(user, member, client):
    @verified_member_required
    def vote(request):
        return HttpResponse("voted")

    factory = RequestFactory()
    request = factory.post("/collabs/apt/vote/")
    request.user = user
    request.htmx = False
    response = vote(request)
    assert response.status_code == 403
    assert b"Verify your email first" in response.content

    request.user = member
    assert vote(request).status_code == 200


def test_visitor_is_sent_to_log_in_and_back(client, db):
    from django.contrib.auth.models import AnonymousUser

    @verified_member_required
    def vote(request):
        return HttpResponse("voted")

    request = RequestFactory().post("/collabs/apt/vote/", {"next": "/collabs/apt/"})
    request.user = AnonymousUser()
    request.htmx = False
    response = vote(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/collabs/apt/"

    request = RequestFactory().post(
        "/collabs/apt/vote/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/top/"},
    )
    request.user = AnonymousUser()
    request.htmx = True
    response = vote(request)
    assert response["HX-Redirect"] == "/accounts/login/?next=/top/"


def test_foreign_next_is_ignored(db):
    from django.contrib.auth.models import AnonymousUser

    @verified_member_required
    def vote(request):
        return HttpResponse("voted")

    request = RequestFactory().post("/collabs/apt/vote/", {"next": "https://evil.example/"})
    request.user = AnonymousUser()
    request.htmx = False
    assert "evil" not in vote(request)["Location"]


@pytest.mark.parametrize(
    "foreign",
    ["http://testserver//evil.example/x", "http://testserver/\\evil.example/", "/\\evil.example/"],
)
@pytest.mark.parametrize("where", ["next", "Referer"])
def test_a_same_host_url_with_a_foreign_path_is_not_the_way_back(client, user, foreign, where):
    """'https://this-site//evil.example/' names this host, but its path alone, used as the
    way back, is '//evil.example/': another site. Neither the verify page's Back link nor
    the log-in redirect's next may lead there."""
    import html

    client.force_login(user)
    if where == "next":
        response = client.get(reverse("notifications"), {"next": foreign})
    else:
        response = client.get(reverse("notifications"), headers={"Referer": foreign})
    assert response.status_code == 403
    back = re.findall(r'href="([^"]*)">Back', response.text)
    assert back, "the verify page offers a way back"
    assert all(html.unescape(href).startswith("/") for href in back)
    assert not any(html.unescape(href).replace("\\", "/").startswith("//") for href in back)

    client.logout()
    request_kwargs = {"data": {"next": foreign}} if where == "next" else {}
    if where == "Referer":
        request_kwargs["headers"] = {"Referer": foreign}
    response = client.post("/collabs/apt/vote/", **request_kwargs)
    assert response.status_code == 302
    login_next = response["Location"].split("next=", 1)[1]
    assert not login_next.startswith(("//", "/%5C", "/\\"))


def test_auth_pages_use_the_site_layout(client, db):
    for name in ("account_login", "account_signup", "account_reset_password"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b'class="site-header"' in response.content
        assert b"auth-card" in response.content


def test_password_reset_sends_mail(client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_member_can_manage_emails_and_set_up_totp(member_client):
    response = member_client.get(reverse("account_email"))
    assert response.status_code == 200
    assert b"settings-nav" in response.content
    response = member_client.get(reverse("mfa_activate_totp"))
    assert response.status_code in {200, 302}
    if response.status_code == 302:  # allauth asks for the password again first
        assert "reauthenticate" in response["Location"]
    assert member_client.get(reverse("mfa_index")).status_code == 200


def test_unverified_member_using_htmx_is_sent_to_the_verify_page(user, client):
    @verified_member_required
    def vote(request):
        return HttpResponse("voted")

    request = RequestFactory().post(
        "/collabs/apt/vote/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/collabs/apt/"},
    )
    request.user = user
    request.htmx = True
    response = vote(request)
    assert response["HX-Redirect"] == "/accounts/verify-first/?next=%2Fcollabs%2Fapt%2F"
    page = client.get(response["HX-Redirect"])
    assert page.status_code == 403
    assert b"Verify your email first" in page.content
