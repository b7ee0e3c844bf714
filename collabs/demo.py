"""Demo catalogue: the collabs the seed article names, their artists, genres and some votes.

Runs after accounts.demo (which creates the demo members). Idempotent: everything is
looked up by slug first, and a member who already voted is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import quote_plus

from django.utils import timezone

from accounts.demo import DEMO_MEMBERS
from accounts.models import User
from collabs import services
from collabs.models import Artist, ArtistKind, Collab, CreditRole, Vote
from collabs.services import CreditSpec

G, S, B, P, R = (
    ArtistKind.GROUP,
    ArtistKind.SOLOIST,
    ArtistKind.BAND,
    ArtistKind.PRODUCER,
    ArtistKind.RAPPER,
)

# slug: (name, korean name, other names, kind, country, group slug, bio)
ARTISTS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "blackpink": ("BLACKPINK", "블랙핑크", "Black Pink", G, "KR", "",
                  "Four-member girl group from YG Entertainment, debuted 2016."),
    "jisoo": ("Jisoo", "지수", "Kim Ji-soo, Kim Jisoo", S, "KR", "blackpink",
              "BLACKPINK's eldest member, singer and actress."),
    "rose": ("Rosé", "로제", "Roseanne Park, Park Chae-young, Rose", S, "KR", "blackpink",
             "BLACKPINK's main vocalist, raised in Auckland and Melbourne."),
    "bts": ("BTS", "방탄소년단", "Bangtan Boys, Bangtan Sonyeondan", G, "KR", "",
            "Seven-member boy group from BigHit, debuted 2013."),
    "j-hope": ("j-hope", "제이홉", "Jung Ho-seok, J-Hope, Hobi", S, "KR", "bts",
               "BTS rapper, dancer and producer."),
    "seventeen": ("SEVENTEEN", "세븐틴", "SVT", G, "KR", "",
                  "Thirteen members in three units, self-producing since 2015."),
    "s-coups": ("S.Coups", "에스쿱스", "Choi Seung-cheol, SCoups, S Coups", S, "KR", "seventeen",
                "SEVENTEEN's leader and hip-hop unit leader."),
    "mingyu": ("Mingyu", "민규", "Kim Min-gyu", S, "KR", "seventeen",
               "SEVENTEEN rapper from the hip-hop unit."),
    "stray-kids": ("Stray Kids", "스트레이 키즈", "SKZ", G, "KR", "",
                   "JYP's eight-member boy group, self-produced through 3RACHA."),
    "wonder-girls": ("Wonder Girls", "원더걸스", "WG", G, "KR", "",
                     "JYP girl group behind “Tell Me” and “Nobody”; the first K-pop act "
                     "on the Billboard Hot 100."),
    "zayn": ("Zayn", "", "Zayn Malik, ZAYN", S, "GB", "", "English singer, ex-One Direction."),
    "bruno-mars": ("Bruno Mars", "", "Peter Gene Hernandez", S, "US", "",
                   "Singer, songwriter and producer from Honolulu."),
    "lay-bankz": ("Lay Bankz", "", "", R, "US", "", "Philadelphia rapper and singer."),
    "glorilla": ("GloRilla", "", "Gloria Woods", R, "US", "", "Memphis rapper."),
    "akon": ("Akon", "", "Aliaune Thiam", S, "US", "", "Senegalese-American singer and producer."),
    "the-chainsmokers": ("The Chainsmokers", "", "Chainsmokers", P, "US", "",
                         "EDM and pop duo from New York."),
    "steve-aoki": ("Steve Aoki", "", "", P, "US", "", "DJ and producer, Dim Mak founder."),
    "desiigner": ("Desiigner", "", "Sidney Selby", R, "US", "", "Brooklyn rapper."),
    "lady-gaga": ("Lady Gaga", "", "Stefani Germanotta, Gaga", S, "US", "",
                  "Singer, songwriter and actress from New York."),
    "selena-gomez": ("Selena Gomez", "", "Selena", S, "US", "", "Singer and actress from Texas."),
    "charlie-puth": ("Charlie Puth", "", "", S, "US", "", "Singer, songwriter and producer."),
}  # fmt: skip

L, F = CreditRole.LEAD, CreditRole.FEATURED

# slug: (title, release date, [(artist slug, join phrase, role)], genres, description,
#        [(votes, days since the first of them)])
COLLABS = {
    "eyes-closed": (
        "Eyes Closed",
        date(2025, 10, 10),
        [("jisoo", " & ", L), ("zayn", "", L)],
        ["K-pop", "R&B", "Pop"],
        "Jisoo's first big cross-culture collab and Zayn's smooth dive into K-pop's orbit: "
        "soft, cinematic and **totally playlist-core**, moody R&B with dreamy Y2K energy.",
        (9, 2),
    ),
    "apt": (
        "APT.",
        date(2024, 10, 18),
        [("rose", " & ", L), ("bruno-mars", "", L)],
        ["K-pop", "Pop", "Pop rock"],
        "Inspired by *apateu*, a Korean drinking game, and a global number one that broke "
        "streaming and airplay records. Cultural exchange, not just a Western feature.",
        (12, 40),
    ),
    "5-4-3-pretty-woman": (
        "5, 4, 3 (Pretty Woman)",
        date(2025, 3, 10),
        [("s-coups", " & ", L), ("mingyu", " feat. ", L), ("lay-bankz", "", F)],
        ["K-pop", "Hip hop"],
        "The SEVENTEEN unit of S.Coups and Mingyu interpolates “Oh, Pretty Woman” with "
        "Philadelphia's Lay Bankz on the feature.",
        (6, 10),
    ),
    "killin-it-girl": (
        "Killin' It Girl",
        date(2025, 6, 13),
        [("j-hope", " feat. ", L), ("glorilla", "", F)],
        ["K-pop", "Hip hop"],
        "Named best collaboration of summer 2025: K-pop idol energy meets Memphis rap.",
        (8, 5),
    ),
    "like-money": (
        "Like Money",
        date(2012, 7, 6),
        [("wonder-girls", " feat. ", L), ("akon", "", F)],
        ["K-pop", "Dance-pop"],
        "Wonder Girls' English-language single with Akon, from the first wave of "
        "K-pop's American ambitions.",
        (3, 90),
    ),
    "best-of-me": (
        "Best of Me",
        date(2017, 9, 18),
        [("bts", " & ", L), ("the-chainsmokers", "", L)],
        ["K-pop", "EDM"],
        "Co-written with The Chainsmokers' Andrew Taggart for BTS's *Love Yourself: Her*.",
        (7, 60),
    ),
    "mic-drop-steve-aoki-remix": (
        "MIC Drop (Steve Aoki Remix)",
        date(2017, 11, 24),
        [("bts", " & ", L), ("steve-aoki", " feat. ", L), ("desiigner", "", F)],
        ["K-pop", "EDM", "Hip hop"],
        "The remix that took BTS into the Billboard Hot 100's top 30.",
        (10, 30),
    ),
    "waste-it-on-me": (
        "Waste It On Me",
        date(2018, 10, 25),
        [("steve-aoki", " feat. ", L), ("bts", "", F)],
        ["EDM", "Pop"],
        "Steve Aoki's all-English track with BTS on vocals.",
        (5, 45),
    ),
    "sour-candy": (
        "Sour Candy",
        date(2020, 5, 28),
        [("lady-gaga", " & ", L), ("blackpink", "", L)],
        ["Pop", "House"],
        "A house-pop highlight of Lady Gaga's *Chromatica*.",
        (8, 20),
    ),
    "ice-cream": (
        "Ice Cream",
        date(2020, 8, 28),
        [("blackpink", " & ", L), ("selena-gomez", "", L)],
        ["K-pop", "Pop"],
        "Sweet, bubblegum and co-written by Ariana Grande.",
        (7, 25),
    ),
    "lose-my-breath": (
        "Lose My Breath",
        date(2024, 5, 10),
        [("stray-kids", " feat. ", L), ("charlie-puth", "", F)],
        ["K-pop", "Pop"],
        "Stray Kids' first English-language single, with Charlie Puth.",
        (9, 15),
    ),
}


def load(*, log: Callable[[str], None]) -> None:
    artists = _artists()
    created = 0
    for slug, (title, released, credits, genres, description, _) in COLLABS.items():
        if Collab.objects.filter(slug=slug).exists():
            continue
        services.collab_create(
            title=title,
            slug=slug,
            release_date=released,
            description=description,
            credits=[
                CreditSpec(artist=artists[a], join_phrase=join, role=role)
                for a, join, role in credits
            ],
            genres=[services.genre_get_or_create(name=name) for name in genres],
            links=[
                ("YouTube", f"https://www.youtube.com/results?search_query={quote_plus(title)}")
            ],
        )
        created += 1
    votes = _votes()
    log(f"Catalogue: {len(COLLABS)} collabs ({created} new), {votes} new demo votes.")


def _artists() -> dict[str, Artist]:
    existing = {a.slug: a for a in Artist.objects.filter(slug__in=ARTISTS)}
    # Groups first, so members can point at them.
    for slug, (name, korean, others, kind, country, group, bio) in sorted(
        ARTISTS.items(), key=lambda item: bool(item[1][5])
    ):
        if slug not in existing:
            existing[slug] = services.artist_create(
                name=name,
                slug=slug,
                korean_name=korean,
                other_names=others,
                kind=kind,
                country=country,
                member_of=existing[group] if group else None,
                bio=bio,
            )
    return existing


def _votes() -> int:
    """Member i votes for a collab if i < its vote count, spread back over `days`."""
    members = list(User.objects.filter(username__in=[u for u, _, _ in DEMO_MEMBERS]))
    members.sort(key=lambda m: [u for u, _, _ in DEMO_MEMBERS].index(m.username))
    collabs = {c.slug: c for c in Collab.objects.filter(slug__in=COLLABS)}
    already = set(Vote.objects.filter(user__in=members).values_list("user_id", "collab_id"))
    now, cast = timezone.now(), 0
    for slug, spec in COLLABS.items():
        count, days = spec[5]
        for i, member in enumerate(members[:count]):
            collab = collabs[slug]
            if (member.pk, collab.pk) in already:
                continue
            at = now - timedelta(days=days * (i + 1) / count)
            services.vote_cast(user=member, collab=collab, at=at)
            cast += 1
    return cast
