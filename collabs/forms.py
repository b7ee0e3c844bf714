"""Catalogue filters, nominations, and the admin's image and credit fields."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from django import forms
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from collabs.countries import COUNTRIES, COUNTRY_CHOICES
from collabs.models import Artist, Collab, Credit, https_only
from core import images

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"

SORTS = {
    "top": "Top voted",
    "hot": "Trending",
    "new": "Newest",
    "discussed": "Most discussed",
}


class QuickSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option.

    The catalogue's filters hold about a hundred options between them (years, genres,
    the top artists), rendered for every member's page; Django's per-option templates
    cost more than the rest of the form.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        opening = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items() if v is not False)
        return mark_safe(f"<select{opening}>{options}</select>")  # noqa: S308 - escaped above


# The longest `?artist=` looked up: no artist's name or slug is longer.
ARTIST_MAX_LENGTH = 120


def shown_value(raw: str) -> str:
    """A value from the URL as a page may quote it: short, control characters replaced."""
    text = "".join(c if c.isprintable() else "\ufffd" for c in raw)
    return text if len(text) <= 40 else f"{text[:37]}…"


def readable(text: str) -> bool:
    """Whether `text` could be a title or a name: no control characters (NUL among them,
    which PostgreSQL cannot even compare)."""
    return not any(unicodedata.category(c) == "Cc" for c in text)


class CatalogueForm(forms.Form):
    """The catalogue's GET filters. Anything invalid is left out of the filtering, never
    an error page, and said on the page (`notes()`); an unknown artist is said next to
    the artist filter."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Song or artist: Rosé, 로제, BTS…"}
        ),
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORTS.items(), required=False)
    year = forms.TypedChoiceField(
        label="Year", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    genre = forms.ChoiceField(label="Genre", required=False, widget=QuickSelect)
    # A select of the artists with the most collabs, not of all of them (thousands at
    # scale); `?artist=` takes any artist's slug or name, and Search finds every artist.
    artist = forms.CharField(
        label="Artist",
        required=False,
        # Not max_length, which would put a maxlength on the <select>.
        validators=[
            MaxLengthValidator(
                ARTIST_MAX_LENGTH, "No artist has a name that long, so every artist is shown."
            )
        ],
        widget=QuickSelect,
        help_text="The Artist list has those with the most collabs; Search finds every artist.",
    )
    # Every country, without a query: the links of /rise/ lead here with any of them.
    country = forms.CharField(
        label="Partner country",
        required=False,
        widget=QuickSelect(choices=[("", "Any country"), *COUNTRY_CHOICES]),
        help_text="K-pop collabs with an artist from this country",
    )
    crossover = forms.BooleanField(
        label="Crossovers only", required=False, help_text="artists from more than one country"
    )

    def __init__(self, data, *, years: list[int], genres, artists):
        """`genres` and `artists`: (slug, name) pairs. `artists` must include the one the
        data asks for, if it exists (Artist.objects.catalogue_choices)."""
        super().__init__(data)
        self.artists = artists
        self.fields["year"].choices = [("", "Any year"), *((y, str(y)) for y in years)]
        self.fields["genre"].choices = [("", "Any genre"), *genres]
        self.fields["artist"].widget.choices = [("", "Any artist"), *artists]
        for name in ("q", "artist", "country"):
            # Django's own refusal of NUL says nothing of what the page does instead:
            # clean_q and clean_artist refuse it (and every control character) and say so.
            field = self.fields[name]
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]

    @staticmethod
    def artist_lookup(raw: str) -> str:
        """What `?artist=` may be looked up by: "" if it could name no artist (too long, or
        with control characters), so the database never sees it."""
        wanted = raw.strip()
        return wanted if len(wanted) <= ARTIST_MAX_LENGTH and readable(wanted) else ""

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if not readable(query):
            raise forms.ValidationError("unreadable", code="unreadable")
        return query

    def clean_artist(self) -> str:
        """The slug of the artist asked for by slug, or by name in any case."""
        wanted = self.cleaned_data["artist"]
        if not wanted:
            return ""
        if not readable(wanted):
            raise forms.ValidationError(
                "The artist filter “%(wanted)s” was not understood, so every artist is shown.",
                code="unreadable",
                params={"wanted": shown_value(wanted)},
            )
        folded = wanted.casefold()
        slug = next((slug for slug, _ in self.artists if slug == wanted), None) or next(
            (slug for slug, name in self.artists if name.casefold() == folded), None
        )
        if slug is None:
            raise forms.ValidationError(
                "No artist “%(wanted)s” in the catalogue, so every artist is shown.",
                code="unknown_artist",
                params={"wanted": shown_value(wanted)},
            )
        if slug != self.data.get("artist"):
            # Asked for by name (or with spaces): the select shows that artist as chosen.
            self.data = self.data.copy()
            self.data["artist"] = slug
        return slug

    def clean_country(self) -> str:
        """An ISO 3166 code in any case ("us" is "US"); any other value is refused."""
        wanted = self.cleaned_data["country"].strip()
        code = wanted.upper()
        if not wanted:
            return ""
        if code not in COUNTRIES:
            raise forms.ValidationError("unknown", code="unknown_country")
        if code != self.data.get("country"):
            self.data = self.data.copy()
            self.data["country"] = code
        return code

    def filters(self) -> dict:
        """The valid filters; an invalid field counts as not given."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "q": (cleaned.get("q") or "").strip(),
            "sort": cleaned.get("sort") or "top",
            "year": cleaned.get("year"),
            "genre": cleaned.get("genre") or "",
            "artist": cleaned.get("artist") or "",
            "country": cleaned.get("country") or "",
            "crossover": bool(cleaned.get("crossover")),
        }

    def notes(self, *, artist: bool = False) -> list[str]:
        """What the page says about each filter value it could not use. The artist's is
        said next to the artist filter; with `artist`, here too (for the list alone,
        updated in place without the filters)."""
        notes = [str(error) for error in self.errors.get("artist", [])] if artist else []
        for name in ("q", "sort", "year", "genre", "country"):
            if name not in self.errors:
                continue
            raw = self.data.get(name, "")
            value = shown_value(raw)
            if name == "q":
                if len(raw) > self.fields["q"].max_length:
                    notes.append(
                        f"The search is longer than {self.fields['q'].max_length} characters,"
                        " so it was not used."
                    )
                else:
                    notes.append(f"The search “{value}” was not understood, so it was not used.")
            elif name == "sort":
                notes.append(
                    f"“{value}” is not a way to sort the catalogue, so it is sorted by votes."
                )
            elif name == "year":
                if raw.isascii() and raw.isdigit() and len(raw) <= 4:
                    notes.append(f"No collabs from {raw} in the catalogue, so every year is shown.")
                else:
                    notes.append(f"“{value}” is not a year, so every year is shown.")
            elif name == "genre":
                notes.append(f"No genre “{value}” in the catalogue, so every genre is shown.")
            else:
                notes.append(
                    f"“{value}” is not a country code (such as US or GB), so every country"
                    " is shown."
                )
        return notes


# Direction overrides, embeddings and isolates: they make a title read as something else.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _one_line(text: str, what: str) -> str:
    """A title or credit line as one line of text: no line breaks (a title goes into the
    decision email's subject, where a line break made sending fail) and no controls."""
    unsafe = [
        c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in BIDI_CONTROLS
    ]
    if unsafe:
        shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(unsafe))
        raise forms.ValidationError(
            f"The {what} can only be one line of text, without control characters ({shown}).",
            code="unsafe_characters",
        )
    return text


class NominationForm(forms.Form):
    title = forms.CharField(label="Song title", max_length=200)
    artists = forms.CharField(
        label="Artists",
        max_length=300,
        help_text="As they are credited, e.g. “Rosé & Bruno Mars”.",
    )
    release_date = forms.DateField(
        label="Release date", widget=forms.DateInput(attrs={"type": "date"})
    )
    link = forms.URLField(
        label="Where to listen",
        max_length=500,
        assume_scheme="https",
        validators=[https_only],
        help_text="A https:// link to the song (YouTube, Spotify, Apple Music…).",
    )
    note = forms.CharField(
        label="Why it belongs here",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_title(self) -> str:
        return _one_line(self.cleaned_data["title"], "song title")

    def clean_artists(self) -> str:
        return _one_line(self.cleaned_data["artists"], "artists")

    def clean_release_date(self):
        released = self.cleaned_data["release_date"]
        if released.year < 1950 or released > date.today() + timedelta(days=366):
            raise forms.ValidationError("Enter the date the song came out.")
        return released


class ImageUploadField(forms.FileField):
    """A file field whose cleaned value is the validated, decoded PIL image (or None)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", "JPEG, PNG, WebP or GIF, up to 5 MB. Re-encoded, metadata removed."
        )
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return images.clean_image(upload)


class CollabAdminForm(forms.ModelForm):
    cover_upload = ImageUploadField(label="New cover art")

    class Meta:
        model = Collab
        fields = [
            "title", "slug", "release_date", "status", "genres", "description",
            "nominated_by", "nominated_artists", "nomination_note",
        ]  # fmt: skip


class ArtistAdminForm(forms.ModelForm):
    photo_upload = ImageUploadField(label="New photo")

    class Meta:
        model = Artist
        fields = [
            "name", "korean_name", "other_names", "slug", "kind", "country", "member_of", "bio",
        ]  # fmt: skip


class CreditForm(forms.ModelForm):
    # Keep the spaces: " feat. " is the join phrase, "feat." would glue names together.
    join_phrase = forms.CharField(
        required=False, strip=False, max_length=20, help_text='" & ", " feat. ", " x "'
    )

    class Meta:
        model = Credit
        fields = ["position", "artist", "credited_as", "join_phrase", "role"]
