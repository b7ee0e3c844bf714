"""Fill an empty database with a site at scale, for the benchmark (`make bench`).

Everything is bulk-inserted, and the denormalised counters equal the rows afterwards:
vote_count, hot_score and like_count are computed from the rows generated, before they
are inserted; each discussion's comment_count and last activity are counted from the
inserted comments in one UPDATE. Release dates spread over 2009-2025, more of them in
recent years, and artists come from Korea and some thirty partner countries, so the
per-year and per-country pages have data at scale. It spans every app, so, like
demo_data, it sits in core and imports the apps inside the command.

    manage.py generate_scale_data                    # the issue's sizes, ~40 s on SQLite
    manage.py generate_scale_data --collabs 100000   # ten times the catalogue, ~1.5 min
    manage.py generate_scale_data --collabs 30 --members 20 --artists 12 --votes 100 \
        --comments 80 --big-thread 25 --articles 3   # a tiny site, for tests
"""

from __future__ import annotations

import random
import sys
import time
from calendar import isleap
from datetime import UTC, date, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

BIG_GROUP_SLUG = "scale-big-group"
BIG_COLLAB_SLUG = "scale-big-discussion"
BENCH_MEMBER = "bench_member"
BENCH_PASSWORD = "bench-password-not-secret"
BATCH = 2000

# Artists' countries of origin: most are Korean (every group, and most of their members);
# the partners come from many countries, the usual ones far more often (weight 1/rank), so
# the per-country pages have a few busy partners and a long tail.
PARTNER_COUNTRIES = [
    "US", "GB", "JP", "CA", "FR", "BR", "PR", "AU", "DE", "CN", "TH", "MX", "ES", "SE", "NL",
    "NZ", "CO", "IN", "PH", "ID", "NG", "IT", "TW", "AR", "ZA", "NO", "IE", "KE", "MA", "TR",
]  # fmt: skip
PARTNER_WEIGHTS = [1 / rank for rank in range(1, len(PARTNER_COUNTRIES) + 1)]
KOREAN_SOLOISTS = 0.45  # the share of the artists outside groups who are Korean
FOREIGN_MEMBERS = 0.06  # the share of group members from abroad (Lisa, TWICE's Sana…)
# Release years: FIRST_YEAR to LAST_YEAR, each year weighing more than the one before (the
# catalogue grows towards recent years, as K-pop's collaborations did).
FIRST_YEAR, LAST_YEAR = 2009, 2025
YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))
YEAR_WEIGHTS = [(year - FIRST_YEAR + 1) ** 1.5 for year in YEARS]
GENRES = ["Pop", "Hip hop", "R&B", "EDM", "Rock", "Latin", "Ballad", "Dance", "Afrobeats"]
WORDS = [
    "neon",
    "heart",
    "midnight",
    "crown",
    "fire",
    "dream",
    "wave",
    "sugar",
    "gold",
    "stage",
    "tempo",
    "echo",
    "velvet",
    "signal",
    "orbit",
    "candy",
    "thunder",
    "bloom",
    "mirror",
    "rush",
]
BODIES = [
    "This collab lives in my head rent free.",
    "The **bridge** at 2:10 is everything. Who else replayed it ten times?",
    "Honestly the MV deserved more views. [Full video](https://example.com/mv) is worth it.",
    "Not my favourite, but the producer credits explain the sound.",
    "Streaming this on repeat since release day!",
    "The vocal line on the second chorus is *unreal*.",
    "I came for the rap verse and stayed for the choreography.",
    "Underrated. Should be top 10 of all time.",
    "Their live performance of this one was even better than the studio version.",
    "Fun fact: they recorded it in two different countries over video calls.",
]


def progress(label: str, done: int, total: int, started: float) -> None:
    """A one-line progress bar on stderr: no dependency needed for this."""
    width = 30
    filled = int(width * done / max(total, 1))
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(
        f"\r{label:<14} [{bar}] {done:>7}/{total:<7} {time.monotonic() - started:6.1f}s"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Command(BaseCommand):
    help = "Generate a large site (collabs, artists, members, votes, comments, articles)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--collabs", type=int, default=10_000)
        parser.add_argument("--artists", type=int, default=3_000)
        parser.add_argument("--members", type=int, default=5_000)
        parser.add_argument("--votes", type=int, default=200_000)
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--likes", type=int, default=None, help="Default: comments / 2.")
        parser.add_argument(
            "--big-thread", type=int, default=500, help="Comments on the one big discussion."
        )
        parser.add_argument("--articles", type=int, default=200)
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, **options) -> None:
        from collabs.models import Collab

        if Collab.objects.exists():
            raise CommandError("The database already has collabs: use an empty database.")
        if options["votes"] > options["collabs"] * options["members"]:
            raise CommandError("More votes than member × collab pairs.")
        if options["big_thread"] > options["comments"]:
            raise CommandError("--big-thread cannot exceed --comments.")
        self.rng = random.Random(options["seed"])
        self.quiet = options["quiet"]
        self.now = datetime.now(UTC)
        started = time.monotonic()
        with transaction.atomic():
            members = self.make_members(options["members"])
            artists, big_group = self.make_artists(options["artists"])
            genres = self.make_genres()
            collabs = self.make_collabs(options["collabs"], artists, big_group, genres, members,
                                        options["votes"])  # fmt: skip
            articles = self.make_articles(options["articles"], members, collabs)
            threads = [c.thread_id for c in collabs] + [a.thread_id for a in articles]
            self.make_comments(options["comments"], options["big_thread"], threads, collabs,
                               members, options["likes"])  # fmt: skip
        # Fresh planner statistics: after bulk inserts PostgreSQL believes the tables are
        # nearly empty and sorts every collab instead of walking the indexes. On PostgreSQL,
        # vacuumed too, as autovacuum would leave a site that grew over time: each insert
        # bumped a version row, and the dead rows made the versions query 20 times slower.
        # (Not inside a transaction, where VACUUM cannot run: the tests'.)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data generated in {time.monotonic() - started:.0f}s.")
        )

    # Helpers -------------------------------------------------------------------

    def bulk(self, model, objects: list, label: str) -> list:
        """bulk_create in batches with a progress bar; returns the objects with their pks."""
        started = time.monotonic()
        for start in range(0, len(objects), BATCH):
            model.objects.bulk_create(objects[start : start + BATCH])
            if not self.quiet:
                progress(label, min(start + BATCH, len(objects)), len(objects), started)
        return objects

    def when(self, days: int = 365) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(days * 86_400))

    # Members -------------------------------------------------------------------

    def make_members(self, n: int) -> list:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from accounts.models import User
        from accounts.names import skeleton

        # One hash for everyone: hashing 5,000 passwords would take minutes.
        password = make_password(BENCH_PASSWORD)
        users = [
            User(
                username=BENCH_MEMBER if i == 0 else f"fan{i:05}",
                # bulk_create skips User.save(), which keeps the look-alike key.
                username_key=skeleton(BENCH_MEMBER if i == 0 else f"fan{i:05}"),
                email=f"{BENCH_MEMBER if i == 0 else f'fan{i:05}'}@scale.invalid",
                display_name=f"Fan {i}",
                password=password,
                # Old accounts: new-account limits are not what the benchmark measures.
                date_joined=self.now - timedelta(days=400 + self.rng.randrange(700)),
                email_notifications=False,
            )
            for i in range(n)
        ]
        self.bulk(User, users, "members")
        self.bulk(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            "emails",
        )
        return users

    # Catalogue -----------------------------------------------------------------

    def make_artists(self, n: int):
        from collabs.models import Artist, ArtistKind

        groups = max(1, n // 10)
        members_of_groups = min(n - groups, groups * 4)
        made: list = []
        for i in range(groups):
            big = i == 0
            made.append(
                Artist(
                    name="Scale Big Group"
                    if big
                    else f"Group {i} {self.rng.choice(WORDS).title()}",
                    slug=BIG_GROUP_SLUG if big else f"group-{i}",
                    kind=ArtistKind.GROUP,
                    country="KR",
                    other_names=f"SBG{i}",
                )
            )
        self.bulk(Artist, made, "groups")
        rest = []
        for i in range(n - groups):
            in_group = i < members_of_groups
            korean = self.rng.random() < (1 - FOREIGN_MEMBERS if in_group else KOREAN_SOLOISTS)
            rest.append(
                Artist(
                    name=f"Artist {i} {self.rng.choice(WORDS).title()}",
                    slug=f"artist-{i}",
                    kind=ArtistKind.SOLOIST,
                    country="KR" if korean else self.partner_country(),
                    member_of=made[i // 4] if in_group else None,
                )
            )
        self.bulk(Artist, rest, "artists")
        return made + rest, made[0]

    def partner_country(self) -> str:
        return self.rng.choices(PARTNER_COUNTRIES, weights=PARTNER_WEIGHTS)[0]

    def release_dates(self, n: int) -> list[date]:
        """n release days over FIRST_YEAR..LAST_YEAR, more of them in recent years."""
        years = self.rng.choices(YEARS, weights=YEAR_WEIGHTS, k=n)
        return [
            date(year, 1, 1) + timedelta(days=self.rng.randrange(365 + isleap(year)))
            for year in years
        ]

    def make_genres(self) -> list:
        from django.utils.text import slugify

        from collabs.models import Genre

        return self.bulk(Genre, [Genre(name=g, slug=slugify(g)) for g in GENRES], "genres")

    def make_collabs(self, n, artists, big_group, genres, members, n_votes):
        from collabs.models import Collab, Credit, CreditRole, Vote, hot_term
        from comments.models import Thread

        titles = [
            f"{self.rng.choice(WORDS).title()} {self.rng.choice(WORDS).title()} {i}"
            for i in range(n)
        ]
        slugs = [BIG_COLLAB_SLUG if i == 0 else f"scale-collab-{i}" for i in range(n)]
        threads = self.bulk(
            Thread,
            [
                # Every collab here is published: its discussion is public.
                Thread(page_url=f"/collabs/{s}/", title=t, public_from=self.now)
                for s, t in zip(slugs, titles, strict=True)
            ],
            "collab threads",
        )
        # Votes first, so each collab is inserted with its exact counters.
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < n_votes:
            pairs.add((self.rng.randrange(len(members)), self.zipf(n)))
        votes = []
        vote_count = [0] * n
        hot_score = [0.0] * n
        for member_i, collab_i in pairs:
            at = self.when(120)
            votes.append((member_i, collab_i, at))
            vote_count[collab_i] += 1
            hot_score[collab_i] += hot_term(at)
        released = self.release_dates(n)
        collabs = [
            Collab(
                title=titles[i],
                slug=slugs[i],
                release_date=released[i],
                status="published",
                description=f"A crossover between **{self.rng.choice(WORDS)}** fans, no. {i}.",
                thread=threads[i],
                vote_count=vote_count[i],
                hot_score=hot_score[i],
            )
            for i in range(n)
        ]
        self.bulk(Collab, collabs, "collabs")
        group_members = [a for a in artists if a.member_of_id == big_group.pk]
        credits, genre_links = [], []
        Through = Collab.genres.through
        for i, collab in enumerate(collabs):
            if i % max(1, n // 100) == 0:
                # ~100 collabs credit the big group or one of its members (its artist page).
                lead = self.rng.choice([big_group, *group_members])
            else:
                lead = self.rng.choice(artists)
            guest = self.rng.choice(artists)
            while guest.pk == lead.pk:
                guest = self.rng.choice(artists)
            join = self.rng.choice([" & ", " feat. ", " x "])
            credits.append(Credit(collab=collab, position=0, artist=lead, join_phrase=join))
            role = CreditRole.FEATURED if join == " feat. " else CreditRole.LEAD
            credits.append(Credit(collab=collab, position=1, artist=guest, role=role))
            if i % 3 == 0:
                producer = self.rng.choice(artists)
                credits.append(
                    Credit(collab=collab, position=2, artist=producer, role=CreditRole.PRODUCER)
                )
            for genre in self.rng.sample(genres, k=1 + i % 2):
                genre_links.append(Through(collab_id=collab.pk, genre_id=genre.pk))
        self.bulk(Credit, credits, "credits")
        self.bulk(Through, genre_links, "genres")
        self.bulk(
            Vote,
            [Vote(user=members[m], collab=collabs[c], created_at=at) for m, c, at in votes],
            "votes",
        )
        return collabs

    def zipf(self, n: int) -> int:
        """A collab index, popular ones (low indexes) far more likely: votes are skewed."""
        return min(n - 1, int(n * self.rng.random() ** 3))

    # Articles ------------------------------------------------------------------

    def make_articles(self, n, members, collabs) -> list:
        from articles.models import Article, FeaturedCollab
        from comments.models import Thread
        from core.markdown import render_markdown

        body = "\n\n".join(
            f"## Part {p}\n\n" + " ".join(self.rng.choice(WORDS) for _ in range(120))
            for p in range(1, 6)
        )
        body_html = render_markdown(body)
        threads = self.bulk(
            Thread,
            [
                Thread(
                    page_url=f"/articles/scale-article-{i}/",
                    title=f"Story {i}",
                    public_from=self.now - timedelta(hours=i + 1),  # its article's time
                )
                for i in range(n)
            ],
            "article threads",
        )
        articles = [
            Article(
                title=f"Story {i}: {self.rng.choice(WORDS)} meets the world",
                slug=f"scale-article-{i}",
                standfirst="How K-pop crossed over, one collab at a time.",
                body=body,
                body_html=body_html,
                author=members[0],
                status="published",
                published_at=self.now - timedelta(hours=i + 1),
                thread=threads[i],
            )
            for i in range(n)
        ]
        self.bulk(Article, articles, "articles")
        features = []
        for article in articles:
            for position, collab in enumerate(self.rng.sample(collabs, k=min(6, len(collabs)))):
                features.append(FeaturedCollab(article=article, collab=collab, position=position))
        self.bulk(FeaturedCollab, features, "features")
        return articles

    # Comments ------------------------------------------------------------------

    def make_comments(self, n, big, thread_ids, collabs, members, n_likes) -> None:
        from django.db.models import Count, Exists, Max, OuterRef, Subquery

        from comments.markup import render_comment
        from comments.models import MAX_DEPTH, Comment, CommentLike, Thread

        rendered = [(body, render_comment(body, mentions={})) for body in BODIES]
        big_thread = collabs[0].thread_id
        # Which thread each comment goes to: `big` on the big one, the rest spread
        # over the other threads (popular collabs more).
        placement = [big_thread] * big + [
            thread_ids[1 + self.zipf(len(thread_ids) - 1)] for _ in range(n - big)
        ]
        # Shape: in each thread, about a third are top-level, the rest reply to an
        # earlier comment of the same thread (trees up to MAX_DEPTH levels).
        plan = []  # (thread_id, parent_index or None)
        by_thread: dict[int, list[int]] = {}
        for thread_id in placement:
            earlier = by_thread.setdefault(thread_id, [])
            parent = None
            if earlier and self.rng.random() > 0.35:
                parent = self.rng.choice(earlier[-40:])
            earlier.append(len(plan))
            plan.append((thread_id, parent))
        depth = [1] * n
        root = [None] * n
        for i, (_, parent) in enumerate(plan):
            if parent is not None:
                if depth[parent] >= MAX_DEPTH:
                    parent = plan[parent][1]
                    plan[i] = (plan[i][0], parent)
                depth[i] = depth[parent] + 1
                root[i] = root[parent] if root[parent] is not None else parent
        # Likes, before insertion, so like_count is exact.
        n_likes = n // 2 if n_likes is None else n_likes
        likes: set[tuple[int, int]] = set()
        while len(likes) < min(n_likes, n * len(members)):
            likes.add((self.rng.randrange(n), self.rng.randrange(len(members))))
        like_count = [0] * n
        for comment_i, _ in likes:
            like_count[comment_i] += 1
        times = sorted(self.when(90) for _ in range(n))
        comments = []
        for i, (thread_id, _) in enumerate(plan):
            body, html = rendered[i % len(rendered)]
            comments.append(
                Comment(
                    thread_id=thread_id,
                    author=members[self.rng.randrange(len(members))],
                    depth=depth[i],
                    body=body,
                    body_html=html,
                    like_count=like_count[i],
                    created_at=times[i],
                )
            )
        # Parents need their pks before their replies: insert level by level.
        for level in range(1, MAX_DEPTH + 1):
            for i, (_, parent) in enumerate(plan):
                if depth[i] == level and parent is not None:
                    comments[i].parent_id = comments[parent].pk
                    comments[i].root_id = comments[root[i]].pk
            self.bulk(
                Comment,
                [c for i, c in enumerate(comments) if depth[i] == level],
                f"comments L{level}",
            )
        self.bulk(
            CommentLike,
            [CommentLike(comment=comments[c], user=members[m]) for c, m in likes],
            "likes",
        )
        # Each discussion's count and last activity, counted from the rows just inserted:
        # one UPDATE, where one per thread took seconds at 100,000 collabs.
        started = time.monotonic()
        if connection.vendor == "postgresql":
            # Statistics for the rows just inserted (in this transaction): without them
            # PostgreSQL counted each thread's comments by scanning every visible one.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE comments_comment, comments_thread")
        visible = (
            Comment.objects.filter(thread=OuterRef("pk"), state=Comment.State.VISIBLE)
            .order_by()
            .values("thread")
        )
        discussed = Thread.objects.filter(Exists(Comment.objects.filter(thread=OuterRef("pk"))))
        done = discussed.update(
            comment_count=Subquery(visible.annotate(n=Count("pk")).values("n")),
            last_activity_at=Subquery(visible.annotate(at=Max("created_at")).values("at")),
        )
        if not self.quiet:
            progress("thread counts", done, done, started)
