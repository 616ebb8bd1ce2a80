from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from intranet.accounts.models import Profile, User
from intranet.accounts.text import search_name_for

PASSWORD = "correct horse battery 42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    handle = factory.Sequence(lambda n: f"person{n}")
    search_name = factory.LazyAttribute(lambda o: search_name_for(o.display_name))
    is_active = True

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def with_profile(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            Profile.objects.get_or_create(user=obj)
