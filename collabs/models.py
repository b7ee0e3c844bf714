"""The catalogue: artists, collabs and their credits, genres, votes; and the reads over them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, Replace
from django.db.models.lookups import IContains
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from collabs.countries import COUNTRIES, COUNTRY_CHOICES, KOREA

# Rankings ---------------------------------------------------------------------
#
# "Hot" ranks collabs by recent votes, each vote's weight halving every HOT_HALF_LIFE:
#
#     hotness(now) = Σ over votes v of 2^(−(now − v.created_at) / HOT_HALF_LIFE)
#
# That changes every second, so it cannot be stored. But every term shares the factor
# 2^(−(now − HOT_EPOCH) / HOT_HALF_LIFE), so
#
#     hotness(now) = 2^(−(now − HOT_EPOCH) / HOT_HALF_LIFE) × hot_score
#     hot_score    = Σ over votes v of 2^((v.created_at − HOT_EPOCH) / HOT_HALF_LIFE)
#
# and ordering by the stored hot_score is ordering by hotness at any moment. A vote adds
# its term, taking it back subtracts the same term (computed from that vote's created_at):
# O(1) per vote, exact, and indexable. Terms double every half-life, so doubles
# (max ≈ 2^1024) last about 1024 half-lives (~19 years at 7 days) past HOT_EPOCH; before
# then, move HOT_EPOCH forward and divide every hot_score by the same power of two.
HOT_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HOT_HALF_LIFE = timedelta(days=7)

# Trending lists rank collabs by the votes cast in this window and show that count:
# a number a fan can check against the order, unlike the decayed hotness.
TRENDING_WINDOW = timedelta(days=7)


def hot_term(voted_at: datetime) -> float:
    """One vote's contribution to hot_score."""
    return 2.0 ** ((voted_at - HOT_EPOCH) / HOT_HALF_LIFE)


def ranked(collabs: Iterable[Collab], count: str) -> list[Collab]:
    """`collabs`, already in order of `count` (most first), each given `place`: equal
    counts share a place and the next place skips as many ("1, 2, 2, 4")."""
    placed, previous = [], None
    for index, collab in enumerate(collabs, start=1):
        value = getattr(collab, count)
        if value != previous:
            place, previous = index, value
        collab.place = place
        placed.append(collab)
    return placed


# What a name search ignores: "Chae-young", "chae young" and "Chaeyoung" are one name.
NAME_JOINERS = (" ", "-", "\u2010", "\u2011")


def squash_name(text: str) -> str:
    """`text` lowercased, without spaces or hyphens, as _squashed_column() in SQL."""
    for joiner in NAME_JOINERS:
        text = text.replace(joiner, "")
    return text.lower()


def _squashed_column(field: str):
    expression = Lower(F(field))
    for joiner in NAME_JOINERS:
        expression = Replace(expression, Value(joiner), Value(""))
    return expression


https_only = URLValidator(schemes=["https"], message="Enter a link that starts with https://.")


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArtistKind(models.TextChoices):
    GROUP = "group", "Group"
    SOLOIST = "soloist", "Soloist"
    UNIT = "unit", "Unit"
    DUO = "duo", "Duo"
    BAND = "band", "Band"
    RAPPER = "rapper", "Rapper"
    PRODUCER = "producer", "Producer / DJ"


class ArtistQuerySet(models.QuerySet):
    def search(self, query: str) -> ArtistQuerySet:
        """Artists known by `query` in any of their names: Rosé, 로제, Roseanne Park."""
        return self.filter(self.name_matches(query))

    @staticmethod
    def name_matches(query: str, prefix: str = "") -> Q:
        """Any of the names contains `query`; or does once spaces and hyphens are dropped
        from both, whatever the case: "chaeyoung", "Chae-young" and "chae young" all find
        Park Chae-young (Rosé)."""
        matches = (
            Q(**{f"{prefix}name__icontains": query})
            | Q(**{f"{prefix}korean_name__icontains": query})
            | Q(**{f"{prefix}other_names__icontains": query})
        )
        squashed = squash_name(query)
        if not squashed:
            return matches
        for name in ("name", "other_names"):
            matches |= Q(IContains(_squashed_column(f"{prefix}{name}"), squashed))
        return matches

    def for_page(self) -> ArtistQuerySet:
        return self.select_related("member_of").prefetch_related(
            Prefetch("members", queryset=Artist.objects.order_by("name"))
        )

    def with_published_collabs(self) -> ArtistQuerySet:
        return self.filter(
            Exists(Credit.objects.filter(artist=OuterRef("pk"), collab__status="published"))
        )

    def catalogue_choices(self, *, top: int, wanted: str = "") -> ArtistQuerySet:
        """The catalogue's artist filter: the `top` artists credited on the most published
        collabs, and whoever `wanted` names (a slug, or a name in any case) however few
        collabs they have. One query, however many artists there are."""
        most_credited = (
            Credit.objects.filter(collab__status="published")
            .values("artist_id")
            .annotate(collabs=Count("collab_id", distinct=True))
            .order_by("-collabs", "artist_id")
            .values("artist_id")[:top]
        )
        chosen = Q(pk__in=most_credited)
        if wanted:
            chosen |= Q(slug=wanted) | Q(name__iexact=wanted)
        return self.filter(chosen)


class Artist(models.Model):
    name = models.CharField(max_length=120)
    korean_name = models.CharField(
        "Korean name", max_length=120, blank=True, help_text="In Hangul, e.g. 로제."
    )
    other_names = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other names fans search for, separated by commas: Roseanne Park, Rose.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=ArtistKind, default=ArtistKind.SOLOIST)
    country = models.CharField(
        "country of origin",
        max_length=2,
        choices=COUNTRY_CHOICES,
        help_text="ISO 3166 code: KR, US, GB…",
    )
    member_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text="The group this artist belongs to (Jisoo → BLACKPINK).",
    )
    photo = models.ImageField(upload_to="artists/", blank=True, editable=False)
    photo_list = models.ImageField(upload_to="artists/list/", blank=True, editable=False)
    photo_detail = models.ImageField(upload_to="artists/detail/", blank=True, editable=False)
    bio = models.TextField("short bio", max_length=1000, blank=True)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collabs:artist", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.member_of_id and self.member_of_id == self.pk:
            raise ValidationError({"member_of": "An artist cannot be a member of themselves."})

    @property
    def country_name(self) -> str:
        return COUNTRIES.get(self.country, self.country)

    @property
    def other_names_list(self) -> list[str]:
        return [name.strip() for name in self.other_names.split(",") if name.strip()]


class CollabStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    NOMINATED = "nominated", "Nominated (waiting for an editor)"
    REJECTED = "rejected", "Rejected"


class CollabQuerySet(models.QuerySet):
    # Visibility -----------------------------------------------------------
    def published(self) -> CollabQuerySet:
        return self.filter(status=CollabStatus.PUBLISHED)

    def nominated(self) -> CollabQuerySet:
        return self.filter(status=CollabStatus.NOMINATED)

    # What a page needs, in a fixed number of queries ----------------------
    def for_list(self, *, user=None, credits: bool = True) -> CollabQuerySet:
        """Cards and rankings: credits with their artists (unless `credits` is False:
        with_card_credits then gives the cards theirs), the member's vote."""
        shown = self.select_related("thread").with_user_vote(user)
        if not credits:
            return shown
        return shown.prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("artist"))
        )

    def for_detail(self, *, user=None) -> CollabQuerySet:
        """The collab page: as for_list, plus the credited artists' groups and the links."""
        return (
            self.select_related("thread")
            .prefetch_related(
                Prefetch("credits", queryset=Credit.objects.select_related("artist__member_of")),
                "genres",
                "links",
            )
            .with_user_vote(user)
        )

    def with_user_vote(self, user) -> CollabQuerySet:
        """Annotate `has_voted` for this member (False for visitors, without a query)."""
        if user is None or not user.is_authenticated:
            return self.annotate(has_voted=Value(False))
        return self.annotate(
            has_voted=Exists(Vote.objects.filter(collab=OuterRef("pk"), user_id=user.pk))
        )

    def voted_by(self, member) -> CollabQuerySet:
        """Collabs `member` voted for, with `voted_at`: when they did."""
        their_vote = Vote.objects.filter(collab=OuterRef("pk"), user_id=member.pk)
        return self.filter(Exists(their_vote)).annotate(
            voted_at=Subquery(their_vote.values("created_at")[:1])
        )

    # Filters --------------------------------------------------------------
    def with_country_count(self) -> CollabQuerySet:
        countries = (
            Credit.objects.filter(collab=OuterRef("pk"))
            .order_by()
            .values("collab")
            .annotate(n=Count("artist__country", distinct=True))
            .values("n")
        )
        return self.annotate(country_count=Coalesce(Subquery(countries), 0))

    def crossover(self) -> CollabQuerySet:
        """Collabs whose credits span more than one country."""
        return self.with_country_count().filter(country_count__gt=1)

    def with_partner_from(self, country: str) -> CollabQuerySet:
        """K-pop collabs crediting an artist from `country` (an ISO code): a Korean artist
        and one from there; for KOREA itself, every collab crediting a Korean artist."""
        credited = Credit.objects.filter(collab=OuterRef("pk"))
        return self.filter(
            Exists(credited.filter(artist__country=KOREA)),
            Exists(credited.filter(artist__country=country)),
        )

    def released_in(self, year: int) -> CollabQuerySet:
        return self.filter(release_date__year=year)

    def in_genre(self, genre: Genre | str) -> CollabQuerySet:
        if isinstance(genre, Genre):
            return self.filter(genres=genre)
        return self.filter(genres__slug=genre)

    def featuring(self, artist: Artist | str) -> CollabQuerySet:
        """On an artist's page: their credits, their group's, and (for a group) its members'."""
        slug = artist.slug if isinstance(artist, Artist) else artist
        credited = (
            Q(artist__slug=slug) | Q(artist__member_of__slug=slug) | Q(artist__members__slug=slug)
        )
        return self.filter(pk__in=Credit.objects.filter(credited).values("collab_id"))

    def related_to(self, collab: Collab) -> CollabQuerySet:
        """Other collabs sharing an artist, that artist's group, or a member of it."""
        artist_ids = set()
        for credit in collab.credits.all():
            artist_ids.add(credit.artist_id)
            if credit.artist.member_of_id:
                artist_ids.add(credit.artist.member_of_id)
        credits = Credit.objects.filter(
            Q(artist_id__in=artist_ids) | Q(artist__member_of_id__in=artist_ids)
        )
        return self.exclude(pk=collab.pk).filter(pk__in=credits.values("collab_id"))

    def search(self, query: str) -> CollabQuerySet:
        """Titles, and the credited artists (or their groups) under any of their names."""
        query = query.strip()
        if not query:
            return self
        credits = Credit.objects.filter(
            ArtistQuerySet.name_matches(query, "artist__")
            | ArtistQuerySet.name_matches(query, "artist__member_of__")
            | Q(credited_as__icontains=query)
        )
        return self.filter(Q(title__icontains=query) | Q(pk__in=credits.values("collab_id")))

    def catalogue(
        self,
        *,
        q: str = "",
        sort: str = "top",
        year: int | None = None,
        genre: str = "",
        artist: str = "",
        country: str = "",
        crossover: bool = False,
    ) -> CollabQuerySet:
        """The /collabs/ filters and sorts, as the catalogue form cleaned them."""
        qs = self.search(q)
        if year:
            qs = qs.released_in(year)
        if genre:
            qs = qs.in_genre(genre)
        if artist:
            qs = qs.featuring(artist)
        if country:
            qs = qs.with_partner_from(country)
        if crossover:
            qs = qs.crossover()
        sorts = {
            "top": qs.top,
            "hot": qs.hot,
            "new": qs.newest,
            "discussed": qs.most_discussed,
        }
        return sorts.get(sort, qs.top)()

    # Orders (ties broken the same way every time) --------------------------
    def top(self) -> CollabQuerySet:
        return self.order_by("-vote_count", "-hot_score", "-release_date", "pk")

    def hot(self) -> CollabQuerySet:
        """Recent votes first; see HOT_EPOCH above for why the stored score orders them."""
        return self.order_by("-hot_score", "-vote_count", "-release_date", "pk")

    def trending(self, *, now: datetime | None = None) -> CollabQuerySet:
        """Most votes cast in the last TRENDING_WINDOW first, annotated `recent_votes`
        (what trending lists show); ties go to the hotter, then as hot() breaks them.

        Only collabs with a vote in the window can qualify, and each of those has a
        hot_score of at least that vote's term: the hot_score index narrows the
        candidates before any vote is counted, so this stays cheap with 200,000 votes."""
        since = (now or timezone.now()) - TRENDING_WINDOW
        recent = (
            Vote.objects.filter(collab=OuterRef("pk"), created_at__gte=since)
            .order_by()
            .values("collab")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            # A hair below the term: hot_score is a float sum, its last bits may differ.
            self.filter(hot_score__gte=hot_term(since) * (1 - 1e-9))
            .annotate(recent_votes=Coalesce(Subquery(recent), 0))
            .filter(recent_votes__gt=0)
            .order_by("-recent_votes", "-hot_score", "-vote_count", "-release_date", "pk")
        )

    def latest(self) -> CollabQuerySet:
        """Newest first, in an order no vote changes (unlike newest())."""
        return self.order_by("-release_date", "pk")

    def newest(self) -> CollabQuerySet:
        return self.order_by("-release_date", "-vote_count", "pk")

    def most_discussed(self) -> CollabQuerySet:
        return self.order_by("-thread__comment_count", "-vote_count", "-release_date", "pk")

    def with_rank(self) -> CollabQuerySet:
        """Annotate `rank`: the place in published().top(), in the same query. Collabs
        with as many votes share a place ("1, 2, 2, 4"), as on the leaderboards."""
        ahead = (
            Collab.objects.published()
            .filter(vote_count__gt=OuterRef("vote_count"))
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(rank=Coalesce(Subquery(ahead), 0) + 1)

    def rank_of(self, collab: Collab) -> int:
        """The place of `collab` among these by votes, shared with any it ties with."""
        return self.filter(vote_count__gt=collab.vote_count).count() + 1

    def release_years(self) -> list[int]:
        return sorted({d.year for d in self.order_by().dates("release_date", "year")}, reverse=True)


class Collab(models.Model):
    title = models.CharField("song title", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    release_date = models.DateField()
    genres = models.ManyToManyField(Genre, blank=True, related_name="collabs")
    cover = models.ImageField(upload_to="covers/", blank=True, editable=False)
    cover_list = models.ImageField(upload_to="covers/list/", blank=True, editable=False)
    cover_detail = models.ImageField(upload_to="covers/detail/", blank=True, editable=False)
    description = models.TextField(blank=True, help_text="Markdown.")
    # Not indexed alone: every catalogue index starts with it (Meta.indexes), and each
    # index more is one more entry to write on every vote.
    status = models.CharField(max_length=20, choices=CollabStatus, default=CollabStatus.PUBLISHED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    nominated_artists = models.CharField(
        max_length=300, blank=True, help_text="Artists as the nominating member typed them."
    )
    nomination_note = models.TextField(max_length=1000, blank=True)
    thread = models.OneToOneField(
        "comments.Thread", on_delete=models.PROTECT, related_name="collab", editable=False
    )
    # Kept exact by collabs.services.vote_toggle (updated in the vote's own transaction).
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    hot_score = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CollabQuerySet.as_manager()

    class Meta:
        ordering = ["-release_date", "pk"]
        indexes = [
            models.Index(fields=["status", "-vote_count"], name="collab_status_votes"),
            models.Index(fields=["status", "-hot_score"], name="collab_status_hot"),
            models.Index(fields=["status", "-release_date"], name="collab_status_released"),
        ]

    def __str__(self) -> str:
        # Only the title: the credit line needs the credits, and __str__ must not query.
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collabs:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == CollabStatus.PUBLISHED

    @property
    def performer_credits(self) -> list[Credit]:
        return [c for c in self.credits.all() if c.role in PERFORMING_ROLES]

    @property
    def other_credits(self) -> list[Credit]:
        return [c for c in self.credits.all() if c.role not in PERFORMING_ROLES]

    @cached_property
    def credit_line(self) -> str:
        """'Steve Aoki feat. BTS': the performing credits with their join phrases."""
        credits = self.performer_credits
        return "".join(
            credit.display_name + (credit.join_phrase if i < len(credits) - 1 else "")
            for i, credit in enumerate(credits)
        )

    @cached_property
    def is_crossover(self) -> bool:
        return len({c.artist.country for c in self.credits.all()}) > 1


# What a card shows of a collab's credits comes from these tables.
CREDIT_TABLES = ("t:collabs_credit", "t:collabs_artist")


def with_card_credits(collabs: list[Collab]) -> list[Collab]:
    """`collabs` with the credit line and crossover mark their cards show, kept in the
    process while no credit or artist changes: no credits fetched for a page of cards."""
    from core.caching import rows_in_process

    def fetch(pks: list[int]) -> dict[int, tuple[str, bool]]:
        fetched = [Collab(pk=pk) for pk in pks]
        credits = Credit.objects.select_related("artist")
        models.prefetch_related_objects(fetched, Prefetch("credits", queryset=credits))
        return {c.pk: (c.credit_line, c.is_crossover) for c in fetched}

    facts = rows_in_process("card-credits", CREDIT_TABLES, [c.pk for c in collabs], fetch)
    for collab in collabs:
        collab.credit_line, collab.is_crossover = facts[collab.pk]
    return collabs


class CreditRole(models.TextChoices):
    LEAD = "lead", "Lead"
    FEATURED = "featured", "Featured"
    PRODUCER = "producer", "Producer"
    WRITER = "writer", "Writer"


# Roles that make up the credit line ("Steve Aoki feat. BTS"); the others are listed apart.
PERFORMING_ROLES = frozenset({CreditRole.LEAD, CreditRole.FEATURED})


class Credit(models.Model):
    """One artist in a collab's credits, MusicBrainz style: rendered, never stored as a title."""

    collab = models.ForeignKey(Collab, on_delete=models.CASCADE, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="credits")
    credited_as = models.CharField(
        max_length=120, blank=True, help_text="Leave empty to use the artist's name."
    )
    join_phrase = models.CharField(
        max_length=20, blank=True, help_text='What follows this name: " & ", " feat. ", " x ".'
    )
    role = models.CharField(max_length=20, choices=CreditRole, default=CreditRole.LEAD)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collab", "position"], name="collabs_credit_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.credited_as or self.artist.name


# Where fans listen, by host (a subdomain counts as its site): the label of a listening
# link a member nominated. Longer hosts first, so music.youtube.com is not "YouTube".
LISTENING_SERVICES = {
    "music.youtube.com": "YouTube Music",
    "music.apple.com": "Apple Music",
    "music.amazon.com": "Amazon Music",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "spotify.com": "Spotify",
    "soundcloud.com": "SoundCloud",
    "deezer.com": "Deezer",
    "tidal.com": "TIDAL",
    "bandcamp.com": "Bandcamp",
    "melon.com": "Melon",
    "genie.co.kr": "Genie",
    "bugs.co.kr": "Bugs",
    "flo.com": "FLO",
    "vibe.naver.com": "VIBE",
}
LISTEN_LABEL = "Listen"


def listening_label(url: str) -> str:
    """The label a listening link shows: its service's name ("Spotify"), else "Listen"."""
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:  # not a URL at all ("https://[")
        return LISTEN_LABEL
    for known in sorted(LISTENING_SERVICES, key=len, reverse=True):
        if host == known or host.endswith(f".{known}"):
            return LISTENING_SERVICES[known]
    return LISTEN_LABEL


class ListeningLink(models.Model):
    collab = models.ForeignKey(Collab, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=40, help_text="Spotify, YouTube, Apple Music…")
    url = models.URLField("link", max_length=500, validators=[https_only])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="https://"), name="collabs_link_https_only"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.url}"


class VoteQuerySet(models.QuerySet):
    def by(self, user) -> VoteQuerySet:
        return self.filter(user=user)


class Vote(models.Model):
    # Neither key has an index of its own: the unique (user, collab) constraint serves
    # the member's lookups and vote_collab_recent the collab's, and the vote is the
    # busiest write.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    collab = models.ForeignKey(
        Collab, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = VoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "collab"], name="collabs_vote_one_per_member"),
        ]
        indexes = [models.Index(fields=["collab", "-created_at"], name="vote_collab_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.collab_id}"


def collaborators_of(artist: Artist, collabs: Iterable[Collab]) -> list[Artist]:
    """Who `artist` (or, for a group, its members) worked with, from prefetched credits."""
    own = {artist.pk, *(m.pk for m in artist.members.all())}
    family = own | ({artist.member_of_id} if artist.member_of_id else set())
    found: dict[int, Artist] = {}
    for collab in collabs:
        credits = list(collab.credits.all())
        if not own.intersection(c.artist_id for c in credits):
            continue
        for credit in credits:
            if credit.artist_id not in family:
                found.setdefault(credit.artist_id, credit.artist)
    return sorted(found.values(), key=lambda a: a.name.casefold())
