"""Writes: voting (also under concurrency), member data, nominations, images, demo content."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from PIL import Image

from accounts import services as account_services
from accounts.extensions import profile_sections
from collabs import services
from collabs.demo import COLLABS
from collabs.forms import ArtistAdminForm, CollabAdminForm
from collabs.models import (
    Artist,
    Collab,
    CollabStatus,
    Credit,
    Genre,
    ListeningLink,
    Vote,
    hot_term,
)
from core import images
from tests.collabs.conftest import make_artist, make_collab
from tests.factories import MemberFactory


def _fresh(collab: Collab) -> Collab:
    collab.refresh_from_db()
    return collab


# Voting -----------------------------------------------------------------------


@pytest.mark.django_db
def test_vote_toggle_adds_then_takes_back_the_vote(member, apt):
    assert (apt.vote_count, apt.hot_score) == (0, 0)

    result = services.vote_toggle(user=member, collab=apt)
    assert result == services.VoteResult(voted=True, vote_count=1)
    assert Vote.objects.filter(user=member, collab=apt).exists()
    assert _fresh(apt).vote_count == 1 and apt.hot_score > 0

    result = services.vote_toggle(user=member, collab=apt)
    assert result == services.VoteResult(voted=False, vote_count=0)
    assert not Vote.objects.filter(user=member, collab=apt).exists()
    assert (_fresh(apt).vote_count, apt.hot_score) == (0, 0.0)


@pytest.mark.django_db
def test_counts_follow_several_members(apt):
    members = MemberFactory.create_batch(3)
    for m in members:
        services.vote_toggle(user=m, collab=apt)
    services.vote_toggle(user=members[0], collab=apt)
    assert _fresh(apt).vote_count == 2 == Vote.objects.filter(collab=apt).count()


@pytest.mark.django_db
def test_a_duplicate_vote_is_caught_and_changes_nothing(member, apt):
    services.vote_cast(user=member, collab=apt)
    before = _fresh(apt).hot_score
    result = services.vote_cast(user=member, collab=apt)
    assert result.changed is False
    assert result.voted is True and result.vote_count == 1
    assert "already" in result.message
    assert (_fresh(apt).vote_count, apt.hot_score) == (1, before)
    assert Vote.objects.filter(collab=apt).count() == 1


@pytest.mark.django_db
def test_taking_a_vote_back_takes_off_exactly_the_term_it_added(apt):
    # On PostgreSQL the database computes the withdrawn vote's term from its created_at
    # (collabs.services._toggle_sql); it must be the very float hot_term() added.
    now = timezone.now()
    voters = MemberFactory.create_batch(3)
    moments = [now - timedelta(days=30, microseconds=7), now - timedelta(hours=5), now]
    for voter, at in zip(voters, moments, strict=True):
        services.vote_toggle(user=voter, collab=apt, at=at)
    assert _fresh(apt).hot_score == hot_term(moments[0]) + hot_term(moments[1]) + hot_term(now)

    services.vote_toggle(user=voters[1], collab=apt)
    expected = hot_term(moments[0]) + hot_term(moments[1]) + hot_term(now) - hot_term(moments[1])
    assert (_fresh(apt).vote_count, apt.hot_score) == (2, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("read", [None, True, False], ids=["unread", "read voted", "read not"])
def test_the_toggle_flips_the_vote_in_the_database_whatever_the_caller_read(member, apt, read):
    # collab.has_voted only picks the statement tried first; a stale value costs one more.
    apt.has_voted = read
    assert services.vote_toggle(user=member, collab=apt).voted is True
    assert _fresh(apt).vote_count == 1 == Vote.objects.filter(collab=apt).count()
    apt.has_voted = read
    result = services.vote_toggle(user=member, collab=apt)
    assert result == services.VoteResult(voted=False, vote_count=0)
    assert (_fresh(apt).vote_count, apt.hot_score) == (0, 0.0)
    assert not Vote.objects.exists()


def all_at_once(call, argument_lists) -> list:
    """call(*arguments) for each list, each in its own thread and database connection,
    released together; their results. An exception in any thread fails the test."""
    start = threading.Barrier(len(argument_lists))
    results, errors = [], []

    def run(arguments):
        try:
            start.wait()
            results.append(call(*arguments))
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in argument_lists]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_on_postgresql_keep_the_count_exact():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises every writer")
    collab = make_collab("Everyone votes", (make_artist("Idol"),))
    members = MemberFactory.create_batch(24)
    all_at_once(lambda m: services.vote_toggle(user=m, collab=collab), [(m,) for m in members])

    collab.refresh_from_db()
    assert collab.vote_count == Vote.objects.filter(collab=collab).count() == len(members)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_clicks_on_postgresql_never_double_count():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises every writer")
    collab = make_collab("Double click", (make_artist("Idol"),))
    member = MemberFactory()
    results = all_at_once(lambda: services.vote_cast(user=member, collab=collab), [()] * 8)

    assert sum(r.changed for r in results) == 1
    collab.refresh_from_db()
    assert collab.vote_count == 1 == Vote.objects.filter(collab=collab).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_toggles_by_one_member_on_postgresql_keep_the_count_exact():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite serialises every writer")
    collab = make_collab("Toggle race", (make_artist("Idol"),))
    member = MemberFactory()

    def toggle(voted):
        # Some requests read the vote as there, some as not: it is only a hint.
        collab_seen = Collab.objects.get(pk=collab.pk)
        collab_seen.has_voted = voted
        return services.vote_toggle(user=member, collab=collab_seen)

    results = all_at_once(toggle, [(n % 2 == 0,) for n in range(9)])
    rows = Vote.objects.filter(collab=collab).count()
    assert rows == sum(r.changed for r in results) % 2
    collab.refresh_from_db()
    assert collab.vote_count == rows
    assert collab.hot_score == (
        pytest.approx(services.hot_term(Vote.objects.get().created_at)) if rows else 0.0
    )


# Member data through accounts.extensions --------------------------------------


@pytest.mark.django_db
def test_deleting_a_member_removes_their_votes_with_exact_counts(catalogue):
    leaving, staying = MemberFactory(), MemberFactory()
    long_ago = timezone.now() - timedelta(days=50)
    for collab in (catalogue["apt"], catalogue["sour-candy"]):
        services.vote_cast(user=staying, collab=collab, at=long_ago)
        services.vote_cast(user=leaving, collab=collab)
    services.vote_cast(user=leaving, collab=catalogue["ice-cream"])
    staying_score = services.hot_term(long_ago)

    account_services.user_delete(user=leaving)

    assert not Vote.objects.filter(user_id=leaving.pk).exists()
    for slug, count in [("apt", 1), ("sour-candy", 1), ("ice-cream", 0)]:
        collab = _fresh(catalogue[slug])
        assert collab.vote_count == count == collab.votes.count()
        assert collab.hot_score == pytest.approx(staying_score * count)


@pytest.mark.django_db
def test_the_export_lists_the_members_votes(member, apt):
    services.vote_cast(user=member, collab=apt)
    data = account_services.user_export(user=member)
    assert [v["slug"] for v in data["votes"]] == ["apt"]


@pytest.mark.django_db
def test_the_profile_section_shows_votes_unless_hidden(member, apt):
    services.vote_cast(user=member, collab=apt)
    sections = [p(member, AnonymousUser()) for p in profile_sections]
    shown = [s for s in sections if s and s.template == "collabs/profile_votes.html"]
    assert [c.slug for c in shown[0].context["collabs"]] == ["apt"]

    member.hide_votes = True
    member.save()
    sections = [p(member, AnonymousUser()) for p in profile_sections]
    assert not [s for s in sections if s and s.template == "collabs/profile_votes.html"]
    own = [p(member, member) for p in profile_sections]
    assert [s for s in own if s and s.template == "collabs/profile_votes.html"]


# Nominations ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nomination_is_stored_hidden_with_its_thread(member):
    collab = services.collab_nominate(
        user=member,
        title="Nominate",
        artists="Someone & Someone Else",
        release_date=date(2024, 3, 3),
        link="https://example.com/song",
        note="A classic.",
    )
    assert collab.status == CollabStatus.NOMINATED
    assert collab.nominated_by == member
    assert collab.thread_id is not None
    assert collab.slug != "nominate"  # that would be shadowed by /collabs/nominate/
    assert collab not in Collab.objects.published()
    assert ListeningLink.objects.get(collab=collab).url == "https://example.com/song"


@pytest.mark.django_db
def test_editors_approve_or_reject_nominations(member):
    def nominate(title):
        return services.collab_nominate(
            user=member, title=title, artists="X", release_date=date(2024, 1, 1), link=""
        )

    keep, drop = nominate("Keep"), nominate("Drop")
    services.collab_credits_set(collab=keep, credits=[services.CreditSpec(artist=make_artist("X"))])
    assert services.nominations_decide(collabs=[keep], approve=True) == 1
    assert services.nominations_decide(collabs=[drop], approve=False) == 1
    assert _fresh(keep).status == CollabStatus.PUBLISHED
    assert _fresh(drop).status == CollabStatus.REJECTED
    # Deciding again changes nothing.
    assert services.nominations_decide(collabs=[_fresh(keep)], approve=False) == 0


@pytest.mark.django_db
def test_collab_create_refuses_plain_http_links():
    with pytest.raises(ValidationError):
        make_collab("Bad link", (make_artist("A"),), links=[("Old", "http://example.com")])
    assert not Collab.objects.exists()


# Images -----------------------------------------------------------------------


def _png(size=(800, 600), colour=(230, 0, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_cover_art_is_re_encoded_at_each_rendition(
    apt, settings, django_capture_on_commit_callbacks
):
    image = images.clean_image(SimpleUploadedFile("cover.png", _png()))
    services.collab_cover_set(collab=apt, image=image)
    apt = _fresh(apt)
    for field, size in [("cover_list", (360, 360)), ("cover_detail", (720, 720))]:
        with Image.open(getattr(apt, field).path) as stored:
            assert (stored.format, stored.size) == ("WEBP", size)
    with Image.open(apt.cover.path) as full:
        assert full.size == (800, 600)
    first = set(_stored_files(settings))
    assert len(first) == 3

    with django_capture_on_commit_callbacks(execute=True):
        services.collab_cover_set(collab=apt, image=image)
    second = set(_stored_files(settings))
    assert len(second) == 3 and not first & second  # the old renditions are gone


@pytest.mark.django_db
def test_artist_photos_get_renditions_too(settings):
    artist = make_artist("Pic")
    image = images.clean_image(SimpleUploadedFile("me.png", _png((300, 500))))
    services.artist_photo_set(artist=artist, image=image)
    artist = Artist.objects.get(pk=artist.pk)
    with Image.open(artist.photo_list.path) as stored:
        assert stored.size == (240, 240)
    assert len(_stored_files(settings)) == 3


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")
    return buffer.getvalue()


REFUSED = {
    "svg": ("art.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
    "renamed text": ("art.png", b"just some text pretending to be a picture\n" * 20),
    "truncated png": ("art.png", _png()[:300]),
    "decompression bomb": ("art.png", _bomb()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*REFUSED, "too large"])
@pytest.mark.parametrize("form_class", [CollabAdminForm, ArtistAdminForm])
def test_refused_images_leave_no_file(kind, form_class, settings):
    if kind == "too large":
        name, data = "art.png", _png() + b"\0" * (settings.IMAGE_UPLOAD_MAX_BYTES + 1)
    else:
        name, data = REFUSED[kind]
    field = "cover_upload" if form_class is CollabAdminForm else "photo_upload"
    form = form_class(data={}, files={field: SimpleUploadedFile(name, data)})
    assert not form.is_valid()
    assert form.errors[field]
    assert _stored_files(settings) == []


# Demo content -----------------------------------------------------------------


def _snapshot():
    return {
        "artists": sorted(Artist.objects.values_list("slug", "member_of__slug", "country")),
        "collabs": sorted(Collab.objects.values_list("slug", "vote_count", "hot_score")),
        "credits": Credit.objects.count(),
        "genres": Genre.objects.count(),
        "votes": sorted(Vote.objects.values_list("user_id", "collab_id", "created_at")),
        "links": ListeningLink.objects.count(),
    }


@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent():
    call_command("demo_data", stdout=io.StringIO())
    first = _snapshot()
    assert len(first["collabs"]) == len(COLLABS) >= 60  # the seed article's 11 among them
    assert all(count > 0 for _, count, _ in first["collabs"])
    assert Artist.objects.get(slug="rose").member_of.slug == "blackpink"
    assert Artist.objects.get(slug="zayn").country == "GB"
    assert Collab.objects.search("로제").get().slug == "apt"
    for collab in Collab.objects.all():
        assert collab.vote_count == collab.votes.count()

    call_command("demo_data", stdout=io.StringIO())
    assert _snapshot() == first
