"""The custom User model: a Crossover member."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connections, models
from django.db.models.functions import Lower
from django.urls import reverse


class MemberManager(UserManager):
    def get(self, *args, **kwargs):
        """As QuerySet.get(); by primary key alone (the session's member, on every request
        of theirs: django.contrib.auth's ModelBackend.get_user) through a written-out
        query, as the ORM spent twice as long compiling it as the rest of the fetch."""
        pk = kwargs.get("pk")
        if args or kwargs.keys() != {"pk"} or type(pk) is not int:
            return super().get(*args, **kwargs)
        found = list(self.raw(_by_pk_sql(self.model, self.db), [pk]))
        if not found:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} {pk} does not exist.")
        return found[0]

    def get_by_natural_key(self, username):
        # Usernames are unique whatever their case; logging in ignores case too.
        return self.get(username__iexact=username)


@cache
def _by_pk_sql(model, alias: str) -> str:
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s"


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
