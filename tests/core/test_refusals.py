"""Every kind of refusal, as a person meets it: in place under htmx, the site's page without JS.

Under htmx the page stays: the answer is a message for base.html's error region
(`#refusal`, role="alert") through HX-Retarget/HX-Reswap, or the view's own form or
button with its error, retargeted to itself. Without JS: the site's own page, with the
message, the navigation and a way back.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from comments import services
from comments.models import Comment
from config import urls as site_urls
from core import ratelimit
from tests.factories import MemberFactory, make_apt

HTMX = {"HX-Request": "true"}
REGION = {"HX-Retarget": "#refusal", "HX-Reswap": "innerHTML"}

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def region_answer(response) -> str:
    """The error region's message, after checking it is the region's answer."""
    assert response["HX-Retarget"] == REGION["HX-Retarget"]
    assert response["HX-Reswap"] == REGION["HX-Reswap"]
    assert "<html" not in response.text
    return html.unescape(re.search(r'<p class="refusal-text">(.*?)</p>', response.text).group(1))


def site_page(response) -> str:
    """A full page of the site's own, with its navigation."""
    assert '<nav class="main-nav" aria-label="Main">' in response.text
    return response.text


def error_page(response) -> str:
    """The site's error page: its navigation, and a way home."""
    assert 'href="/">Home page</a>' in site_page(response)
    return response.text


@pytest.fixture
def seasoned():
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def discussion(seasoned):
    apt, _ = make_apt()
    author = MemberFactory(date_joined=timezone.now() - timedelta(days=30))
    comment = services.comment_create(thread=apt.thread, author=author, body="APT. forever")
    return apt, author, comment


def test_every_page_has_the_empty_error_region(client, discussion):
    html = client.get("/collabs/apt/").text
    assert '<div class="refusal-region" id="refusal" role="alert" aria-live="assertive"></div>' in (
        html
    )


# 403 --------------------------------------------------------------------------------


def test_late_edit_under_htmx_keeps_the_page_and_says_why(discussion):
    apt, author, comment = discussion
    client = client_for(author)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.post(
            reverse("comments:edit", args=[comment.pk]), {"body": "Too late"}, headers=HTMX
        )
    assert response.status_code == 403
    assert region_answer(response) == "You can edit a comment for 15 minutes after posting it."
    comment.refresh_from_db()
    assert comment.body == "APT. forever"


def test_late_edit_url_without_js_is_the_sites_403_page(discussion):
    apt, author, comment = discussion
    client = client_for(author)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.get(
            reverse("comments:edit", args=[comment.pk]),
            headers={"Referer": "http://testserver/collabs/apt/"},
        )
    assert response.status_code == 403
    html = error_page(response)
    assert "You can edit a comment for 15 minutes after posting it." in html
    assert 'href="/collabs/apt/">Go back</a>' in html


@pytest.mark.parametrize(
    "referer",
    [
        "http://testserver//evil.example/x",
        "http://testserver/\\evil.example/",
        "https://evil.example/",
    ],
)
def test_go_back_never_leads_off_the_site(client, referer):
    response = client.get("/no/such/page/", headers={"Referer": referer})
    assert "evil.example" not in response.text
    assert "Go back" not in response.text


def test_someone_elses_comment_says_only_its_author(discussion, seasoned):
    _, _, comment = discussion
    response = client_for(seasoned).get(reverse("comments:edit", args=[comment.pk]), headers=HTMX)
    assert response.status_code == 403
    assert region_answer(response) == "Only its author can edit a comment."


def test_a_member_on_admin_gets_the_sites_403_page(seasoned):
    # /admin/ sends them to the admin's login, which refuses a logged-in non-editor.
    response = client_for(seasoned).get("/admin/", follow=True)
    assert response.status_code == 403
    assert "The back office is for Crossover&#x27;s editors" in error_page(response)


def test_csrf_failure_is_the_sites_page_and_under_htmx_the_region(discussion):
    apt, author, _ = discussion
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    url = reverse("comments:post", args=[apt.thread.pk])
    response = client.post(url, {"body": "Stale"})
    assert response.status_code == 403
    assert "This page was out of date" in error_page(response)
    assert "Go back, reload the page and try again." in response.text
    response = client.post(url, {"body": "Stale"}, headers=HTMX)
    assert response.status_code == 403
    assert region_answer(response).startswith("This page was out of date")
    assert not Comment.objects.filter(body="Stale").exists()


# 404 --------------------------------------------------------------------------------


def test_a_comment_removed_meanwhile_is_a_404_that_says_so(discussion, seasoned):
    _, _, comment = discussion
    like_url = reverse("comments:like", args=[comment.pk])
    Comment.objects.filter(pk=comment.pk).delete()
    client = client_for(seasoned)
    response = client.post(like_url, headers=HTMX)
    assert response.status_code == 404
    assert region_answer(response) == "That comment isn't there any more: it may have been removed."
    response = client.post(like_url)
    assert response.status_code == 404
    assert "That comment isn&#x27;t there any more" in error_page(response)


def test_an_unknown_address_is_the_sites_404_page_or_the_region(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing at this address." in error_page(response)
    response = client.get("/no/such/page/", headers=HTMX)
    assert response.status_code == 404
    assert region_answer(response).startswith("That isn't here any more")


def test_djangos_own_404_wording_is_not_shown(client):
    response = client.get(reverse("articles:detail", args=["no-such-article"]))
    assert response.status_code == 404
    assert "matches the given query" not in response.text


# 405 --------------------------------------------------------------------------------


def test_get_on_a_vote_url_is_a_page_with_the_way_to_the_collab(client, discussion):
    response = client.get(reverse("collabs:vote", args=["apt"]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = error_page(response)
    assert "for a button on the site" in html
    owner = '<a class="btn btn-primary" href="/collabs/apt/">Open the page this belongs to</a>'
    assert owner in html
    response = client.get(reverse("collabs:vote", args=["apt"]), headers=HTMX)
    assert response.status_code == 405
    assert "for a button on the site" in region_answer(response)


# 409 --------------------------------------------------------------------------------


def test_reply_after_the_thread_was_locked_keeps_the_form_with_the_reason(
    discussion, seasoned, editor
):
    apt, _, comment = discussion
    services.thread_lock(thread=apt.thread, editor=editor, reason="Heated")
    response = client_for(seasoned).post(
        reverse("comments:reply", args=[comment.pk]), {"body": "My reply"}, headers=HTMX
    )
    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("this", "outerHTML")
    assert re.search(
        r'role="alert"><p>This discussion is locked by the editors: no new comments or replies\.',
        response.text,
    )
    assert "My reply</textarea>" in response.text  # what they wrote is still there


def test_liking_a_comment_hidden_meanwhile_is_a_409_in_the_region(discussion, seasoned, editor):
    _, _, comment = discussion
    services.comment_hide(comment=comment, editor=editor, reason="Off-topic")
    response = client_for(seasoned).post(reverse("comments:like", args=[comment.pk]), headers=HTMX)
    assert response.status_code == 409
    assert region_answer(response) == "Only visible comments can be liked."


# 422 --------------------------------------------------------------------------------


def test_an_empty_edit_keeps_the_form_with_its_error(discussion):
    _, author, comment = discussion
    response = client_for(author).post(
        reverse("comments:edit", args=[comment.pk]), {"body": "   "}, headers=HTMX
    )
    assert response.status_code == 422
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("this", "outerHTML")
    assert re.search(
        r'<p class="error" id="[^"]+" role="alert">Write something first\.', response.text
    )


# 429 --------------------------------------------------------------------------------


def test_a_young_members_limit_says_it_is_a_first_day_rule(discussion):
    apt, _, _ = discussion
    young = MemberFactory(date_joined=timezone.now() - timedelta(hours=2))
    client = client_for(young)
    url = reverse("comments:post", args=[apt.thread.pk])
    for n in range(3):
        assert client.post(url, {"body": f"n{n}"}).status_code == 302
    response = client.post(url, {"body": "fourth"}, headers=HTMX)
    assert response.status_code == 429
    assert response["HX-Retarget"] == f"#comment-form-{apt.thread.pk}"
    assert re.search(
        r'role="alert"><p>New members can post 3 comments in 10 minutes during their first '
        r"day\. Please try again in \d+ minutes\.",
        response.text,
    )
    plain = client.post(url, {"body": "fourth"})
    assert plain.status_code == 429
    assert "during their first day" in site_page(plain)


def test_everyones_limit_says_the_rule(discussion, seasoned):
    apt, _, _ = discussion
    client = client_for(seasoned)
    url = reverse("comments:post", args=[apt.thread.pk])
    for n in range(5):
        client.post(url, {"body": f"n{n}"})
    response = client.post(url, {"body": "sixth"}, headers=HTMX)
    assert response.status_code == 429
    assert "You can post 5 comments a minute. Please try again in" in response.text
    assert "first day" not in response.text


def test_the_like_limit_shows_on_the_button_retargeted_to_itself(discussion, seasoned, settings):
    settings.CROSSOVER_LIMITS = {**settings.CROSSOVER_LIMITS, "likes": {"limit": 1, "period": 60}}
    _, _, comment = discussion
    client = client_for(seasoned)
    url = reverse("comments:like", args=[comment.pk])
    client.post(url)  # liked
    client.post(url)  # taken back: free
    # The like view shows its own refusal on the button, retargeted to itself.
    response = client.post(url, headers=HTMX)
    assert response.status_code == 429
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("this", "outerHTML")
    assert "You can like 1 comments a minute. Try again in" in response.text


def test_the_vote_limit_shows_on_the_vote_button(discussion, settings):
    settings.CROSSOVER_LIMITS = {
        **settings.CROSSOVER_LIMITS,
        "votes_young": {"limit": 1, "period": 3600},
    }
    client = client_for(MemberFactory(date_joined=timezone.now() - timedelta(hours=1)))
    url = reverse("collabs:vote", args=["apt"])
    assert client.post(url, headers=HTMX).status_code == 200
    response = client.post(url, headers=HTMX)
    assert response.status_code == 429
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#vote-apt", "outerHTML")
    assert '<p class="vote-message" role="status">' in response.text


# 503 --------------------------------------------------------------------------------

DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def test_a_like_while_the_limit_cache_is_down_is_a_503_in_the_region(
    discussion, seasoned, settings
):
    _, _, comment = discussion
    client = client_for(seasoned)
    settings.CACHES = DEAD_REDIS
    response = client.post(reverse("comments:like", args=[comment.pk]), headers=HTMX)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Nothing was saved" in region_answer(response)
    response = client.post(reverse("comments:like", args=[comment.pk]))
    assert response.status_code == 503
    assert "Nothing was saved" in error_page(response)


# 400, 500 and refusals the views answer bare ----------------------------------------------


def bad_request_view(request):
    raise BadRequest("That date isn't a date.")


def failing_view(request):
    raise RuntimeError("boom")


def bare_conflict_view(request):
    return HttpResponse("<b>raw</b>", status=409)


@ratelimit.limit("test-refusal", limit=1, period=60)
def limited_view(request):
    return HttpResponse("done")


urlpatterns = [
    path("test/limited/", limited_view),
    path("test/bad/", bad_request_view),
    path("test/boom/", failing_view),
    path("test/bare/", bare_conflict_view),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.mark.urls(__name__)
def test_a_rate_limit_raised_in_any_view_goes_to_the_region_under_htmx(client, seasoned):
    client.force_login(seasoned)
    assert client.post("/test/limited/", headers=HTMX).status_code == 200
    response = client.post("/test/limited/", headers=HTMX)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Up to two minutes: in a minute's first second the wait rounds up to "2 minutes".
    assert re.fullmatch(
        r"You have done that too many times in a short while\. Try again in \d+ "
        r"(seconds?|minutes)\.",
        region_answer(response),
    )
    response = client.post("/test/limited/")
    assert response.status_code == 429
    assert "Slow down a little" in error_page(response)


@pytest.mark.urls(__name__)
def test_400_is_the_sites_page_or_the_region(client):
    response = client.get("/test/bad/")
    assert response.status_code == 400
    assert "That date isn&#x27;t a date." in error_page(response)
    response = client.get("/test/bad/", headers=HTMX)
    assert region_answer(response) == "That date isn't a date."


@pytest.mark.urls(__name__)
def test_500_stands_alone_without_the_database(client, django_assert_num_queries):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/test/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in error_page(response)
    assert "<script" not in response.text
    response = client.get("/test/boom/", headers=HTMX)
    assert response.status_code == 500
    assert region_answer(response).startswith("Something went wrong on our side.")


@pytest.mark.urls(__name__)
def test_a_bare_refusal_under_htmx_gets_the_regions_default_message(client):
    response = client.get("/test/bare/", headers=HTMX)
    assert response.status_code == 409
    assert region_answer(response).startswith("That changed while you were looking at it.")
    # Without htmx a refusal with a body of its own is left as the view wrote it.
    assert client.get("/test/bare/").text == "<b>raw</b>"


def test_boosted_and_history_requests_get_whole_pages(client):
    for headers in ({**HTMX, "HX-Boosted": "true"}, {**HTMX, "HX-History-Restore-Request": "true"}):
        response = client.get("/no/such/page/", headers=headers)
        assert response.status_code == 404
        assert "HX-Retarget" not in response
        site_page(response)


# Delete, with and without JavaScript --------------------------------------------------------


def test_delete_without_js_asks_first_on_a_page_of_its_own(discussion):
    apt, author, comment = discussion
    client = client_for(author)
    page = client.get(reverse("comments:delete", args=[comment.pk]))
    assert page.status_code == 200
    html = site_page(page)
    assert "<h1>Delete this comment?</h1>" in html
    assert "APT. forever" in html
    assert re.search(
        rf'<form class="delete-form" id="delete-form-{comment.pk}" method="post" '
        rf'action="/comments/{comment.pk}/delete/">',
        html,
    )
    assert f'href="/collabs/apt/#comment-{comment.pk}">Cancel</a>' in html
    comment.refresh_from_db()
    assert comment.state == Comment.State.VISIBLE  # asking deletes nothing
    assert client.post(reverse("comments:delete", args=[comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.state == Comment.State.DELETED


def test_the_delete_button_asks_with_htmx_and_without_js_opens_the_question(discussion):
    apt, author, comment = discussion
    html = client_for(author).get("/collabs/apt/").text
    form = re.search(r'<form class="inline-form" method="get"[^>]*>', html, re.S).group(0)
    assert f'action="/comments/{comment.pk}/delete/"' in form
    assert f'hx-post="/comments/{comment.pk}/delete/"' in form
    assert 'hx-confirm="Delete this comment? This can\'t be undone."' in form


def test_only_the_author_may_see_the_delete_question(discussion, seasoned):
    _, _, comment = discussion
    response = client_for(seasoned).get(reverse("comments:delete", args=[comment.pk]))
    assert response.status_code == 403
    assert "Only its author can delete a comment." in error_page(response)
