"""One row of every model in the register that belongs to a given person, built generically.

The builder fills required columns by type (like model_bakery, which the project does not depend
on): links to the user model point at the person, other required links get a freshly built row,
many-to-many and reverse owner paths are completed after saving. The few models whose constraints
a generic value cannot meet have an entry in :data:`OVERRIDES`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from intranet.core.privacy import Entry

_counter = itertools.count(1)


def _unique() -> str:
    return f"{next(_counter)}{uuid.uuid4().hex[:8]}"


def _value(field: models.Field[Any, Any], marker: str) -> Any:
    if field.choices:
        return field.choices[0][0] if not isinstance(field.choices[0][1], (list, tuple)) else field.choices[0][1][0][0]
    if isinstance(field, models.EmailField):
        return f"{marker}-{_unique()}@example.com"
    if isinstance(field, models.URLField):
        return f"https://example.com/{marker}"
    if isinstance(field, models.SlugField):
        return f"{marker.lower()}-{_unique()}"[: field.max_length or 50]
    if isinstance(field, models.ImageField):
        return ContentFile(png(), name=f"{marker}.png")
    if isinstance(field, models.FileField):
        return ContentFile(f"{marker} file".encode(), name=f"{marker}.txt")
    if isinstance(field, models.CharField):
        return f"{marker}{_unique()}"[: field.max_length or 20]
    if isinstance(field, models.TextField):
        return f"{marker} text"
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return dt.time(10, 0)
    if isinstance(field, models.DurationField):
        return dt.timedelta(hours=1)
    if isinstance(field, models.DecimalField):
        return Decimal("1")
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return 1
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if field.get_internal_type() == "ArrayField":
        return []
    raise NotImplementedError(f"no generic value for {field!r}")


def png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, "PNG")
    return out.getvalue()


def _required(field: models.Field[Any, Any]) -> bool:
    if field.primary_key and (field.auto_created or isinstance(field, models.AutoField)):
        return False
    if field.null or field.has_default():
        return False
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    return not (field.blank and isinstance(field, (models.CharField, models.TextField, models.FileField)))


class Builder:
    """Builds rows for one person, reusing one row per related model where a link is required."""

    def __init__(self, person: Any, other: Any, marker: str = "M4RK") -> None:
        self.person = person
        #: Someone else, for the second link to a person on one row (a follow, a block, a decision).
        self.other = other
        self.marker = marker
        self.cache: dict[type[models.Model], models.Model] = {}
        _ensure_wagtail_roots()

    def related(self, model: type[models.Model]) -> models.Model:
        if model is get_user_model():
            return self.person  # type: ignore[no-any-return]
        if model not in self.cache:
            self.cache[model] = self.build(model)
        return self.cache[model]

    def build(self, model: type[models.Model], **given: Any) -> models.Model:
        if model in OVERRIDES:
            return OVERRIDES[model](self, **given)
        values: dict[str, Any] = {}
        files: dict[str, ContentFile[bytes]] = {}
        user_links = 0
        for field in model._meta.concrete_fields:
            if field.name in given or field.attname in given or isinstance(field, models.GeneratedField):
                continue
            if field.name == "action" and model._meta.app_label == "wagtailcore":
                values["action"] = "wagtail.edit"  # log entries accept registered actions only
                continue
            if field.is_relation:
                if field.related_model is get_user_model():
                    # The first link names the person; later ones (followee, decided_by) someone else.
                    values[field.name] = self.person if user_links == 0 else self.other
                    user_links += 1
                elif not field.null and not field.has_default():
                    if field.primary_key and model._meta.parents:
                        continue  # a multi-table child's link to its parent is made by save()
                    values[field.name] = self.related(field.related_model)  # type: ignore[arg-type]
                continue
            if _required(field) or (isinstance(field, (models.TextField, models.FileField)) and not field.choices):
                value = _value(field, self.marker)
                if isinstance(value, ContentFile):
                    files[field.name] = value
                else:
                    values[field.name] = value
        values.update(given)
        obj = model(**values)
        for name, content in files.items():
            getattr(obj, name).save(content.name, content, save=False)
        obj.save()
        return obj

    def owned_row(self, entry: Entry) -> models.Model:
        """A row of ``entry`` that belongs to the person through one of its owner paths (one made
        along the way by a service, such as the owner's membership of a new community, counts)."""
        existing = entry.rows_of(self.person.pk).first()
        if existing is not None:
            self.cache.setdefault(entry.model, existing)
            return existing
        obj = self.build(entry.model)
        self.cache.setdefault(entry.model, obj)
        if entry.rows_of(self.person.pk).filter(pk=obj.pk).exists():
            return obj
        for path in entry.owners:
            first, _sep, _rest = path.partition("__")
            field = entry.model._meta.get_field(first)
            if field.many_to_many and not field.auto_created:
                getattr(obj, first).add(self.person)
            elif field.one_to_many or (field.auto_created and not field.concrete):
                remote = field.field  # type: ignore[union-attr]
                child_model: type[models.Model] = field.related_model  # type: ignore[assignment]
                self.build(child_model, **{remote.name: obj})  # the child's user links point at the person
            if entry.rows_of(self.person.pk).filter(pk=obj.pk).exists():
                return obj
        raise AssertionError(f"could not build a row of {entry.model._meta.label} owned by the person")


# Models whose constraints a generic value cannot meet --------------------------------------------


def _page(builder: Builder, **given: Any) -> models.Model:
    from wagtail.models import Page

    root = Page.get_first_root_node()
    if root is None:  # an earlier transactional test flushed the migrations' root
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    page = Page(title=f"{builder.marker} page", slug=f"page-{_unique()}", owner=builder.person, **given)
    return root.add_child(instance=page)  # type: ignore[no-any-return]


def _conversation(builder: Builder, **given: Any) -> models.Model:
    from intranet.messaging.models import Conversation

    return Conversation.objects.create(kind=Conversation.Kind.GROUP, created_by=builder.person, **given)


def _community(builder: Builder, **given: Any) -> models.Model:
    from communities.core import services

    community = services.community_create(actor=builder.person, name=f"{builder.marker} {_unique()}")
    return community


def _tandem(builder: Builder, **given: Any) -> models.Model:
    from communities.core import services
    from meetups.models import Tandem

    other = services.community_create(actor=builder.person, name=f"Other {_unique()}")
    values = {
        "community": builder.related(type(other)),
        "other_community": other,
        "proposed_by": builder.person,
    }
    values.update(given)
    return Tandem.objects.create(**values)


def _ensure_wagtail_roots() -> None:
    """An earlier transactional test may have flushed the rows Wagtail's migrations create."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def _on_a_post(model_name: str) -> Callable[..., models.Model]:
    """Reactions and reports sit on a post or a comment (check constraints): on a post here; a
    report also names the post's community."""

    def build(builder: Builder, **given: Any) -> models.Model:
        from django.apps import apps

        from communities.models import Post

        model = apps.get_model("communities", model_name)
        del OVERRIDES[model]
        try:
            post = builder.related(Post)
            place = {"post": post} if model_name == "Reaction" else {"post": post, "community": post.community}  # type: ignore[attr-defined]
            return builder.build(model, **place, **given)
        finally:
            OVERRIDES[model] = build

    return build


OVERRIDES: dict[type[models.Model], Callable[..., models.Model]] = {}


def _register_overrides() -> None:
    from wagtail.models import Page

    from communities.models import Community, Reaction, Report
    from intranet.messaging.models import Conversation
    from meetups.models import Tandem

    OVERRIDES.update(
        {
            Page: _page,
            Conversation: _conversation,
            Community: _community,
            Tandem: _tandem,
            Reaction: _on_a_post("Reaction"),
            Report: _on_a_post("Report"),
        }
    )


_register_overrides()
