"""Demo catalogue: the collabs the seed article names, some seventy K-pop collabs from 2009
to 2025 (international ones, and within K-pop: features across groups, units, duets), their
artists with countries and groups, genres, votes and discussions, each its own.

Runs after accounts.demo (which creates the demo members). Idempotent: everything is
looked up by slug first, and a member who already voted is left alone, so a database an
earlier version filled gets only what is new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import quote_plus

from django.utils import timezone

from accounts.demo import DEMO_MEMBERS, demo_start
from accounts.models import User
from collabs import services
from collabs.models import Artist, ArtistKind, Collab, CreditRole, Vote
from collabs.services import CreditSpec
from comments.demo import add_demo_comments, drop_legacy_copy

G, S, B, P, R, U, D = (
    ArtistKind.GROUP,
    ArtistKind.SOLOIST,
    ArtistKind.BAND,
    ArtistKind.PRODUCER,
    ArtistKind.RAPPER,
    ArtistKind.UNIT,
    ArtistKind.DUO,
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
    # K-pop among itself: features across groups, and a unit.
    "bigbang": ("BIGBANG", "빅뱅", "Big Bang", G, "KR", "",
                "YG Entertainment boy group, debuted 2006."),
    "taeyang": ("Taeyang", "태양", "Dong Young-bae, Sol", S, "KR", "bigbang",
                "BIGBANG's main vocalist, with a solo career since 2008."),
    "jimin": ("Jimin", "지민", "Park Ji-min", S, "KR", "bts", "BTS vocalist and dancer."),
    "suga": ("SUGA", "슈가", "Min Yoon-gi, Agust D", S, "KR", "bts",
             "BTS rapper and producer, also known as Agust D."),
    "iu": ("IU", "아이유", "Lee Ji-eun", S, "KR", "", "Singer-songwriter and actress."),
    "bss": ("BSS", "부석순", "BooSeokSoon, SEVENTEEN BSS", U, "KR", "seventeen",
            "SEVENTEEN's unit of Seungkwan, DK and Hoshi."),
    "lee-young-ji": ("Lee Young Ji", "이영지", "Young Ji", R, "KR", "",
                     "Rapper and TV personality from Seoul."),
    # The wider catalogue, 2009-2025. Country is the country of origin the way the rows
    # above read it: where an artist comes from as an artist (Rosé is KR, Akon US), so
    # Thailand's Lisa is TH and China's Lay CN, while Nicki Minaj (born in Trinidad) and
    # French Montana (born in Morocco), who came up in New York, are US.
    "jennie": ("JENNIE", "제니", "Jennie Kim, Kim Jennie, Jennie Ruby Jane", S, "KR", "blackpink",
               "BLACKPINK's main rapper and vocalist; her solo album Ruby came out in 2025."),
    "lisa": ("LISA", "리사", "Lalisa Manobal, Lalisa, Lisa Manoban", S, "TH", "blackpink",
             "BLACKPINK's main dancer and rapper, born and raised in Thailand."),
    "rm": ("RM", "알엠", "Kim Nam-joon, Namjoon, Rap Monster", S, "KR", "bts",
           "BTS's leader and main rapper."),
    "jung-kook": ("Jung Kook", "정국", "Jeon Jung-kook, Jungkook, JK", S, "KR", "bts",
                  "BTS's youngest member and main vocalist; solo album Golden in 2023."),
    "v": ("V", "뷔", "Kim Tae-hyung, Taehyung", S, "KR", "bts", "BTS vocalist and actor."),
    "g-dragon": ("G-Dragon", "지드래곤", "Kwon Ji-yong, GD", S, "KR", "bigbang",
                 "BIGBANG's leader, rapper and producer."),
    "daesung": ("Daesung", "대성", "Kang Dae-sung, D-Lite", S, "KR", "bigbang",
                "BIGBANG vocalist."),
    "2ne1": ("2NE1", "투애니원", "To Anyone", G, "KR", "",
             "YG Entertainment girl group, debuted 2009."),
    "cl": ("CL", "씨엘", "Lee Chae-rin", R, "KR", "2ne1", "2NE1's leader and rapper."),
    "psy": ("PSY", "싸이", "Park Jae-sang, Psy", S, "KR", "",
            "Singer and rapper behind “Gangnam Style” (2012)."),
    "akmu": ("AKMU", "악뮤", "Akdong Musician, Lee Chan-hyuk, Lee Su-hyun", D, "KR", "",
             "Sibling duo of Lee Chan-hyuk and Lee Su-hyun."),
    "zico": ("ZICO", "지코", "Woo Ji-ho, Zico", R, "KR", "",
             "Rapper and producer, formerly Block B's leader."),
    "crush": ("Crush", "크러쉬", "Shin Hyo-seob", S, "KR", "", "R&B singer-songwriter."),
    "park-hyo-shin": ("Park Hyo-shin", "박효신", "Park Hyo Shin", S, "KR", "",
                      "Ballad singer and musical actor, debuted 1999."),
    "txt": ("TOMORROW X TOGETHER", "투모로우바이투게더", "TXT", G, "KR", "",
            "BigHit's five-member boy group, debuted 2019."),
    "seori": ("Seori", "서리", "", S, "KR", "", "Singer-songwriter."),
    "ha-sung-woon": ("Ha Sung-woon", "하성운", "Ha Sungwoon", S, "KR", "",
                     "Singer, formerly of HOTSHOT and Wanna One."),
    "exo": ("EXO", "엑소", "", G, "KR", "", "SM Entertainment boy group, debuted 2012."),
    "baekhyun": ("Baekhyun", "백현", "Byun Baek-hyun", S, "KR", "exo", "EXO's main vocalist."),
    "lay": ("Lay", "레이", "Zhang Yixing, Lay Zhang", S, "CN", "exo",
            "Chinese singer, dancer and producer, a member of EXO."),
    "suzy": ("Suzy", "수지", "Bae Suzy, Bae Su-ji", S, "KR", "",
             "Singer and actress, formerly of miss A."),
    "le-sserafim": ("LE SSERAFIM", "르세라핌", "Le Sserafim", G, "KR", "",
                    "Five-member girl group from Source Music, debuted 2022."),
    "twice": ("TWICE", "트와이스", "", G, "KR", "",
              "JYP's nine-member girl group, debuted 2015."),
    "monsta-x": ("MONSTA X", "몬스타엑스", "Monsta X", G, "KR", "",
                 "Starship Entertainment boy group, debuted 2015."),
    "super-junior": ("Super Junior", "슈퍼주니어", "SJ, Suju", G, "KR", "",
                     "SM Entertainment boy group, debuted 2005."),
    "nct-127": ("NCT 127", "엔시티 127", "NCT127", G, "KR", "",
                "SM Entertainment's Seoul-based NCT group, debuted 2016."),
    "gidle": ("(G)I-DLE", "(여자)아이들", "G-IDLE, GIDLE, i-dle", G, "KR", "",
              "Cube Entertainment girl group, debuted 2018."),
    # Riot Games' virtual group: its singers are credited beside it.
    "kda": ("K/DA", "", "KDA", G, "US", "",
            "Riot Games' virtual group of League of Legends champions."),
    "halsey": ("Halsey", "", "Ashley Frangipane", S, "US", "",
               "Singer-songwriter from New Jersey."),
    "dua-lipa": ("Dua Lipa", "", "", S, "GB", "", "Singer-songwriter from London."),
    "coldplay": ("Coldplay", "", "", B, "GB", "", "Band formed in London in the late 1990s."),
    "latto": ("Latto", "", "Alyssa Stephens, Big Latto", R, "US", "", "Atlanta rapper."),
    "jack-harlow": ("Jack Harlow", "", "", R, "US", "", "Rapper from Louisville, Kentucky."),
    "megan-thee-stallion": ("Megan Thee Stallion", "", "Megan Pete, Meg", R, "US", "",
                            "Houston rapper."),
    "dj-snake": ("DJ Snake", "", "William Grigahcine", P, "FR", "", "DJ and producer from Paris."),
    "ozuna": ("Ozuna", "", "Juan Carlos Ozuna Rosado", S, "PR", "",
              "Reggaeton singer from Puerto Rico."),
    "rosalia": ("Rosalía", "", "Rosalia, Rosalía Vila Tobella", S, "ES", "",
                "Singer and producer from Catalonia."),
    "snoop-dogg": ("Snoop Dogg", "", "Calvin Broadus", R, "US", "", "Rapper from Long Beach."),
    "nicki-minaj": ("Nicki Minaj", "", "Onika Maraj", R, "US", "",
                    "Rapper born in Trinidad and raised in Queens."),
    "lauv": ("Lauv", "", "Ari Leff", S, "US", "", "Singer, songwriter and producer."),
    "sia": ("Sia", "", "Sia Furler", S, "AU", "", "Singer-songwriter from Adelaide."),
    "jawsh-685": ("Jawsh 685", "", "Joshua Nanai, Jawsh", P, "NZ", "",
                  "Producer from South Auckland."),
    "jason-derulo": ("Jason Derulo", "", "", S, "US", "", "Singer and dancer from Florida."),
    "becky-g": ("Becky G", "", "Rebbeca Gomez", S, "US", "", "Singer and actress from California."),
    "j-cole": ("J. Cole", "", "J Cole, Jermaine Cole", R, "US", "",
               "Rapper and producer, founder of Dreamville."),
    "miguel": ("Miguel", "", "", S, "US", "", "R&B singer-songwriter from Los Angeles."),
    "cardi-b": ("Cardi B", "", "Belcalis Almánzar", R, "US", "", "Rapper from the Bronx."),
    "the-weeknd": ("The Weeknd", "", "Abel Tesfaye, Weeknd", S, "CA", "",
                   "Singer and producer from Toronto."),
    "lily-rose-depp": ("Lily-Rose Depp", "", "Lily Rose Depp", S, "FR", "",
                       "Actress and singer, born in France; she leads The Idol."),
    "jonas-brothers": ("Jonas Brothers", "", "Jonas Bros", B, "US", "",
                       "Pop band of Kevin, Joe and Nick Jonas."),
    "anitta": ("Anitta", "", "Larissa de Macedo Machado", S, "BR", "",
               "Singer from Rio de Janeiro."),
    "nile-rodgers": ("Nile Rodgers", "", "", P, "US", "",
                     "Guitarist and producer, co-founder of Chic."),
    "lil-nas-x": ("Lil Nas X", "", "Montero Hill", R, "US", "", "Rapper from Atlanta."),
    "french-montana": ("French Montana", "", "Karim Kharbouch", R, "US", "",
                       "Rapper born in Morocco and raised in the Bronx."),
    "leslie-grace": ("Leslie Grace", "", "", S, "US", "",
                     "Dominican-American singer and actress from New York."),
    "reik": ("Reik", "", "", B, "MX", "", "Pop band from Mexicali."),
    "madison-beer": ("Madison Beer", "", "", S, "US", "", "Singer from New York."),
    "jaira-burns": ("Jaira Burns", "", "", S, "US", "", "Singer-songwriter."),
    "doja-cat": ("Doja Cat", "", "Amala Dlamini", R, "US", "",
                 "Rapper and singer from Los Angeles."),
    "raye": ("RAYE", "", "Raye, Rachel Keen", S, "GB", "", "Singer-songwriter from London."),
    "future": ("Future", "", "Nayvadius Wilburn", R, "US", "", "Atlanta rapper."),
    "doechii": ("Doechii", "", "Jaylah Hickmon", R, "US", "", "Rapper from Tampa, Florida."),
    "dominic-fike": ("Dominic Fike", "", "", S, "US", "", "Singer and actor from Florida."),
    "major-lazer": ("Major Lazer", "", "", P, "US", "", "Electronic music group founded by Diplo."),
}  # fmt: skip

L, F = CreditRole.LEAD, CreditRole.FEATURED

# slug: (title, release date, [(artist slug, join phrase, role[, credited as])], genres,
#        description, (votes by the first demo members, days since the first of them))
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
    # Not crossovers (every credit is Korean): collabs within K-pop.
    "vibe": (
        "VIBE",
        date(2023, 1, 13),
        [("taeyang", " feat. ", L), ("jimin", "", F)],
        ["K-pop", "R&B"],
        "BIGBANG's Taeyang with BTS's Jimin: two generations of K-pop's biggest boy groups "
        "on one smooth, slow-burning track.",
        (6, 35),
    ),
    "eight": (
        "Eight",
        date(2020, 5, 6),
        [("iu", " feat. ", L), ("suga", "", F)],
        ["K-pop", "Pop rock"],
        "IU with BTS's SUGA, who also co-produced it: a bittersweet pop-rock single.",
        (5, 120),
    ),
    "fighting": (
        "Fighting",
        date(2023, 2, 6),
        [("bss", " feat. ", L), ("lee-young-ji", "", F)],
        ["K-pop", "Pop"],
        "The SEVENTEEN unit BSS (Seungkwan, DK and Hoshi) with rapper Lee Young Ji: "
        "a cheer-up song for everyone who needs one.",
        (4, 50),
    ),
}

# What the first demo held: the seed article's 11 and the 3 within K-pop. Tests that pin
# the catalogue exactly load only these (load(only=FIRST_CATALOGUE)).
FIRST_CATALOGUE = tuple(COLLABS)

# The wider catalogue, 2009-2025: collabs that made the news, each title, credit and day
# checked against the release reports. Where only the month is certain the day is the
# 1st, marked "day unsure": an editor corrects it in the admin.
COLLABS |= {
    # International.
    "hangover": ("Hangover", date(2014, 6, 1),  # day unsure: 8 or 9 June 2014
                 [("psy", " feat. ", L), ("snoop-dogg", "", F)], ["K-pop", "Hip hop"],
                 "PSY's party single with Snoop Dogg, two years after “Gangnam Style”.", (4, 80)),
    "lo-siento": ("Lo Siento", date(2018, 4, 12),
                  [("super-junior", " feat. ", L), ("leslie-grace", "", F)], ["K-pop", "Latin"],
                  "Super Junior sing in Korean, English and Spanish with Leslie Grace.", (3, 70)),
    "idol-feat-nicki-minaj": ("IDOL", date(2018, 8, 24),
                              [("bts", " feat. ", L), ("nicki-minaj", "", F)],
                              ["K-pop", "Hip hop"],
                              "The digital version of BTS's “IDOL”, with a Nicki Minaj verse.",
                              (9, 90)),
    "one-more-time-otra-vez": ("One More Time (Otra Vez)", date(2018, 10, 8),
                               [("super-junior", " feat. ", L), ("reik", "", F)],
                               ["K-pop", "Latin", "Reggaeton"],
                               "Super Junior's second Latin single, with Mexican band Reik.",
                               (2, 60)),
    "kiss-and-make-up": ("Kiss and Make Up", date(2018, 10, 19),
                         [("dua-lipa", " & ", L), ("blackpink", "", L)], ["Pop", "Dance-pop"],
                         "Dua Lipa's bilingual duet with BLACKPINK, from the Complete Edition "
                         "of her debut album.", (9, 85)),
    "pop-stars": ("POP/STARS", date(2018, 11, 3),
                  [("kda", ", ", L), ("madison-beer", ", ", L), ("gidle", " & ", L),
                   ("jaira-burns", "", L)], ["K-pop", "Pop"],
                  "League of Legends' virtual group, voiced by Madison Beer, (G)I-DLE's Miyeon "
                  "and Soyeon, and Jaira Burns.", (5, 75)),
    "lets-shut-up-and-dance": ("Let's Shut Up & Dance", date(2019, 2, 22),
                               [("jason-derulo", ", ", L), ("lay", " & ", L), ("nct-127", "", L)],
                               ["Dance-pop"], "A Michael Jackson tribute across three countries.",
                               (3, 65)),
    "boy-with-luv": ("Boy With Luv", date(2019, 4, 12),
                     [("bts", " feat. ", L), ("halsey", "", F)], ["K-pop", "Pop"],
                     "The lead single of Map of the Soul: Persona, with Halsey.", (11, 95)),
    "who-do-u-love": ("Who Do U Love?", date(2019, 6, 14),
                      [("monsta-x", " feat. ", L), ("french-montana", "", F)], ["Pop", "R&B"],
                      "MONSTA X's first original English-language single.", (3, 55)),
    "seoul-town-road": ("Seoul Town Road", date(2019, 7, 1),  # day unsure: 24 or 25 July
                        [("lil-nas-x", " feat. ", L), ("rm", "", F)], ["Hip hop", "Country rap"],
                        "The “Old Town Road” remix where RM takes his horse to Seoul.", (6, 50)),
    "chicken-noodle-soup": ("Chicken Noodle Soup", date(2019, 9, 27),
                            [("j-hope", " feat. ", L), ("becky-g", "", F)], ["K-pop", "Hip hop"],
                            "Korean, English and Spanish over the 2006 dance hit's hook.", (8, 70)),
    "make-it-right-feat-lauv": ("Make It Right", date(2019, 10, 18),
                                [("bts", " feat. ", L), ("lauv", "", F)], ["K-pop", "Pop"],
                                "Lauv's new English verses on the BTS song Ed Sheeran co-wrote.",
                                (6, 45)),
    "sugas-interlude": ("SUGA's Interlude", date(2019, 12, 6),
                        [("halsey", " & ", L), ("suga", "", L)], ["Pop", "Hip hop"],
                        "From Halsey's Manic: SUGA's verses over a sombre piano.", (5, 40)),
    "on-feat-sia": ("ON", date(2020, 2, 21), [("bts", " feat. ", L), ("sia", "", F)],
                    ["K-pop", "Hip hop"], "The digital version of BTS's “ON”, with Sia.", (7, 60)),
    "who": ("Who", date(2020, 3, 6), [("lauv", " feat. ", L), ("bts", "", F)], ["Pop"],
            "From Lauv's debut album, with Jimin and Jung Kook.", (5, 35)),
    "savage-love-bts-remix": ("Savage Love (Laxed – Siren Beat) [BTS Remix]", date(2020, 10, 2),
                              [("jawsh-685", ", ", L), ("jason-derulo", " & ", L),
                               ("bts", "", L)], ["Pop", "Hip hop"],
                              "A New Zealand beat, an American hook and BTS: a US number one.",
                              (10, 55)),
    "bet-you-wanna": ("Bet You Wanna", date(2020, 10, 2),
                      [("blackpink", " feat. ", L), ("cardi-b", "", F)], ["K-pop", "Pop"],
                      "From BLACKPINK's first studio album, with Cardi B.", (7, 50)),
    "butter-feat-megan-thee-stallion": ("Butter", date(2021, 8, 27),
                                        [("bts", " feat. ", L), ("megan-thee-stallion", "", F)],
                                        ["K-pop", "Dance-pop"],
                                        "The “Butter” remix Megan Thee Stallion went to court "
                                        "to release.", (10, 45)),
    "my-universe": ("My Universe", date(2021, 9, 24), [("coldplay", " x ", L), ("bts", "", L)],
                    ["Pop", "Pop rock"], "Sung in English and Korean; produced by Max Martin.",
                    (12, 60)),
    "sg": ("SG", date(2021, 10, 22),
           [("dj-snake", " feat. ", L), ("ozuna", ", ", F), ("megan-thee-stallion", " & ", F),
            ("lisa", "", F)], ["Latin", "EDM"],
           "A French DJ, a Puerto Rican singer, a Houston rapper and Thailand's Lisa.", (8, 40)),
    "left-and-right": ("Left and Right", date(2022, 6, 24),
                       [("charlie-puth", " feat. ", L), ("jung-kook", "", F)], ["Pop"],
                       "Jung Kook's first big feature after BTS's pause.", (9, 35)),
    "on-the-street": ("on the street", date(2023, 3, 3),
                      [("j-hope", " with ", L), ("j-cole", "", F)], ["Hip hop"],
                      "j-hope with J. Cole, one of his longtime idols; out just before his "
                      "military service.", (6, 30)),
    "shoong": ("Shoong!", date(2023, 4, 25), [("taeyang", " feat. ", L), ("lisa", "", F)],
               ["K-pop", "Hip hop", "R&B"],
               "Taeyang with Lisa, whose audition he watched when she came from Thailand.",
               (6, 30)),
    "unforgiven": ("UNFORGIVEN", date(2023, 5, 1),
                   [("le-sserafim", " feat. ", L), ("nile-rodgers", "", F)], ["K-pop", "Funk"],
                   "LE SSERAFIM's title track, with Nile Rodgers on guitar.", (5, 30)),
    "one-of-the-girls": ("One of the Girls", date(2023, 6, 23),
                         [("the-weeknd", " with ", L), ("jennie", " & ", F),
                          ("lily-rose-depp", "", F)], ["Pop", "R&B"],
                         "From The Idol, sung by three of its stars.", (8, 30)),
    "do-it-like-that": ("Do It Like That", date(2023, 7, 7),
                        [("txt", " & ", L), ("jonas-brothers", "", L)], ["Pop"],
                        "Two boy bands, produced by Ryan Tedder.", (5, 25)),
    "seven": ("Seven", date(2023, 7, 14), [("jung-kook", " feat. ", L), ("latto", "", F)],
              ["Pop", "UK garage"],
              "Jung Kook's solo debut single, a Billboard Hot 100 number one.",
              (12, 40)),
    "back-for-more": ("Back for More", date(2023, 9, 15),
                      [("txt", " with ", L), ("anitta", "", F)], ["K-pop", "Disco", "Latin"],
                      "TXT with Brazil's Anitta, first performed at the MTV VMAs.", (4, 25)),
    "3d": ("3D", date(2023, 9, 29), [("jung-kook", " feat. ", L), ("jack-harlow", "", F)],
           ["Pop", "R&B"], "Jung Kook's second solo single.", (10, 30)),
    "please-dont-change": ("Please Don't Change", date(2023, 11, 3),
                           [("jung-kook", " feat. ", L), ("dj-snake", "", F)], ["Pop", "R&B"],
                           "From Jung Kook's album Golden.", (6, 25)),
    "closer-to-you": ("Closer to You", date(2023, 11, 3),
                      [("jung-kook", " feat. ", L), ("major-lazer", "", F)], ["Pop", "EDM"],
                      "From Jung Kook's album Golden.", (5, 25)),
    "i-got-you-feat-lauv": ("I Got You", date(2024, 2, 5),
                            [("twice", " feat. ", L), ("lauv", "", F)], ["Pop", "Synth-pop"],
                            "The version of TWICE's English single with Lauv.", (4, 20)),
    "new-woman": ("New Woman", date(2024, 8, 15), [("lisa", " feat. ", L), ("rosalia", "", F)],
                  ["Pop"], "Lisa with Rosalía, who sings her verse in Spanish.", (9, 20)),
    "strategy": ("Strategy", date(2024, 12, 6),
                 [("twice", " feat. ", L), ("megan-thee-stallion", "", F)], ["K-pop", "Pop"],
                 "TWICE's title track, their second team-up with Megan Thee Stallion.", (6, 15)),
    "love-hangover": ("Love Hangover", date(2025, 1, 31),
                      [("jennie", " feat. ", L), ("dominic-fike", "", F)], ["Pop", "R&B"],
                      "A single from Jennie's solo album Ruby.", (7, 15)),
    "born-again": ("Born Again", date(2025, 2, 6),
                   [("lisa", " feat. ", L), ("doja-cat", " & ", F), ("raye", "", F)],
                   ["Pop", "Disco"], "The opener of Lisa's album Alter Ego.", (9, 15)),
    "extral": ("ExtraL", date(2025, 2, 21), [("jennie", " feat. ", L), ("doechii", "", F)],
               ["Hip hop", "Pop"], "A single from Jennie's album Ruby.", (6, 12)),
    "fxck-up-the-world": ("FXCK UP THE WORLD", date(2025, 2, 28),
                          [("lisa", " feat. ", L), ("future", "", F)], ["Hip hop"],
                          "From Lisa's album Alter Ego.", (5, 12)),
    "rapunzel": ("Rapunzel", date(2025, 2, 28),
                 [("lisa", " feat. ", L), ("megan-thee-stallion", "", F)], ["Hip hop"],
                 "From Lisa's album Alter Ego.", (4, 12)),
    "handlebars": ("Handlebars", date(2025, 3, 7), [("jennie", " feat. ", L), ("dua-lipa", "", F)],
                   ["Pop"], "From Jennie's album Ruby: Dua Lipa and BLACKPINK meet again.",
                   (7, 10)),
    "sweet-dreams": ("Sweet Dreams", date(2025, 3, 7),
                     [("j-hope", " feat. ", L), ("miguel", "", F)], ["R&B", "Pop"],
                     "j-hope with Miguel, a singer he grew up listening to.", (6, 10)),
    # Within K-pop: every credit is Korean.
    "lollipop": ("Lollipop", date(2009, 3, 27), [("bigbang", " & ", L), ("2ne1", "", L)],
                 ["K-pop", "Dance-pop"],
                 "Made for a phone advert; 2NE1's first song, before their debut.", (3, 100)),
    "good-boy": ("Good Boy", date(2014, 11, 21),
                 [("g-dragon", " X ", L, "GD"), ("taeyang", "", L, "TAEYANG")],
                 ["K-pop", "Hip hop"], "Two BIGBANG members as a hip-hop duo.", (4, 90)),
    "daddy": ("Daddy", date(2015, 12, 1), [("psy", " feat. ", L), ("cl", "", F)],
              ["K-pop", "EDM"], "PSY with 2NE1's CL, from his seventh album.", (2, 80)),
    "dream": ("Dream", date(2016, 1, 7), [("suzy", " & ", L), ("baekhyun", "", L)],
              ["K-pop", "R&B", "Jazz"], "A duet across JYP and SM: miss A's Suzy and EXO's "
              "Baekhyun.", (3, 80)),
    "palette": ("Palette", date(2017, 4, 21), [("iu", " feat. ", L), ("g-dragon", "", F)],
                ["K-pop", "Electropop"], "IU at 25, with advice rapped by G-Dragon.", (5, 85)),
    "0x1-lovesong": ("0X1=LOVESONG (I Know I Love You)", date(2021, 5, 31),
                     [("txt", " feat. ", L), ("seori", "", F)], ["K-pop", "Pop rock"],
                     "TXT go rock, with Seori; RM co-wrote the lyrics.", (3, 45)),
    "nakka": ("NAKKA", date(2021, 7, 26), [("akmu", " with ", L), ("iu", "", F)],
              ["K-pop", "Synth-pop"], "The title track of AKMU's collaboration album.", (4, 40)),
    "with-you": ("With You", date(2022, 4, 24), [("jimin", " & ", L), ("ha-sung-woon", "", L)],
                 ["K-pop", "Ballad"], "For the drama Our Blues, by two old friends.", (5, 40)),
    "that-that": ("That That", date(2022, 4, 29), [("psy", " feat. ", L), ("suga", "", F)],
                  ["K-pop", "EDM"], "Produced by SUGA, who also raps on it.", (6, 35)),
    "rush-hour": ("Rush Hour", date(2022, 9, 22), [("crush", " feat. ", L), ("j-hope", "", F)],
                  ["K-pop", "Funk"], "Crush's return from military service, with j-hope.", (4, 30)),
    "people-pt-2": ("People Pt.2", date(2023, 4, 7),
                    [("suga", " feat. ", L, "Agust D"), ("iu", "", F)], ["K-pop", "R&B"],
                    "SUGA, as Agust D, and IU again, three years after “Eight”.", (6, 30)),
    "spot": ("SPOT!", date(2024, 4, 26), [("zico", " feat. ", L), ("jennie", "", F)],
             ["K-pop", "Hip hop"], "Zico's tenth-anniversary single, with Jennie.", (7, 20)),
    "home-sweet-home": ("Home Sweet Home", date(2024, 11, 22),
                        [("g-dragon", " feat. ", L), ("taeyang", " & ", F), ("daesung", "", F)],
                        ["K-pop", "Pop rock"], "Three BIGBANG members on one song again.", (6, 15)),
    "winter-ahead": ("Winter Ahead", date(2024, 11, 29),
                     [("v", " with ", L), ("park-hyo-shin", "", F)], ["K-pop", "Jazz"],
                     "A jazz-pop duet for the end of the year.", (5, 15)),
}  # fmt: skip


# Each discussed collab has its own conversation: (author, body, index of the line it
# answers or None, hours before the demo's start). Replies nest three levels deep; a
# fourth-level answer attaches at the third and notifies the member it answers.
DISCUSSIONS = {
    "apt": [
        ("blinkforever", "The *apateu* chant lives in my head rent-free. Rosé's pre-chorus "
         "is **perfect**.", None, 200),
        ("popfan_lena", "Came for Bruno Mars, stayed for Rosé. My whole office does the "
         "chant now.", None, 150),
        ("army_jay", "@blinkforever the bridge is the real highlight though, fight me 😄",
         0, 120),
        ("blinkforever", "No fight needed, @army_jay. The bridge *is* the song.", 2, 100),
        ("edm_marco", "Bridge people unite. Someone please make a club edit of it.", 3, 70),
        ("chartwatcher", "It charted higher in the US than most people predicted for a "
         "K-pop collab.", 1, 60),
        ("kpop_dad_tom", "My daughter taught me the drinking game it's named after. I lose "
         "every round.", None, 20),
    ],
    "eyes-closed": [
        ("zayn_and_jisoo", "Jisoo and Zayn's voices just *fit*. Moody R&B was the right "
         "call.", None, 90),
        ("hallyu_hana", "The Y2K feel of the production is so good on headphones.", 0, 70),
        ("lightstick_lu", "Underrated: the harmonies in the last chorus.", None, 30),
        ("zayn_and_jisoo", "@lightstick_lu yes! I replayed that part ten times.", 2, 10),
    ],
    "best-of-me": [
        ("army_jay", "Best of Me is still my number one BTS collab. That drop!", None, 300),
        ("edm_marco", "The Chainsmokers' production with BTS vocals was the perfect mix for "
         "2017.", 0, 280),
        ("chartwatcher", "Fun fact: it's on *Love Yourself: Her*, not a standalone single.",
         None, 200),
        ("army_jay", "@chartwatcher and it still gets played at every ARMY party I go to.",
         2, 180),
    ],
    "sour-candy": [
        ("blinkforever", "Gaga & BLACKPINK <3 — not R&B, pure house, and I love it.",
         None, 240),
        ("kpop_dad_tom", "Chromatica was my way into BLACKPINK. Then I found everything "
         "else.", 0, 200),
        ("popfan_lena", "Sour Candy in a club in Berlin: everyone knew the words.", None, 50),
    ],
    "lose-my-breath": [
        ("stay4life", "Lose My Breath with Charlie Puth! Stray Kids in English just works.",
         None, 80),
        ("chartwatcher", "Their first English-language single, and you can hear how "
         "confident they are.", 0, 40),
        ("stay4life", "@chartwatcher STAY has been saying it for years 😌", 1, 12),
    ],
    "5-4-3-pretty-woman": [
        ("carat_mingyu", "S.Coups and Mingyu together is what the hip-hop unit deserves. "
         "5, 4, 3 supremacy.", None, 70),
        ("popfan_lena", "Lay Bankz on the feature was such a fun choice.", 0, 25),
    ],
    "vibe": [
        ("army_jay", "Jimin and Taeyang on one track: BTS and BIGBANG together, I never "
         "thought I'd see it.", None, 150),
        ("hallyu_hana", "Not a crossover in the international sense, but my favourite "
         "feature across groups.", 0, 120),
        ("lightstick_lu", "Taeyang's vocals and Jimin's falsetto together, so smooth.",
         None, 30),
    ],
    "fighting": [
        ("carat_mingyu", "BSS never miss. Lee Young Ji's verse is the cherry on top.",
         None, 110),
        ("kpop_dad_tom", "This one plays every time I go for a run. Fighting!", 0, 60),
    ],
}  # fmt: skip


def load(*, log: Callable[[str], None], only: Iterable[str] | None = None) -> None:
    """Add whatever of the demo catalogue is missing (`only` those slugs, if given), with
    the artists and groups it credits, the demo members' votes and the discussions."""
    chosen = {slug: COLLABS[slug] for slug in (COLLABS if only is None else only)}
    artists = _artists(_credited(chosen))
    created = 0
    for slug, (title, released, credits, genres, description, _) in chosen.items():
        if Collab.objects.filter(slug=slug).exists():
            continue
        services.collab_create(
            title=title,
            slug=slug,
            release_date=released,
            description=description,
            credits=[_credit(artists, *credit) for credit in credits],
            genres=[services.genre_get_or_create(name=name) for name in genres],
            links=[
                ("YouTube", f"https://www.youtube.com/results?search_query={quote_plus(title)}")
            ],
        )
        created += 1
    votes = _votes(chosen)
    for collab in Collab.objects.filter(slug__in=chosen).select_related("thread"):
        services.collab_thread_sync(collab=collab)
        drop_legacy_copy(collab.thread)
    start = demo_start()
    discussed = [slug for slug in DISCUSSIONS if slug in chosen]
    for collab in Collab.objects.filter(slug__in=discussed).select_related("thread"):
        add_demo_comments(collab.thread, DISCUSSIONS[collab.slug], start=start, log=log)
    log(f"Catalogue: {len(chosen)} collabs ({created} new), {votes} new demo votes.")


def _credit(artists, slug: str, join: str, role: str, credited_as: str = "") -> CreditSpec:
    return CreditSpec(artist=artists[slug], join_phrase=join, role=role, credited_as=credited_as)


def _credited(collabs: dict) -> set[str]:
    """The artists `collabs` credit, and the groups (and units' groups) they belong to."""
    slugs = {credit[0] for spec in collabs.values() for credit in spec[2]}
    while groups := {ARTISTS[s][5] for s in slugs if ARTISTS[s][5]} - slugs:
        slugs |= groups
    return slugs


def _artists(wanted: set[str]) -> dict[str, Artist]:
    existing = {a.slug: a for a in Artist.objects.filter(slug__in=wanted)}

    # Groups before their members and units, so these can point at them.
    def depth(slug: str) -> int:
        group = ARTISTS[slug][5]
        return 1 + depth(group) if group else 0

    for slug in sorted(wanted - set(existing), key=depth):
        name, korean, others, kind, country, group, bio = ARTISTS[slug]
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


def _votes(collabs: dict) -> int:
    """Member i votes for a collab if i < its vote count, spread back over `days`."""
    members = list(User.objects.filter(username__in=[u for u, _, _ in DEMO_MEMBERS]))
    members.sort(key=lambda m: [u for u, _, _ in DEMO_MEMBERS].index(m.username))
    found = {c.slug: c for c in Collab.objects.filter(slug__in=collabs)}
    already = set(Vote.objects.filter(user__in=members).values_list("user_id", "collab_id"))
    now, cast = timezone.now(), 0
    for slug, spec in collabs.items():
        count, days = spec[5]
        for i, member in enumerate(members[:count]):
            collab = found[slug]
            if (member.pk, collab.pk) in already:
                continue
            at = now - timedelta(days=days * (i + 1) / count)
            services.vote_cast(user=member, collab=collab, at=at)
            cast += 1
    return cast
