"""The rule that decides which models and fields must be in the register of personal data.

``tests/privacy/test_register.py`` runs :func:`problems` over every installed model; the staff page
and ``docs/privacy.md`` list what the register holds. The rule, so that a new feature cannot forget
to declare what it records:

* a model with a foreign key, one-to-one or many-to-many field to the user model is *personal*: it
  needs a :func:`~intranet.core.privacy.personal_data` entry, and every such field is classified;
* a field is *suspect* when it may hold a name, an e-mail or IP address, or free text: e-mail, IP,
  URL, text, JSON and file fields; character fields longer than :data:`SHORT_CODE_LENGTH` unless
  they have choices or their name says they hold a code (:data:`CODE_NAME`); any field whose name
  says it holds a name, an e-mail or an IP address (:data:`PERSONAL_NAME`) whatever its type;
* a model with a suspect field is declared, either as personal data (then each suspect field is in
  ``fields`` or ``other_fields``) or explicitly as :func:`~intranet.core.privacy.not_personal`;
* many-to-many tables Django creates are covered by the many-to-many field that made them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Field, Model

from intranet.core import privacy

#: Character fields up to this length hold codes, keys and short labels, not free text.
SHORT_CODE_LENGTH = 40
#: Names of character fields that hold codes or technical keys, however long.
CODE_NAME = re.compile(
    r"(^|_)(key|hash|token|code|codename|kind|type|scope|state|status|language|time_zone|provider|uid|prefix|"
    r"filter_spec|path|object_id|app_label|model|action|task|queue|exchange|routing_key|subscriber|"
    r"minute|hour|day_of_month|month_of_year|day_of_week)$"
)
#: Names that say the field holds a name, an e-mail or an IP address, whatever its type.
PERSONAL_NAME = re.compile(r"(^|_)(name|first_name|last_name|email|e_mail|ip|ip_address|remote_addr)(_|$)")
SUSPECT_TYPES: tuple[type[Field], ...] = (
    models.EmailField,
    models.GenericIPAddressField,
    models.URLField,
    models.TextField,
    models.JSONField,
    models.FileField,
)


def links_to_person(field: Field) -> bool:  # type: ignore[type-arg]
    return bool(field.is_relation and field.related_model is get_user_model())


def is_suspect(field: Field) -> bool:  # type: ignore[type-arg]
    """Whether ``field`` may hold a name, an e-mail or IP address, or free text."""
    if field.is_relation:
        return False
    if field.choices:
        return False
    if PERSONAL_NAME.search(field.name):
        return True
    if isinstance(field, SUSPECT_TYPES) or field.get_internal_type() in {"JSONField", "TextField"}:
        return True
    if isinstance(field, models.CharField) and not isinstance(field, models.SlugField):
        return (field.max_length or 0) > SHORT_CODE_LENGTH and not CODE_NAME.search(field.name)
    return False


def local_fields(model: type[Model]) -> Iterator[Field]:  # type: ignore[type-arg]
    """The fields the model itself adds (a multi-table child does not repeat its parent's)."""
    yield from model._meta.local_fields
    yield from model._meta.local_many_to_many


def checked_models() -> list[type[Model]]:
    """Every installed model the rule applies to: concrete, not a table Django made for a many-to-many,
    and not from an app that only the test settings install (``TEST_ONLY_APPS``)."""
    test_only = {name.rsplit(".", 1)[-1] for name in getattr(settings, "TEST_ONLY_APPS", ())}
    return [
        model
        for model in apps.get_models()
        if not model._meta.auto_created
        and not model._meta.proxy
        and model._meta.managed is not False
        and model._meta.app_label not in test_only
    ]


def needs_declaration(model: type[Model]) -> bool:
    if model is get_user_model():
        return True
    return any(links_to_person(f) or is_suspect(f) for f in local_fields(model))


def problems() -> list[str]:
    """Every way the register falls short of the rule, one sentence each (empty: complete)."""
    found: list[str] = []
    user_model = get_user_model()
    for model in checked_models():
        label = model._meta.label
        entry = privacy.entry_for(model)
        person_links = [f.name for f in local_fields(model) if links_to_person(f)]
        suspects = [f.name for f in local_fields(model) if is_suspect(f)]
        if entry is None:
            if (person_links or model is user_model) and privacy.is_declared(model):
                found.append(f"{label} links to a person ({', '.join(person_links)}) but is declared not personal")
            elif (person_links or suspects or model is user_model) and not privacy.is_declared(model):
                what = ", ".join(person_links + suspects) or "the user model"
                found.append(f"{label} is not in the register ({what})")
            continue
        classified = set(entry.fields) | set(entry.other_fields)
        for name in person_links + suspects:
            if name not in classified:
                found.append(f"{label}.{name} is not classified")
        for name in [*entry.fields, *entry.other_fields]:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                found.append(f"{label} declares a field {name!r} it does not have")
        for path in entry.owners:
            try:
                model._default_manager.filter(**{path: 0}).query  # noqa: B018  (resolves the path)
            except Exception as exc:
                found.append(f"{label} owner path {path!r} does not resolve: {exc}")
    for entry in privacy.entries():
        if entry.model not in apps.get_models():
            found.append(f"{entry.model._meta.label} is declared but not installed")
    return found
