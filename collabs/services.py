"""Writes to the catalogue: collabs, credits, nominations, images and votes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from PIL.Image import Image

from collabs.models import (
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
)
from comments.services import thread_create, thread_set_page
from core import images, limits

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
            thread=thread_create(page_url=reverse("collabs:detail", args=[slug]), title=title),
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


def collab_nominate(
    *, user, title: str, artists: str, release_date: date, link: str, note: str = ""
) -> Collab:
    """A member proposes a missing collab: stored hidden until an editor approves it."""
    collab = collab_create(
        title=title,
        release_date=release_date,
        status=CollabStatus.NOMINATED,
        links=[("Nominated link", link)] if link else [],
        nominated_by=user,
        nominated_artists=artists,
        nomination_note=note,
    )
    logger.info("collab %s nominated", collab.pk)
    return collab


def nominations_decide(*, collabs: Iterable[Collab], approve: bool) -> int:
    """Publish or reject nominated collabs; returns how many changed."""
    from collabs.tasks import nomination_decided_email

    status = CollabStatus.PUBLISHED if approve else CollabStatus.REJECTED
    with transaction.atomic():
        pks = [c.pk for c in collabs if c.status == CollabStatus.NOMINATED]
        waiting = Collab.objects.select_for_update().filter(
            pk__in=pks, status=CollabStatus.NOMINATED
        )
        decided = list(waiting.values_list("pk", flat=True))
        Collab.objects.filter(pk__in=decided).update(status=status)
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


def _count(collab: Collab) -> int:
    return Collab.objects.filter(pk=collab.pk).values_list("vote_count", flat=True).get()


def vote_cast(*, user, collab: Collab, at: datetime | None = None) -> VoteResult:
    """Add the member's vote (once). The count moves in the same transaction as the row.

    The database's unique constraint decides a race between two casts by the same
    member; the loser changes nothing and is told why.
    """
    at = at or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Vote.objects.create(user=user, collab=collab, created_at=at)
        except IntegrityError:
            return VoteResult(
                voted=True,
                vote_count=_count(collab),
                changed=False,
                message="Your vote for this collab was already counted.",
            )
        Collab.objects.filter(pk=collab.pk).update(
            vote_count=F("vote_count") + 1, hot_score=F("hot_score") + hot_term(at)
        )
        return VoteResult(voted=True, vote_count=_count(collab))


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


def vote_toggle(*, user, collab: Collab) -> VoteResult:
    """Vote for a collab, or take the vote back if the member had already voted.

    Accounts younger than a day are held to CROSSOVER_LIMITS["votes_young"]: every
    click counts, so casting and withdrawing in a loop is limited too. Raises
    core.ratelimit.RateLimited (429) over it, RateLimitUnavailable (503) when the
    cache that counts is down.
    """
    if limits.is_young(user):
        limits.hit("votes_young", user.pk, message=_votes_young_refused())
    with transaction.atomic():
        existing = Vote.objects.select_for_update().filter(user=user, collab=collab).first()
        if existing is None:
            return vote_cast(user=user, collab=collab)
        _withdraw(existing)
        return VoteResult(voted=False, vote_count=_count(collab))


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
    """Keep the discussion pointing at the collab's page after its slug or title changed."""
    url = collab.get_absolute_url()
    if (collab.thread.page_url, collab.thread.title) != (url, collab.title):
        thread_set_page(thread=collab.thread, page_url=url, title=collab.title)
