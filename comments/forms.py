"""Forms for posting, editing and flagging comments."""

from __future__ import annotations

from django import forms

from comments.models import BODY_MAX_LENGTH, Flag


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Share your take…"}),
        help_text="Markdown works: **bold**, _italic_, [links](https://…), @username.",
        error_messages={"required": "Write something first."},
    )

    def __init__(
        self,
        *args,
        prefix_id: str = "new",
        label: str = "Comment",
        autofocus: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("auto_id", f"comment-{prefix_id}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label
        if autofocus:
            # site.js focuses it once htmx has put the form in place.
            self.fields["body"].widget.attrs["data-autofocus"] = ""

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                f"Comments can be at most {BODY_MAX_LENGTH:,} characters; "
                f"this one has {len(body):,}.",
                code="too_long",
            )
        return body


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why should an editor look at this comment?",
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )

    def __init__(self, *args, comment_id: int = 0, **kwargs):
        kwargs.setdefault("auto_id", f"flag-{comment_id}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    """The admin's intermediate step: every moderator action needs a public reason."""

    reason = forms.CharField(
        label="Reason (shown publicly in the moderation log)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
