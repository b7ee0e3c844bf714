"""The custom User model: a Crossover member."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class MemberManager(UserManager):
    def get_by_natural_key(self, username):
        # Usernames are unique whatever their case; logging in ignores case too.
        return self.get(username__iexact=username)


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    hide_votes = models.BooleanField(
        "hide my votes", default=False, help_text="Keep the collabs you voted for off your profile."
    )
    email_notifications = models.BooleanField("email me about replies and mentions", default=True)

    objects = MemberManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})
