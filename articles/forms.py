"""The article admin's form: a hero upload that must come with alt text."""

from __future__ import annotations

from django import forms

from articles.models import Article
from articles.services import HERO_ALT_REQUIRED
from collabs.forms import ImageUploadField


class ArticleAdminForm(forms.ModelForm):
    hero_upload = ImageUploadField(label="New hero image")

    class Meta:
        model = Article
        fields = [
            "title", "slug", "standfirst", "body", "hero_alt", "author", "status", "published_at",
        ]  # fmt: skip
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 28, "class": "markdown-editor"}),
        }

    def clean(self):
        cleaned = super().clean()
        has_hero = cleaned.get("hero_upload") is not None or bool(self.instance.hero)
        if has_hero and not (cleaned.get("hero_alt") or "").strip():
            self.add_error("hero_alt", HERO_ALT_REQUIRED)
        return cleaned
