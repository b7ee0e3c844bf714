"""Pages: catalogue (full and htmx), collab, artist, leaderboards, home, voting, nominations."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from collabs import services
from collabs.models import Collab, CollabStatus, Genre, Vote, hot_term
from comments.models import Thread
from tests.collabs.conftest import make_artist, make_collab
from tests.factories import MemberFactory, UserFactory
from tests.queries import cold_fresh_cached

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _slugs(response) -> list[str]:
    """Collab slugs in the order their cards appear."""
    html = response.content.decode()
    return re.findall(r'<h3 class="collab-card-title"><a href="/collabs/([^/]+)/"', html)


# Catalogue --------------------------------------------------------------------


def test_the_catalogue_lists_published_collabs(client, catalogue):
    response = client.get(reverse("collabs:list"))
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    # Twelve a page: the demo catalogue takes two.
    second = client.get(reverse("collabs:list"), {"page": 2})
    assert len(_slugs(response)) == 12
    assert sorted(_slugs(response) + _slugs(second)) == sorted(catalogue)
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_only_the_results_partial(client, catalogue):
    response = client.get(reverse("collabs:list"), {"q": "BTS"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<section id="results"')
    # BTS and its members: SUGA on IU's "Eight", Jimin on Taeyang's "VIBE".
    assert sorted(_slugs(response)) == ["best-of-me", "eight", "killin-it-girl",
                                        "mic-drop-steve-aoki-remix", "vibe",
                                        "waste-it-on-me"]  # fmt: skip
    assert "HX-Request" in response["Vary"]


def test_filters_and_page_links_target_the_results_and_push_the_url(client, catalogue):
    html = client.get(reverse("collabs:list")).content.decode()
    form = re.search(r'<form class="catalogue-filters[^>]*>', html, re.S).group(0)
    assert 'method="get"' in form and 'action="/collabs/"' in form
    assert 'hx-get="/collabs/"' in form and 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form
    # The selects are rendered in Python (collabs.forms.QuickSelect): markup, not text.
    assert '<label for="id_year">Year</label><select id="id_year" name="year">' in html
    assert '<option value="edm">EDM</option>' in html and "&lt;select" not in html
    assert "hx-on" not in html and " style=" not in html
    # Only the artist filter is labelled "Artist…": the crossover box's note describes it.
    assert '<label for="id_crossover">Crossovers only</label>' in html
    assert 'aria-describedby="id_crossover_helptext"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2020"}, {"sour-candy", "ice-cream", "eight"}),
        ({"year": "2017", "genre": "edm"}, {"best-of-me", "mic-drop-steve-aoki-remix"}),
        ({"genre": "hip-hop"}, {"5-4-3-pretty-woman", "killin-it-girl",
                                "mic-drop-steve-aoki-remix"}),
        ({"artist": "rose"}, {"apt", "sour-candy", "ice-cream"}),
        ({"artist": "blackpink"}, {"apt", "eyes-closed", "sour-candy", "ice-cream"}),
        ({"artist": "steve-aoki"}, {"mic-drop-steve-aoki-remix", "waste-it-on-me"}),
        ({"q": "로제"}, {"apt"}),
        ({"q": "Roseanne Park"}, {"apt"}),
        ({"q": "rosé"}, {"apt"}),
        ({"q": "candy"}, {"sour-candy"}),
        ({"q": "nothing like this"}, set()),
        # Nonsense values are ignored rather than failing the page.
        ({"year": "abc", "genre": "no-such-genre", "sort": "sideways"}, "all"),
    ],
)  # fmt: skip
def test_catalogue_filters(client, catalogue, params, expected):
    response = client.get(reverse("collabs:list"), params)
    assert response.status_code == 200
    found = set(_slugs(response)) | set(
        _slugs(client.get(reverse("collabs:list"), {**params, "page": 2}))
    )
    assert found == (set(catalogue) if expected == "all" else expected)


def _artist_select(response) -> str:
    html = response.content.decode()
    return re.search(r'<select[^>]* id="id_artist" name="artist">.*?</select>', html, re.S).group(0)


def _artist_options(response) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', _artist_select(response))


@pytest.fixture
def charts(db, monkeypatch):
    """Four artists with 4, 3, 2 and 1 collabs, and an artist filter listing the top two."""
    monkeypatch.setattr("collabs.views.FILTER_ARTISTS", 2)
    made = {}
    for name, collabs in [("Most Loved", 4), ("Busy Bee", 3), ("Midlist", 2), ("Far Down", 1)]:
        artist = make_artist(name)
        for i in range(collabs):
            collab = make_collab(f"{name} song {i}", (artist,))
            made[collab.slug] = collab
    return made


def test_the_artist_filter_lists_the_most_credited_artists_by_name(client, charts):
    response = client.get(reverse("collabs:list"))
    html = response.content.decode()
    assert '<label for="id_artist">Artist</label>' in html
    assert _artist_options(response) == ["", "busy-bee", "most-loved"]
    assert '<option value="" selected>Any artist</option>' in _artist_select(response)
    # Everyone else is one search away, and the filter says so.
    assert 'aria-describedby="id_artist_helptext"' in _artist_select(response)
    assert (
        'id="id_artist_helptext">The Artist list has those with the most collabs; '
        "Search finds every artist.</p>"
    ) in html
    assert set(_slugs(client.get(reverse("collabs:list"), {"q": "far down"}))) == {
        "far-down-song-0"
    }


def test_an_artist_outside_the_list_filters_and_shows_as_chosen(client, charts):
    response = client.get(reverse("collabs:list"), {"artist": "far-down"})
    assert _slugs(response) == ["far-down-song-0"]
    assert _artist_options(response) == ["", "busy-bee", "far-down", "most-loved"]
    assert '<option value="far-down" selected>Far Down</option>' in _artist_select(response)
    assert "aria-invalid" not in _artist_select(response)


@pytest.mark.parametrize("asked", ["Far Down", "far down", "FAR DOWN", " far-down "])
def test_an_artist_can_be_asked_for_by_name(client, charts, asked):
    response = client.get(reverse("collabs:list"), {"artist": asked})
    assert _slugs(response) == ["far-down-song-0"]
    assert '<option value="far-down" selected>Far Down</option>' in _artist_select(response)
    # The links and the pushed URL name the artist by slug.
    partial = client.get(reverse("collabs:list"), {"artist": asked}, headers=HX)
    assert partial["HX-Push-Url"] == "/collabs/?artist=far-down"


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("nobody", "No artist “nobody” in the catalogue, so every artist is shown."),
        ("<b>x</b>", "No artist “&lt;b&gt;x&lt;/b&gt;” in the catalogue"),
        ("x" * 500, "No artist has a name that long, so every artist is shown."),
    ],
)
def test_an_unknown_artist_is_said_so_and_every_collab_shown(client, charts, asked, message):
    response = client.get(reverse("collabs:list"), {"artist": asked})
    assert response.status_code == 200
    assert set(_slugs(response)) == set(charts)
    html = response.content.decode()
    assert f'<p class="error filter-note" id="id_artist_error">{message}' in html
    select = _artist_select(response)
    assert 'aria-invalid="true"' in select
    assert 'aria-describedby="id_artist_helptext id_artist_error"' in select
    assert " selected>" not in select  # so the browser shows the first: "Any artist"
    # In place, too: the results come back whole rather than an error.
    partial = client.get(reverse("collabs:list"), {"artist": asked}, headers=HX)
    assert partial.status_code == 200 and set(_slugs(partial)) == set(charts)
    assert partial["HX-Push-Url"] == "/collabs/"


def test_the_catalogue_does_not_grow_with_the_number_of_artists(client, monkeypatch, db):
    """Thousands of artists used to mean thousands of <option>s on every catalogue page."""
    monkeypatch.setattr("collabs.views.FILTER_ARTISTS", 5)
    shared = make_artist("Everywhere")

    def options_with(artists: int) -> int:
        while Collab.objects.count() < artists:
            guest = make_artist(f"Guest {Collab.objects.count()}", country="US")
            make_collab(f"Song {guest.pk}", (shared, " & "), (guest,))
        return client.get(reverse("collabs:list")).content.decode().count("<option")

    assert options_with(6) == options_with(40)
    assert len(_artist_options(client.get(reverse("collabs:list")))) == 1 + 5


def test_crossover_only_leaves_out_single_country_collabs(client, catalogue):
    korean = make_artist("Seoul")
    make_collab("Home grown", (korean, " & "), (make_artist("Busan"),))

    def listed(**params) -> set[str]:
        pages = [client.get(reverse("collabs:list"), {**params, "page": n}) for n in (1, 2)]
        return {slug for page in pages for slug in _slugs(page)}

    # The demo's collabs within K-pop are not crossovers either.
    assert listed() - listed(crossover="on") == {"home-grown", "vibe", "eight", "fighting"}


@pytest.fixture
def ranked(db):
    """Three collabs where top, hot, new and most discussed all disagree."""
    artist = make_artist("Artist")
    loved = make_collab("Loved", (artist,), released=date(2019, 1, 1))
    recent = make_collab("Recent", (artist,), released=date(2025, 1, 1))
    talked = make_collab("Talked about", (artist,), released=date(2022, 1, 1))
    now = timezone.now()
    for _ in range(3):
        services.vote_cast(user=MemberFactory(), collab=loved, at=now - timedelta(days=60))
    for _ in range(2):
        services.vote_cast(user=MemberFactory(), collab=recent, at=now)
    Thread.objects.filter(pk=talked.thread_id).update(comment_count=12)
    Thread.objects.filter(pk=loved.thread_id).update(comment_count=1)
    return loved, recent, talked


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("top", ["loved", "recent", "talked-about"]),
        ("", ["loved", "recent", "talked-about"]),
        ("hot", ["recent", "loved", "talked-about"]),
        ("new", ["recent", "talked-about", "loved"]),
        ("discussed", ["talked-about", "loved", "recent"]),
    ],
)
def test_catalogue_sorts(client, ranked, sort, order):
    assert _slugs(client.get(reverse("collabs:list"), {"sort": sort})) == order


@pytest.fixture
def many(db):
    artist = make_artist("Prolific")
    return [make_collab(f"Song {i:02}", (artist,), released=date(2020, 1, 1) + timedelta(days=i))
            for i in range(30)]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "shown"),
    [("1", 1), ("2", 2), ("3", 3), ("0", 1), ("-4", 1), ("999", 3), ("abc", 1), ("", 1)],
)
def test_pagination_edges_show_a_real_page(client, many, page, shown):
    response = client.get(reverse("collabs:list"), {"sort": "new", "page": page})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert len(_slugs(response)) == (6 if shown == 3 else 12)


def test_page_links_keep_the_filters(client, many):
    html = client.get(reverse("collabs:list"), {"sort": "new", "q": "song"}).content.decode()
    assert 'href="?q=song&amp;sort=new&amp;page=2"' in html
    assert 'hx-get="?q=song&amp;sort=new&amp;page=2"' in html
    partial = client.get(reverse("collabs:list"), {"sort": "new", "page": "2"}, headers=HX)
    assert 'href="?sort=new&amp;page=3"' in partial.content.decode()
    assert partial["HX-Push-Url"] == "/collabs/?sort=new&page=2"


def test_htmx_pushes_the_canonical_url(client, catalogue):
    params = {"q": "", "sort": "top", "year": "2020", "genre": "", "artist": "", "page": "1"}
    response = client.get(reverse("collabs:list"), params, headers=HX)
    assert response["HX-Push-Url"] == "/collabs/?year=2020"
    response = client.get(reverse("collabs:list"), {"sort": "top"}, headers=HX)
    assert response["HX-Push-Url"] == "/collabs/"


# Collab page ------------------------------------------------------------------


def test_the_collab_page(client, catalogue):
    apt = catalogue["apt"]
    services.vote_cast(user=MemberFactory(), collab=apt)
    Collab.objects.filter(pk=apt.pk).update(description="**Big** <script>alert(1)</script>")
    response = client.get(apt.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>APT.</h1>" in html
    assert (
        '<a href="/artists/rose/">Rosé</a> &amp; <a href="/artists/bruno-mars/">Bruno Mars</a>'
        in html
    )
    assert "<strong>Big</strong>" in html and "<script>alert" not in html
    assert 'id="discussion"' in html and 'id="comments"' in html
    assert "Log in</a> or <a" in html  # visitors are invited to join the discussion
    assert "#1 of all time" in html
    assert 'aria-pressed="false"' in html
    assert "https://www.youtube.com/results?search_query=APT." in html
    related = [c.slug for c in response.context["related"]]
    assert set(related) <= {"eyes-closed", "sour-candy", "ice-cream"} and related


def test_hidden_collabs_are_not_found(client, member):
    for status in (CollabStatus.NOMINATED, CollabStatus.REJECTED):
        collab = make_collab(f"Hidden {status}", (make_artist(status),), status=status)
        assert client.get(collab.get_absolute_url()).status_code == 404
        assert collab.slug not in _slugs(client.get(reverse("collabs:list")))


def test_an_unknown_collab_is_404(client, db):
    assert client.get("/collabs/no-such-song/").status_code == 404


# Voting -----------------------------------------------------------------------


def test_a_member_votes_without_js_and_comes_back(member_client, member, apt):
    url = reverse("collabs:vote", args=[apt.slug])
    response = member_client.post(url, {"next": apt.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == "/collabs/apt/"
    page = member_client.get(apt.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and "<strong>1</strong> vote" in page

    member_client.post(url, {"next": apt.get_absolute_url()})
    page = member_client.get(apt.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page and "<strong>0</strong> votes" in page


def test_an_unsafe_next_is_ignored(member_client, apt):
    url = reverse("collabs:vote", args=[apt.slug])
    response = member_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == "/collabs/apt/"


def test_htmx_voting_returns_the_button_partial(member_client, member, apt):
    url = reverse("collabs:vote", args=[apt.slug])
    response = member_client.post(url, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="vote-apt"')
    assert 'aria-pressed="true"' in html and "<strong>1</strong> vote" in html
    assert "<html" not in html

    html = member_client.post(url, headers=HX).content.decode()
    assert 'aria-pressed="false"' in html and "<strong>0</strong> votes" in html
    assert not Vote.objects.exists()


def test_a_visitor_is_sent_to_log_in_and_back(client, apt):
    url = reverse("collabs:vote", args=[apt.slug])
    response = client.post(url, {"next": apt.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/collabs/apt/"
    assert not Vote.objects.exists()


def test_an_htmx_visitor_gets_a_client_redirect_to_log_in(client, apt):
    url = reverse("collabs:vote", args=[apt.slug])
    headers = {**HX, "HX-Current-URL": "http://testserver/collabs/apt/"}
    response = client.post(url, headers=headers)
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert response["HX-Redirect"].endswith("?next=/collabs/apt/")
    assert not Vote.objects.exists()


def _log_in(client, member, next_url: str):
    return client.post(
        f"{reverse('account_login')}?next={next_url}",
        {"login": member.username, "password": "correct-horse-battery"},
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_visitors_vote_is_cast_by_the_login_it_leads_to(client, member, apt, htmx):
    """SPEC: a visitor who clicks Vote logs in and comes back to the same page; the
    vote they clicked counts. The click (a POST) remembers it, the login (a POST) casts
    it: both pass the CSRF check."""
    url = reverse("collabs:vote", args=[apt.slug])
    headers = {**HX, "HX-Current-URL": "http://testserver/collabs/apt/"} if htmx else {}
    client.post(url, {"next": apt.get_absolute_url()}, headers=headers)
    assert not Vote.objects.exists()

    response = _log_in(client, member, "/collabs/apt/")
    assert response.status_code == 302 and response["Location"] == "/collabs/apt/"
    assert Vote.objects.filter(user=member, collab=apt).count() == 1
    apt.refresh_from_db()
    assert apt.vote_count == 1
    page = client.get(response["Location"]).text
    assert 'aria-pressed="true"' in page and "<strong>1</strong> vote" in page
    assert "your vote for “APT.” is in" in page


def test_only_the_login_casts_a_remembered_vote(client, member, apt, time_machine):
    """No GET casts: not the vote URL, not the page; a click left for over half an hour
    is forgotten; a member who had voted already keeps their vote (never toggled off)."""
    vote_url = reverse("collabs:vote", args=[apt.slug])
    client.post(vote_url)
    assert client.get(vote_url).status_code == 405
    assert client.get(apt.get_absolute_url()).status_code == 200
    assert not Vote.objects.exists()

    time_machine.move_to(timezone.now() + timedelta(minutes=31))
    _log_in(client, member, "/collabs/apt/")
    assert not Vote.objects.exists()

    client.logout()
    services.vote_cast(user=member, collab=apt)
    client.post(vote_url)
    _log_in(client, member, "/collabs/apt/")
    assert Vote.objects.filter(user=member, collab=apt).count() == 1
    # Used once: logging in again casts nothing more.
    client.logout()
    Vote.objects.all().delete()
    _log_in(client, member, "/collabs/apt/")
    assert not Vote.objects.exists()


def test_a_forged_vote_click_is_refused_and_remembered_nowhere(member, apt):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("collabs:vote", args=[apt.slug]))
    assert response.status_code == 403
    browser.get(reverse("account_login"))  # a CSRF cookie, as a real login page gives
    token = browser.cookies["csrftoken"].value
    browser.post(
        reverse("account_login"),
        {"login": member.username, "password": "correct-horse-battery"},
        headers={"X-CSRFToken": token},
    )
    assert browser.session["_auth_user_id"] == str(member.pk)  # logged in, nothing cast
    assert not Vote.objects.exists()


def test_an_unverified_member_cannot_vote(client, user, apt):
    client.force_login(user)
    response = client.post(reverse("collabs:vote", args=[apt.slug]))
    assert response.status_code == 403
    assert not Vote.objects.exists()
    apt.refresh_from_db()
    assert apt.vote_count == 0


def test_voting_needs_post(member_client, apt):
    assert member_client.get(reverse("collabs:vote", args=[apt.slug])).status_code == 405


def test_a_hidden_collab_cannot_be_voted_for(member_client, member):
    collab = make_collab("Waiting", (make_artist("X"),), status=CollabStatus.NOMINATED)
    response = member_client.post(reverse("collabs:vote", args=[collab.slug]))
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_a_member_voting_for_a_missing_collab_gets_404(member_client):
    assert member_client.post("/collabs/no-such-song/vote/", headers=HX).status_code == 404


def test_an_unverified_member_is_stopped_before_the_collab_is_looked_for(client, user):
    client.force_login(user)
    assert client.post("/collabs/no-such-song/vote/").status_code == 403


@pytest.mark.parametrize("voted", [False, True], ids=["cast", "take back"])
def test_a_vote_costs_a_fixed_number_of_queries(
    member_client, member, apt, settings, django_assert_num_queries, voted
):
    if voted:
        services.vote_cast(user=member, collab=apt)
    url = reverse("collabs:vote", args=[apt.slug])
    # The member, then the collab with their vote and verified email. On PostgreSQL the
    # toggle is one statement: the vote row and the collab's counters (their versions move
    # by trigger, in it). Elsewhere it is a transaction (a savepoint inside the test's)
    # around the row and the counters.
    expected = 3 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(expected):
        response = member_client.post(url, headers=HX)
    assert response.status_code == 200
    assert f'aria-pressed="{"false" if voted else "true"}"' in response.content.decode()
    apt.refresh_from_db()
    assert apt.vote_count == Vote.objects.filter(collab=apt).count() == (0 if voted else 1)
    assert apt.hot_score == (0.0 if voted else hot_term(Vote.objects.get().created_at))


# Artist pages -----------------------------------------------------------------


def test_apt_is_on_roses_page_and_blackpinks_page(client, catalogue):
    rose = client.get(reverse("collabs:artist", args=["rose"]))
    assert "apt" in _slugs(rose)
    html = rose.content.decode()
    assert "로제" in html and "Roseanne Park" in html
    assert 'href="/artists/blackpink/"' in html

    blackpink = client.get(reverse("collabs:artist", args=["blackpink"]))
    assert set(_slugs(blackpink)) == {"apt", "eyes-closed", "sour-candy", "ice-cream"}
    html = blackpink.content.decode()
    assert 'href="/artists/jisoo/"' in html and 'href="/artists/rose/"' in html
    assert [a.slug for a in blackpink.context["collaborators"]] == [
        "bruno-mars", "lady-gaga", "selena-gomez", "zayn",
    ]  # fmt: skip


def test_an_unknown_artist_is_404(client, db):
    assert client.get("/artists/nobody/").status_code == 404


# Leaderboards and home --------------------------------------------------------


def test_leaderboards(client, ranked):
    response = client.get(reverse("collabs:top"))
    assert [c.slug for c in response.context["all_time"]] == ["loved", "recent", "talked-about"]
    # Trending counts the last week's votes: Loved's are two months old.
    assert [c.slug for c in response.context["trending"]] == ["recent"]
    board = response.text.split('id="trending-heading"')[1]
    assert "Most votes in the last seven days." in board
    assert re.search(r"<strong>2</strong> votes <span[^>]*>this week</span>", board)
    assert "<strong>3</strong>" not in board
    year = client.get(reverse("collabs:top_year", args=[2025]))
    assert [c.slug for c in year.context["all_time"]] == ["recent"]
    assert client.get(reverse("collabs:top_year", args=[1999])).status_code == 404


def test_home_shows_trending_and_the_top_ten(client, ranked):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "Trending now" in html and "Top 10 of all time" in html
    assert [c.slug for c in response.context["top10"]] == ["loved", "recent", "talked-about"]
    assert [c.slug for c in response.context["trending"]] == ["recent"]
    trending = html.split('id="trending-heading"')[1].split('id="top10-heading"')[0]
    assert "Most votes in the last seven days." in trending
    assert "<strong>2</strong> votes this week" in trending


@pytest.fixture
def tied(db):
    """This week's votes: 3, 2, 2, 1; Bronze also has 5 from last month."""
    artist = make_artist("Artist")
    now = timezone.now()
    collabs = {}
    for title, recent, old in [("Gold", 3, 0), ("Silver A", 2, 0), ("Silver B", 2, 0),
                               ("Bronze", 1, 5)]:  # fmt: skip
        collab = make_collab(title, (artist,), released=date(2024, 1, 1))
        for when in [now - timedelta(hours=1)] * recent + [now - timedelta(days=40)] * old:
            services.vote_cast(user=MemberFactory(), collab=collab, at=when)
        collabs[title] = collab
    return collabs


def _places(html: str, heading: str) -> list[tuple[str, str, str]]:
    """(place, title, count) of each row of the board under `heading`."""
    board = html.split(f'id="{heading}"')[1].split("</ol>")[0]
    return re.findall(
        r'ranking-pos"><span class="visually-hidden">Number </span>(\d+)</span>.*?'
        r'ranking-title"[^>]*>([^<]+)</a>.*?<strong>(\d+)</strong>',
        board,
        re.S,
    )


def test_tied_collabs_share_a_place_everywhere(client, tied):
    """ "1, 2, 2, 4": on /top/ (all time and trending), on the home page, on collab pages.
    Trending shows this week's votes, the order it is in; all time shows every vote."""
    all_time = [("1", "Bronze", "6"), ("2", "Gold", "3"), ("3", "Silver A", "2"),
                ("3", "Silver B", "2")]  # fmt: skip
    this_week = [("1", "Gold", "3"), ("2", "Silver A", "2"), ("2", "Silver B", "2"),
                 ("4", "Bronze", "1")]  # fmt: skip
    top = client.get(reverse("collabs:top"))
    assert top.status_code == 200
    assert _places(top.text, "top-heading") == all_time
    assert _places(top.text, "trending-heading") == this_week
    home = client.get(reverse("home")).text
    assert _places(home, "top10-heading") == all_time
    trending_cards = re.findall(
        r'collab-card-title"><a[^>]*>([^<]+)</a>.*?collab-card-place">#(\d+)</span> · '
        r"<strong>(\d+)</strong> votes? this week",
        home,
        re.S,
    )
    assert trending_cards == [(t, p, n) for p, t, n in this_week]
    # Each collab page gives its all-time place.
    for place, title, _ in all_time:
        page = client.get(tied[title].get_absolute_url()).text
        assert f"#{place} of all time" in page
    # A vote moves the places every page shows: Silver A (2 → 3) ties Gold for second.
    services.vote_cast(user=MemberFactory(), collab=tied["Silver A"])
    for place, title in [("2", "Silver A"), ("2", "Gold"), ("4", "Silver B"), ("1", "Bronze")]:
        assert f"#{place} of all time" in client.get(tied[title].get_absolute_url()).text


def test_the_profile_lists_voted_collabs(client, member, apt):
    services.vote_cast(user=member, collab=apt)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "Voted for" in html and 'href="/collabs/apt/"' in html


# Nominations ------------------------------------------------------------------

NOMINATION = {
    "title": "Seven",
    "artists": "Jung Kook feat. Latto",
    "release_date": "2023-07-14",
    "link": "https://www.youtube.com/watch?v=QU9c0053UAU",
    "note": "Summer anthem.",
}


def test_a_member_nominates_a_collab_that_waits_for_an_editor(member_client, member):
    assert member_client.get(reverse("collabs:nominate")).status_code == 200
    response = member_client.post(reverse("collabs:nominate"), NOMINATION)
    assert response.status_code == 302
    collab = Collab.objects.get(title="Seven")
    assert collab.status == CollabStatus.NOMINATED and collab.nominated_by == member
    assert collab.nominated_artists == "Jung Kook feat. Latto"
    assert member_client.get(collab.get_absolute_url()).status_code == 404
    assert "seven" not in _slugs(member_client.get(reverse("collabs:list")))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"link": "http://www.youtube.com/watch?v=1"}, "link"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"title": ""}, "title"),
        ({"artists": ""}, "artists"),
        ({"release_date": ""}, "release_date"),
        ({"release_date": "not a date"}, "release_date"),
        ({"link": ""}, "link"),
    ],
)
def test_bad_nominations_are_refused(member_client, change, field):
    response = member_client.post(reverse("collabs:nominate"), {**NOMINATION, **change})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Collab.objects.exists()


def test_visitors_are_sent_to_log_in_before_nominating(client, db):
    response = client.get(reverse("collabs:nominate"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/collabs/nominate/"
    client.post(reverse("collabs:nominate"), NOMINATION)
    assert not Collab.objects.exists()


def test_unverified_members_cannot_nominate(client, db):
    client.force_login(UserFactory())
    assert client.post(reverse("collabs:nominate"), NOMINATION).status_code == 403
    assert not Collab.objects.exists()


# Query counts -----------------------------------------------------------------


@pytest.fixture
def grow(db):
    """grow(n): make the catalogue n collabs big, with credits, genres, groups and votes."""
    genre = Genre.objects.create(name="Pop", slug="pop")
    group = make_artist("Group", kind="group")
    voters = MemberFactory.create_batch(2)
    made: list[Collab] = []

    def grow_to(n: int) -> list[Collab]:
        while len(made) < n:
            i = len(made)
            member = make_artist(f"Member {i}", member_of=group)
            guest = make_artist(f"Guest {i}", country="US")
            collab = make_collab(f"Song {i}", (member, " feat. "), (guest,),
                                 released=date(2024, 1, 1), genres=[genre])  # fmt: skip
            for voter in voters[: i % 3]:
                services.vote_cast(user=voter, collab=collab)
            made.append(collab)
        return made

    return grow_to


# Queries per page, as (cold: every cache empty; fresh: the page cache off, memo and
# fragments warm; cached: the page served from the cache), for a visitor and a member; the
# same for 3 collabs and for 50 (no query per row). README "Caching" says what each is:
# a cached page costs its versions (one query, which also serves every memo and the holes'
# counts, kept in the process). A member costs no more: their session's user, their facts
# (the header), their own votes and likes, and whether a discussion holds comments only
# its author sees, are kept in the process while those tables are unchanged.
PAGES = {
    "home": (lambda c: reverse("home"), {"visitor": (9, 1, 1), "member": (13, 1, 1)}),
    "list": (lambda c: reverse("collabs:list"), {"visitor": (9, 2, 1), "member": (13, 2, 1)}),
    "list_filtered": (
        lambda c: reverse("collabs:list") + "?crossover=on&sort=hot&genre=pop",
        {"visitor": (9, 2, 1), "member": (13, 2, 1)},
    ),
    # The artist filter lists the top 50 and the chosen one, whose rank makes no difference
    # (guest-2 is in the top 50 of 3 collabs, guest-49 far from it with 50).
    "list_artist": (
        lambda c: reverse("collabs:list") + f"?artist=guest-{len(c) - 1}&sort=new",
        {"visitor": (9, 2, 1), "member": (13, 2, 1)},
    ),
    # Fresh: the versions, and the holes' collabs (the collab, its related collabs and the
    # discussion's first page are memo values).
    "detail": (lambda c: c[0].get_absolute_url(), {"visitor": (12, 2, 1), "member": (17, 2, 1)}),
    "artist": (
        lambda c: reverse("collabs:artist", args=["group"]),
        {"visitor": (7, 5, 1), "member": (11, 5, 1)},
    ),
    "top": (lambda c: reverse("collabs:top"), {"visitor": (5, 1, 1), "member": (8, 1, 1)}),
    "top_year": (
        lambda c: reverse("collabs:top_year", args=[2024]),
        {"visitor": (5, 1, 1), "member": (8, 1, 1)},
    ),
}


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_query_counts_do_not_grow_with_the_catalogue(client, grow, settings, page_name, who):
    url_for, expected = PAGES[page_name]
    if who == "member":
        client.force_login(MemberFactory())
    counts = {size: cold_fresh_cached(client, url_for(grow(size)), settings) for size in (3, 50)}
    assert counts[3] == counts[50] == expected[who]
