"""factory_boy factories for test data."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class MemberFactory(UserFactory):
    """A member whose email address is verified: may vote and comment."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def make_apt():
    """Rosé & Bruno Mars's "APT.", made through the services: (the collab, Rosé)."""
    from datetime import date

    from collabs import services
    from collabs.services import CreditSpec

    rose = services.artist_create(name="Rosé", country="KR")
    bruno = services.artist_create(name="Bruno Mars", country="US")
    apt = services.collab_create(
        title="APT.",
        release_date=date(2024, 10, 18),
        credits=[CreditSpec(artist=rose, join_phrase=" & "), CreditSpec(artist=bruno)],
    )
    return apt, rose
