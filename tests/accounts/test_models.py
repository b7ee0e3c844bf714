"""The member model's own reads."""

from __future__ import annotations

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_member_fetched_by_primary_key_is_the_same_as_through_the_orm(member):
    # User.objects.get(pk=…) is written out: the session's member, on every request.
    member.last_login = member.date_joined
    member.save()
    fast = User.objects.get(pk=member.pk)
    slow = User.objects.filter(pk=member.pk).get()
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(fast, f) for f in fields] == [getattr(slow, f) for f in fields]
    assert type(fast.last_login) is type(slow.last_login) and fast.is_active is True
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=member.pk + 1000)
