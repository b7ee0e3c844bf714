"""Nominations: the per-member limits (issue 12 item 5) and the editors' decisions (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collabs import services
from collabs.models import LISTEN_LABEL, Collab, CollabStatus, ListeningLink, listening_label
from collabs.services import CreditSpec
from comments.models import Thread
from tests.collabs.conftest import make_artist
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOMINATE = reverse("collabs:nominate")


def _form(n: int = 0, **overrides) -> dict:
    return {
        "title": f"Song {n}",
        "artists": "Somebody & Someone",
        "release_date": "2024-05-10",
        "link": f"https://open.spotify.com/track/{n}",
        "note": "",
        **overrides,
    }


def _nominate(member, n: int = 0) -> Collab:
    return services.collab_nominate(
        user=member,
        title=f"Song {n}",
        artists="Somebody",
        release_date=date(2024, 1, 1),
        link="https://www.youtube.com/watch?v=abc",
    )


@pytest.fixture
def nominator(db):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=60))


@pytest.fixture
def nominator_client(nominator):
    client = Client()
    client.force_login(nominator)
    return client


# Limits -------------------------------------------------------------------------------


def test_the_sixth_nomination_in_an_hour_gets_the_429_page(nominator, nominator_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(5):
            response = nominator_client.post(NOMINATE, _form(n))
            assert response.status_code == 302, n
            clock.shift(timedelta(minutes=1))
        # The first of the five was 5 minutes ago: it leaves the hour in 55 minutes.
        response = nominator_client.post(NOMINATE, _form(5))
    assert response.status_code == 429
    assert response["Retry-After"] == str(55 * 60)
    page = response.content.decode()
    assert "Slow down a little" in page  # the site's 429 page (templates/429.html)
    assert "You can nominate 5 collabs an hour and 20 a day." in page
    assert "Try again in 55 minutes." in page
    assert Collab.objects.filter(nominated_by=nominator).count() == 5
    assert Thread.objects.count() == 5


def test_the_same_refusal_under_htmx(nominator, nominator_client):
    for n in range(5):
        _nominate(nominator, n)
    response = nominator_client.post(NOMINATE, _form(9), headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 3500
    assert "You can nominate 5 collabs an hour" in response.content.decode()
    assert Collab.objects.count() == 5


def test_an_hour_later_the_member_may_nominate_again(nominator, nominator_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(5):
            _nominate(nominator, n)
        clock.shift(timedelta(minutes=59, seconds=59))
        assert nominator_client.post(NOMINATE, _form(5)).status_code == 429
        clock.shift(timedelta(seconds=2))
        assert nominator_client.post(NOMINATE, _form(6)).status_code == 302
    assert Collab.objects.count() == 6


def test_twenty_a_day(nominator, nominator_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(20):
            _nominate(nominator, n)
            clock.shift(timedelta(minutes=13))  # under 5 in any hour
        # 20 in the last 4 h 20 min; the first leaves the day at start + 24 h.
        now = start + timedelta(minutes=13 * 20)
        response = nominator_client.post(NOMINATE, _form(20))
        assert response.status_code == 429
        assert int(response["Retry-After"]) == int(
            (start + timedelta(days=1) - now).total_seconds()
        )
        assert "Try again in 20 hours." in response.content.decode()
        clock.move_to(start + timedelta(days=1, seconds=1))
        assert nominator_client.post(NOMINATE, _form(21)).status_code == 302
    assert Collab.objects.count() == 21


def test_limits_are_per_member(nominator, nominator_client):
    for n in range(5):
        _nominate(nominator, n)
    other = MemberFactory()
    assert services.collab_nominate(
        user=other, title="Mine", artists="A", release_date=date(2024, 1, 1), link=""
    )
    with pytest.raises(services.RateLimited):
        _nominate(nominator, 6)


def test_limits_come_from_settings(nominator, settings):
    settings.CROSSOVER_LIMITS = {
        **settings.CROSSOVER_LIMITS,
        "nominations": {"limit": 2, "period": 600},
    }
    _nominate(nominator, 0)
    _nominate(nominator, 1)
    with pytest.raises(services.RateLimited) as refused:
        _nominate(nominator, 2)
    assert "You can nominate 2 collabs in 10 minutes" in refused.value.message


# Approving needs credits ----------------------------------------------------------------


def _approve(client, *collabs):
    return client.post(
        reverse("admin:collabs_collab_changelist"),
        {"action": "approve", "_selected_action": [c.pk for c in collabs]},
        follow=True,
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def test_approving_a_nomination_without_credits_is_refused(editor, nominator, mailoutbox):
    collab = _nominate(nominator)
    response = _approve(_editor_client(editor), collab)
    assert _messages(response) == [
        "“Song 0” has no credits yet: add its artists under Credits on its page, then "
        "approve it. Nothing was published."
    ]
    collab.refresh_from_db()
    assert collab.status == CollabStatus.NOMINATED
    assert not Thread.objects.get(pk=collab.thread_id).is_public
    assert mailoutbox == []
    assert Client().get(collab.get_absolute_url()).status_code == 404


def test_a_mixed_selection_changes_nothing_and_names_the_uncredited(editor, nominator):
    credited, bare, bare_too = (_nominate(nominator, n) for n in range(3))
    services.collab_credits_set(collab=credited, credits=[CreditSpec(artist=make_artist("A"))])
    response = _approve(_editor_client(editor), credited, bare, bare_too)
    assert _messages(response) == [
        "“Song 1” and “Song 2” have no credits yet: add their artists under Credits on each "
        "one's page, then approve them. Nothing was published."
    ]
    assert set(Collab.objects.values_list("status", flat=True)) == {CollabStatus.NOMINATED}


def test_the_service_refuses_too(nominator):
    collab = _nominate(nominator)
    with pytest.raises(services.NominationRefused):
        services.nominations_decide(collabs=[collab], approve=True)
    collab.refresh_from_db()
    assert collab.status == CollabStatus.NOMINATED


def test_publishing_without_credits_in_the_change_form_is_refused(editor, nominator):
    collab = _nominate(nominator)
    data = {
        "title": collab.title,
        "slug": collab.slug,
        "release_date": "2024-01-01",
        "status": CollabStatus.PUBLISHED,
        "description": "",
        "nominated_artists": "Somebody",
        "nomination_note": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    client = _editor_client(editor)
    response = client.post(reverse("admin:collabs_collab_change", args=[collab.pk]), data)
    assert response.status_code == 200
    assert "A published collab needs its credits" in response.content.decode()
    collab.refresh_from_db()
    assert collab.status == CollabStatus.NOMINATED
    # With a credit it publishes, and its discussion opens with it.
    artist = make_artist("Somebody")
    data.update({
        "credits-TOTAL_FORMS": "1", "credits-0-position": "0",
        "credits-0-artist": str(artist.pk), "credits-0-role": "lead",
    })  # fmt: skip
    response = client.post(reverse("admin:collabs_collab_change", args=[collab.pk]), data)
    assert response.status_code == 302
    collab.refresh_from_db()
    assert collab.status == CollabStatus.PUBLISHED
    assert Thread.objects.get(pk=collab.thread_id).is_public


# Admin messages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how_many", "action", "message"),
    [
        (1, "approve", "1 nomination published."),
        (3, "approve", "3 nominations published."),
        (1, "reject", "1 nomination rejected."),
        (2, "reject", "2 nominations rejected."),
    ],
)
def test_admin_messages_say_singular_or_plural(editor, nominator, how_many, action, message):
    collabs = [_nominate(nominator, n) for n in range(how_many)]
    for collab in collabs:
        services.collab_credits_set(collab=collab, credits=[CreditSpec(artist=make_artist("A"))])
    response = _editor_client(editor).post(
        reverse("admin:collabs_collab_changelist"),
        {"action": action, "_selected_action": [c.pk for c in collabs]},
        follow=True,
    )
    assert _messages(response) == [message]


def test_deciding_nothing_says_so(editor, nominator):
    collab = _nominate(nominator)
    services.nominations_decide(collabs=[collab], approve=False)
    response = _editor_client(editor).post(
        reverse("admin:collabs_collab_changelist"),
        {"action": "reject", "_selected_action": [collab.pk]},
        follow=True,
    )
    assert _messages(response) == [
        "None of the selected collabs was waiting for a decision: nothing changed."
    ]


# The email and the published page ---------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False])
def test_the_decision_email_names_the_site(
    nominator, mailoutbox, django_capture_on_commit_callbacks, approve
):
    collab = _nominate(nominator)
    services.collab_credits_set(collab=collab, credits=[CreditSpec(artist=make_artist("A"))])
    with django_capture_on_commit_callbacks(execute=True):
        services.nominations_decide(collabs=[collab], approve=approve)
    [mail] = mailoutbox
    expected = (
        "[Crossover] “Song 0” is in the Crossover catalogue"
        if approve
        else "[Crossover] About your nomination of “Song 0”"
    )
    assert mail.subject == expected
    assert mail.to == [nominator.email]


def test_an_approved_nomination_looks_like_any_collab(nominator, editor):
    collab = _nominate(nominator)
    services.collab_credits_set(
        collab=collab,
        credits=[
            CreditSpec(artist=make_artist("Rosé"), join_phrase=" & "),
            CreditSpec(artist=make_artist("Bruno Mars", country="US")),
        ],
    )
    _approve(_editor_client(editor), collab)
    page = Client().get(collab.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rosé &amp; Bruno Mars" in html
    assert "Nominated link" not in html
    assert "▶ YouTube" in html


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://www.youtube.com/watch?v=x", "YouTube"),
        ("https://youtu.be/x", "YouTube"),
        ("https://music.youtube.com/watch?v=x", "YouTube Music"),
        ("https://open.spotify.com/track/x", "Spotify"),
        ("https://music.apple.com/kr/album/x", "Apple Music"),
        ("https://www.melon.com/song/x", "Melon"),
        ("https://soundcloud.com/x", "SoundCloud"),
        ("https://notyoutube.com/x", LISTEN_LABEL),
        ("https://youtube.com.evil.example/x", LISTEN_LABEL),
        ("https://example.com/song", LISTEN_LABEL),
        ("https://[", LISTEN_LABEL),
        ("", LISTEN_LABEL),
    ],
)
def test_a_nominated_link_is_labelled_by_its_service(url, label):
    assert listening_label(url) == label


def test_the_nomination_stores_its_link_with_that_label(nominator, nominator_client):
    assert nominator_client.post(NOMINATE, _form(1)).status_code == 302
    link = ListeningLink.objects.get()
    assert (link.label, link.url) == ("Spotify", "https://open.spotify.com/track/1")


def test_old_nominated_links_are_relabelled_by_the_migration(nominator):
    from importlib import import_module

    from django.apps import apps

    collab = _nominate(nominator)
    ListeningLink.objects.filter(collab=collab).update(label="Nominated link")
    import_module("collabs.migrations.0004_label_nominated_links_by_service").relabel(apps, None)
    assert ListeningLink.objects.get(collab=collab).label == "YouTube"


def test_hostile_nominations_never_5xx(nominator_client):
    for form in [
        _form(title="x" * 10_000),
        _form(title="\x00"),
        _form(title="\u202eevil"),
        _form(link="javascript:alert(1)"),
        _form(link="http://example.com/"),
        _form(release_date="99999999-01-01"),
    ]:
        response = nominator_client.post(NOMINATE, form)
        assert response.status_code in (200, 302, 422), form
    with pytest.raises(ValidationError):
        ListeningLink(label="x", url="javascript:alert(1)").full_clean(exclude=["collab"])


def test_the_form_says_when_the_member_is_over_the_limit(nominator, nominator_client):
    page = nominator_client.get(NOMINATE).content.decode()
    assert "You can nominate" not in page
    for n in range(5):
        _nominate(nominator, n)
    page = nominator_client.get(NOMINATE).content.decode()
    assert "You can nominate 5 collabs an hour and 20 a day. Try again in 60 minutes." in page


@pytest.mark.parametrize("field", ["title", "artists"], ids=["title", "artists"])
@pytest.mark.parametrize(
    "value",
    ["Song\nTwo", "Song\r\nTwo", "Song\u2028Two", "Song\x85Two", "\u202eowT gnoS"],
    ids=["newline", "crlf", "line-separator", "next-line", "rtl-override"],
)
def test_a_title_or_credit_line_on_several_lines_is_refused(nominator_client, field, value):
    """A line break in a nominated title went into the decision email's subject, where it
    made every sending attempt fail: the member never heard what the editors decided."""
    response = nominator_client.post(reverse("collabs:nominate"), _form(**{field: value}))
    assert response.status_code == 200
    assert "can only be one line of text" in response.text
    assert not Collab.objects.exists()


def test_the_decision_email_goes_even_for_a_title_with_a_line_break(
    nominator, mailoutbox, django_capture_on_commit_callbacks
):
    """A title written before the rule (or by an editor in the admin) still mails."""
    collab = _nominate(nominator)
    Collab.objects.filter(pk=collab.pk).update(title="Song\nTwo")
    with django_capture_on_commit_callbacks(execute=True):
        services.nominations_decide(collabs=[collab], approve=False)
    [mail] = mailoutbox
    assert mail.subject == "[Crossover] About your nomination of “Song Two”"
