"""Writes to the catalogue: collabs, credits, nominations, images and votes."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache as once

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from PIL.Image import Image

from collabs.models import (
    HOT_EPOCH,
    HOT_HALF_LIFE,
    Artist,
    ArtistKind,
    Collab,
    CollabStatus,
    Credit,
    CreditRole,
    Genre,
    ListeningLink,
    Vote,
    hot_term,
    listening_label,
)
from comments.services import thread_create, thread_sync, threads_set_public_from
from core import images, limits
from core.ratelimit import RateLimited

logger = logging.getLogger(__name__)

COVER_FULL = images.Rendition(1400, 1400, crop=False)
COVER_DETAIL = images.Rendition(720, 720)
COVER_LIST = images.Rendition(360, 360)
PHOTO_FULL = images.Rendition(1400, 1400, crop=False)
PHOTO_DETAIL = images.Rendition(640, 640)
PHOTO_LIST = images.Rendition(240, 240)


@dataclass(frozen=True)
class CreditSpec:
    artist: Artist
    join_phrase: str = ""
    role: str = CreditRole.LEAD
    credited_as: str = ""


@dataclass(frozen=True)
class VoteResult:
    voted: bool
    vote_count: int
    changed: bool = True
    message: str = ""


# Slugs that would be shadowed by fixed URLs such as /collabs/nominate/.
RESERVED_SLUGS = {"nominate"}


def unique_slug(model, text: str, *, exclude_pk: int | None = None) -> str:
    """A slug from `text` that no other row of `model` has yet: apt, apt-2, apt-3…"""
    base = slugify(text)[:180].strip("-") or model._meta.model_name
    taken = RESERVED_SLUGS | set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# Artists and genres -----------------------------------------------------------


def artist_create(
    *,
    name: str,
    country: str,
    kind: str = ArtistKind.SOLOIST,
    slug: str = "",
    korean_name: str = "",
    other_names: str = "",
    member_of: Artist | None = None,
    bio: str = "",
) -> Artist:
    with transaction.atomic():
        artist = Artist(
            name=name,
            slug=slug or unique_slug(Artist, name),
            country=country.upper(),
            kind=kind,
            korean_name=korean_name,
            other_names=other_names,
            member_of=member_of,
            bio=bio,
        )
        artist.full_clean()
        artist.save()
    return artist


def genre_get_or_create(*, name: str) -> Genre:
    genre, _ = Genre.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return genre


# Collabs ----------------------------------------------------------------------


def collab_create(
    *,
    title: str,
    release_date: date,
    status: str = CollabStatus.PUBLISHED,
    slug: str = "",
    description: str = "",
    credits: Sequence[CreditSpec] = (),
    genres: Iterable[Genre] = (),
    links: Iterable[tuple[str, str]] = (),
    nominated_by=None,
    nominated_artists: str = "",
    nomination_note: str = "",
) -> Collab:
    """Create a collab with its discussion thread, credits, genres and listening links."""
    with transaction.atomic():
        slug = slug or unique_slug(Collab, title)
        collab = Collab(
            title=title,
            slug=slug,
            release_date=release_date,
            status=status,
            description=description,
            nominated_by=nominated_by,
            nominated_artists=nominated_artists,
            nomination_note=nomination_note,
            thread=thread_create(
                page_url=reverse("collabs:detail", args=[slug]),
                title=title,
                public_from=timezone.now() if status == CollabStatus.PUBLISHED else None,
            ),
        )
        collab.full_clean(exclude=["thread"])
        collab.save()
        collab_credits_set(collab=collab, credits=credits)
        collab.genres.set(genres)
        for position, (label, url) in enumerate(links):
            link = ListeningLink(collab=collab, label=label, url=url, position=position)
            link.full_clean()
            link.save()
    return collab


def collab_credits_set(*, collab: Collab, credits: Sequence[CreditSpec]) -> None:
    """Replace a collab's credits with `credits`, in that order."""
    with transaction.atomic():
        collab.credits.all().delete()
        Credit.objects.bulk_create(
            Credit(
                collab=collab,
                position=position,
                artist=spec.artist,
                credited_as=spec.credited_as,
                join_phrase=spec.join_phrase,
                role=spec.role,
            )
            for position, spec in enumerate(credits)
        )


def _nominations_refused() -> str:
    hourly, daily = limits.limit_of("nominations"), limits.limit_of("nominations_daily")
    return (
        f"You can nominate {hourly['limit']} collabs {limits.per_period(hourly['period'])} "
        f"and {daily['limit']} {limits.per_period(daily['period'])}."
    )


def _check_nomination_limits(*, user, now: datetime) -> None:
    """CROSSOVER_LIMITS["nominations"] and ["nominations_daily"], counted from the member's
    own nominations in the database (each is a row with its discussion: exact on every app
    server, kept when the cache is flushed). The wait is until enough of them age out of
    every window the member is over."""
    wait = 0.0
    for name in ("nominations", "nominations_daily"):
        entry = limits.limit_of(name)
        window = timedelta(seconds=entry["period"])
        recent = list(
            Collab.objects.filter(nominated_by=user, created_at__gt=now - window)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[: entry["limit"]]
        )
        if len(recent) >= entry["limit"]:
            wait = max(wait, (recent[-1] + window - now).total_seconds())
    if wait:
        raise RateLimited("nominations", max(1, math.ceil(wait)), _nominations_refused())


def nomination_refusal(*, user) -> str:
    """Why the member can't nominate right now (over a limit, and for how long), or ""."""
    try:
        _check_nomination_limits(user=user, now=timezone.now())
    except RateLimited as refused:
        return f"{refused.message} Try again in {limits.wait_text(refused.retry_after)}."
    return ""


def collab_nominate(
    *, user, title: str, artists: str, release_date: date, link: str, note: str = ""
) -> Collab:
    """A member proposes a missing collab: stored hidden until an editor approves it.

    Raises core.ratelimit.RateLimited over the nomination limits (the 429 page)."""
    with transaction.atomic():
        # One member's nominations are serialised, so concurrent ones can't slip past.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        _check_nomination_limits(user=user, now=timezone.now())
        collab = collab_create(
            title=title,
            release_date=release_date,
            status=CollabStatus.NOMINATED,
            links=[(listening_label(link), link)] if link else [],
            nominated_by=user,
            nominated_artists=artists,
            nomination_note=note,
        )
    logger.info("collab %s nominated", collab.pk)
    return collab


class NominationRefused(ValidationError):
    """A decision the editors must not make yet, with what to do first."""


def _credits_missing(titles: list[str]) -> str:
    named = " and ".join(f"“{title}”" for title in titles)
    if len(titles) == 1:
        return (
            f"{named} has no credits yet: add its artists under Credits on its page, then "
            "approve it. Nothing was published."
        )
    return (
        f"{named} have no credits yet: add their artists under Credits on each one's page, "
        "then approve them. Nothing was published."
    )


def nominations_decide(*, collabs: Iterable[Collab], approve: bool) -> int:
    """Publish or reject nominated collabs; returns how many changed.

    A collab is published with its credits (its artist line is made of them), so
    approving a nomination without any raises NominationRefused and changes nothing."""
    from collabs.tasks import nomination_decided_email

    status = CollabStatus.PUBLISHED if approve else CollabStatus.REJECTED
    with transaction.atomic():
        pks = [c.pk for c in collabs if c.status == CollabStatus.NOMINATED]
        waiting = Collab.objects.select_for_update().filter(
            pk__in=pks, status=CollabStatus.NOMINATED
        )
        decided = list(waiting.values_list("pk", flat=True))
        if approve:
            uncredited = list(
                Collab.objects.filter(pk__in=decided, credits__isnull=True)
                .order_by("title", "pk")
                .values_list("title", flat=True)
            )
            if uncredited:
                raise NominationRefused(_credits_missing(uncredited), code="no_credits")
        Collab.objects.filter(pk__in=decided).update(status=status)
        # Its discussion opens with it (and a rejected one's stays closed).
        threads_set_public_from(
            thread_ids=Collab.objects.filter(pk__in=decided).values("thread_id"),
            public_from=timezone.now() if approve else None,
        )
        # The nominating member hears about it once the decision is committed.
        for pk in decided:
            transaction.on_commit(lambda pk=pk: nomination_decided_email.enqueue(collab_id=pk))
        return len(decided)


# Images -----------------------------------------------------------------------


def collab_cover_set(*, collab: Collab, image: Image) -> Collab:
    """`image` comes from core.images.clean_image: already validated and decoded."""
    images.store_renditions(
        collab,
        {"cover": COVER_FULL, "cover_detail": COVER_DETAIL, "cover_list": COVER_LIST},
        image,
    )
    return collab


def artist_photo_set(*, artist: Artist, image: Image) -> Artist:
    images.store_renditions(
        artist,
        {"photo": PHOTO_FULL, "photo_detail": PHOTO_DETAIL, "photo_list": PHOTO_LIST},
        image,
    )
    return artist


# Votes ------------------------------------------------------------------------
#
# A vote is a row plus two counters on its collab (vote_count, hot_score) that move in
# the same transaction. The toggle is the site's busiest write, so its statements are
# written out (below) rather than built by the ORM, whose compiling cost more than the
# statements did: on SQLite, where writers take turns, that time was spent holding the
# write lock. No row is locked first: the unique constraint on (user, collab) settles a
# race, since an insert that loses it does nothing (ON CONFLICT DO NOTHING) and a delete
# that loses it deletes nothing, and each counter update runs only after its own insert
# or delete succeeded.


@once
def _vote_sql() -> dict[str, str]:
    vote, collab = Vote._meta.db_table, Collab._meta.db_table
    return {
        "insert": (
            f"INSERT INTO {vote} (user_id, collab_id, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id, collab_id) DO NOTHING RETURNING id"
        ),
        "delete": f"DELETE FROM {vote} WHERE user_id = %s AND collab_id = %s RETURNING created_at",
        "add": (
            f"UPDATE {collab} SET vote_count = vote_count + 1, hot_score = hot_score + %s "
            "WHERE id = %s RETURNING vote_count"
        ),
        # The last vote out leaves exactly zero rather than a floating-point residue.
        "take": (
            f"UPDATE {collab} SET vote_count = vote_count - 1, "
            "hot_score = CASE WHEN vote_count <= 1 THEN 0.0 ELSE hot_score - %s END "
            "WHERE id = %s RETURNING vote_count"
        ),
        "count": f"SELECT vote_count FROM {collab} WHERE id = %s",
    }


def _one(cursor, sql: str, params) -> object | None:
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else row[0]


def _counted(cursor, statement: str, term: float, collab_id: int) -> int:
    count = _one(cursor, _vote_sql()[statement], [term, collab_id])
    if count is None:
        raise Collab.DoesNotExist(f"collab {collab_id} is gone")
    return count


def _insert_vote(cursor, user_id: int, collab_id: int, at: datetime) -> int | None:
    """Add the vote and count it; None (and no change) if the member's vote is there."""
    created_at = Vote._meta.get_field("created_at").get_db_prep_value(at, connection)
    if _one(cursor, _vote_sql()["insert"], [user_id, collab_id, created_at]) is None:
        return None
    return _counted(cursor, "add", hot_term(at), collab_id)


def _delete_vote(cursor, user_id: int, collab_id: int) -> int | None:
    """Take the vote back and its exact terms off the counts; None if there was none."""
    created_at = _one(cursor, _vote_sql()["delete"], [user_id, collab_id])
    if created_at is None:
        return None
    if isinstance(created_at, str):  # SQLite hands back the datetime as UTC text
        created_at = parse_datetime(created_at)
    if timezone.is_naive(created_at):
        created_at = timezone.make_aware(created_at, UTC)
    return _counted(cursor, "take", hot_term(created_at), collab_id)


def vote_cast(*, user, collab: Collab, at: datetime | None = None) -> VoteResult:
    """Add the member's vote (once). The count moves in the same transaction as the row.

    The database's unique constraint decides a race between two casts by the same
    member; the loser changes nothing and is told why.
    """
    at = at or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        count = _insert_vote(cursor, user.pk, collab.pk, at)
        if count is None:
            return VoteResult(
                voted=True,
                vote_count=_one(cursor, _vote_sql()["count"], [collab.pk]),
                changed=False,
                message="Your vote for this collab was already counted.",
            )
    return VoteResult(voted=True, vote_count=count)


def _withdraw(vote: Vote) -> bool:
    """Delete one vote and take its exact terms off the collab's counters."""
    deleted, _ = Vote.objects.filter(pk=vote.pk).delete()
    if not deleted:
        return False
    Collab.objects.filter(pk=vote.collab_id).update(
        vote_count=F("vote_count") - 1,
        # The last vote out leaves exactly zero rather than a floating-point residue.
        hot_score=Case(
            When(vote_count__lte=1, then=Value(0.0)),
            default=F("hot_score") - hot_term(vote.created_at),
        ),
    )
    return True


def vote_toggle(*, user, collab: Collab, at: datetime | None = None) -> VoteResult:
    """Vote for a collab, or take the vote back if the member had already voted.

    Each call flips the vote as it stands when its transaction runs; one that loses a
    race both ways to the member's own other requests changes nothing (changed=False).
    `collab.has_voted`, if the caller read it (Collab.objects.with_user_vote), only picks
    the statement tried first; when it is still true, that saves one.

    Accounts younger than a day are held to CROSSOVER_LIMITS["votes_young"]: every
    click counts, so casting and withdrawing in a loop is limited too. Raises
    core.ratelimit.RateLimited (429) over it, RateLimitUnavailable (503) when the
    cache that counts is down.
    """
    if limits.is_young(user):
        limits.hit("votes_young", user.pk, message=_votes_young_refused())
    at = at or timezone.now()
    if connection.vendor == "postgresql":
        return _toggle_in_one_statement(user.pk, collab.pk, at)
    voted_first = getattr(collab, "has_voted", None) is not False
    with transaction.atomic(), connection.cursor() as cursor:
        for take_back in (voted_first, not voted_first):
            if take_back:
                count = _delete_vote(cursor, user.pk, collab.pk)
            else:
                count = _insert_vote(cursor, user.pk, collab.pk, at)
            if count is not None:
                return VoteResult(voted=not take_back, vote_count=count)
        # Both lost a race to the member's own requests, which changed the vote back and
        # forth meanwhile (PostgreSQL runs each statement on the latest commits). The
        # last statement saw the vote as it is now: there if the insert was refused.
        count = _one(cursor, _vote_sql()["count"], [collab.pk])
        return VoteResult(voted=not take_back, vote_count=count, changed=False)


@once
def _toggle_sql() -> str:
    """PostgreSQL: the whole toggle as one statement (see _toggle_in_one_statement).

    A withdrawn vote's term is computed from its created_at as hot_term() does: whole
    microseconds since HOT_EPOCH over those of HOT_HALF_LIFE, each exact as a double, so
    the quotient rounds as Python's does; then the same 2 ** x.
    """
    vote, collab = Vote._meta.db_table, Collab._meta.db_table
    return f"""
        WITH del AS (
          DELETE FROM {vote} WHERE user_id = %(user)s AND collab_id = %(collab)s
          RETURNING power(2.0::float8,
            ((extract(epoch FROM created_at) * 1000000)::bigint - %(epoch_us)s)::float8
            / %(half_life_us)s::float8) AS term
        ), ins AS (
          INSERT INTO {vote} (user_id, collab_id, created_at)
          SELECT %(user)s, %(collab)s, %(at)s WHERE NOT EXISTS (SELECT 1 FROM del)
          ON CONFLICT (user_id, collab_id) DO NOTHING
          RETURNING %(term)s::float8 AS term
        ), upd AS (
          UPDATE {collab} SET
            vote_count = vote_count + (SELECT count(*) FROM ins) - (SELECT count(*) FROM del),
            -- The last vote out leaves exactly zero rather than a floating-point residue.
            hot_score = CASE WHEN EXISTS (SELECT 1 FROM del) AND vote_count <= 1 THEN 0.0
              ELSE hot_score + coalesce((SELECT term FROM ins), 0)
                - coalesce((SELECT term FROM del), 0) END
          WHERE id = %(collab)s
            AND EXISTS (SELECT 1 FROM del UNION ALL SELECT 1 FROM ins)
          RETURNING vote_count
        )
        SELECT (SELECT vote_count FROM upd), EXISTS (SELECT 1 FROM ins)
    """


def _toggle_in_one_statement(user_id: int, collab_id: int, at: datetime) -> VoteResult:
    """The toggle on PostgreSQL: delete the vote, or insert it if there was none, move
    the counters, all in a single statement (the tables' version triggers fire in it).

    One statement is atomic by itself: no BEGIN and COMMIT, and one round trip instead
    of five. It flips the vote as it stands when the statement runs; when a concurrent
    request of the member's inserts the vote first, the insert does nothing and neither
    does the rest (changed=False).
    """
    params = {
        "user": user_id,
        "collab": collab_id,
        "at": at,
        "term": hot_term(at),
        "epoch_us": (HOT_EPOCH - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1),
        "half_life_us": HOT_HALF_LIFE // timedelta(microseconds=1),
    }
    with connection.cursor() as cursor:
        cursor.execute(_toggle_sql(), params)
        count, inserted = cursor.fetchone()
        if count is None:
            # Lost the race to the member's own insert: the vote is there, unchanged.
            # (Or the collab is gone.) Its count, as committed now:
            current = _one(cursor, _vote_sql()["count"], [collab_id])
            if current is None:
                raise Collab.DoesNotExist(f"collab {collab_id} is gone")
            return VoteResult(voted=True, vote_count=current, changed=False)
    return VoteResult(voted=inserted, vote_count=count)


def vote_after_login(*, user, collab: Collab) -> VoteResult:
    """The vote a visitor asked for before logging in (collabs.views.remember_vote):
    cast, never taken back, since they may have voted from another device already.
    Held to the same young members' limit as vote_toggle."""
    if limits.is_young(user):
        limits.hit("votes_young", user.pk, message=_votes_young_refused())
    return vote_cast(user=user, collab=collab)


def _votes_young_refused() -> str:
    entry = limits.limit_of("votes_young")
    return (
        f"New members can vote {entry['limit']} times {limits.per_period(entry['period'])} "
        "during their first day."
    )


def votes_delete_for_member(user) -> int:
    """On account deletion: remove the member's votes, keeping every count exact."""
    with transaction.atomic():
        votes = list(Vote.objects.select_for_update().filter(user=user).order_by("collab_id"))
        return sum(_withdraw(vote) for vote in votes)


def collab_thread_sync(*, collab: Collab) -> None:
    """Keep the discussion pointing at the collab's page after its slug or title changed,
    and public exactly while the collab is published (the admin's save comes here)."""
    thread = collab.thread
    public_from = None
    if collab.status == CollabStatus.PUBLISHED:
        already = thread.public_from is not None and thread.public_from <= timezone.now()
        public_from = thread.public_from if already else timezone.now()
    thread_sync(
        thread=thread,
        page_url=collab.get_absolute_url(),
        title=collab.title,
        public_from=public_from,
    )
