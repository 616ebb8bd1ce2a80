from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from intranet.accounts.models import Profile, User
from intranet.accounts.text import search_name_for

PASSWORD = "correct horse battery 42"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    handle = factory.Sequence(lambda n: f"person{n}")
    search_name = factory.LazyAttribute(lambda o: search_name_for(o.display_name))
    is_active = True

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def with_profile(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Profile.objects.get_or_create(user=obj)
            # Provisioned accounts count as verified (see accounts.services.user_create).
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})
