"""The custom User model: a Crossover member."""

from __future__ import annotations

import copy
from functools import cache

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connections, models
from django.db.models.functions import Lower
from django.urls import reverse

from accounts import names
from core import caching

USERS = ("t:accounts_user", "t:accounts_user#counters")


class MemberManager(UserManager):
    def get(self, *args, **kwargs):
        """As QuerySet.get(); by primary key alone (the session's member, on every request
        of theirs: django.contrib.auth's ModelBackend.get_user) through a written-out
        query, as the ORM spent twice as long compiling it as the rest of the fetch."""
        pk = kwargs.get("pk")
        if args or kwargs.keys() != {"pk"} or type(pk) is not int:
            return super().get(*args, **kwargs)
        if caching.reading():
            # A member's pages in a row read the same row: kept in the process until the
            # table changes, a copy for each request.
            found = caching.memo_in_process(f"user:{pk}", USERS, lambda: self._by_pk(pk))
        else:
            found = self._by_pk(pk)
        if found is None:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} {pk} does not exist.")
        return copy.copy(found)

    def _by_pk(self, pk: int):
        return next(iter(self.raw(_by_pk_sql(self.model, self.db), [pk])), None)

    def get_by_natural_key(self, username):
        # One member at most per skeleton (a unique column): logging in ignores case, and
        # a look-alike spelling can only ever find the one member it imitates.
        return self.by_username(username).get()

    def by_username(self, username: str):
        """The members whose username looks like `username`: one at most (a QuerySet)."""
        if names.unsafe_characters(username) or len(username) > 150:
            return self.none()
        return self.filter(username_key=names.skeleton(username))


@cache
def _by_pk_sql(model, alias: str) -> str:
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s"


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    # What the username looks like (accounts.names.skeleton): unique, so no two members
    # hold look-alike names, and every lookup by name finds one member at most.
    username_key = models.CharField(max_length=600, unique=True, editable=False)
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

    def save(self, *args, **kwargs):
        # A derived column, not business logic: every path that writes a username (allauth's
        # sign-up, the admin, createsuperuser, the demo data) must keep its key in step, or
        # the unique constraint that stops look-alikes would guard a stale value.
        self.username = names.canonical(self.username)
        self.username_key = names.skeleton(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})


class Attempt(models.Model):
    """One counted attempt (a failed password or second-factor code, a sign-up), kept in
    the database so the limits on them hold when the cache is down or flushed.

    `key` is a SHA-256 digest of what is counted (an account's login, a network address),
    so no address or login is stored in the clear. accounts.attempts reads and writes it.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["scope", "key", "at"], name="attempt_scope_key_at"),
            models.Index(fields=["scope", "at"], name="attempt_scope_at"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M:%S}"


class UsedTOTPCode(models.Model):
    """A time step whose TOTP code a member has used: never accepted again (replay).

    allauth remembers used codes in the cache only, which forgets them when Redis is
    down; the unique constraint makes a second use fail in the database instead.
    """

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="+")
    step = models.BigIntegerField(help_text="Unix time // TOTP period of the code used.")
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="used_totp_code_once"),
        ]

    def __str__(self) -> str:
        return f"TOTP step {self.step} of member {self.user_id}"
