"""What SCIM provisioning records about people (the register, intranet/core/privacy.py).

The identity provider's view of a person (their user name, external id and the attributes it
sent) is theirs and goes with the account. The identity provider's tokens name the member of
staff who issued them; groups are organisational units with no person in their columns.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import ACTOR_REASON, OnErase, actor, not_personal, own, personal_data

from .models import ScimGroup, ScimToken, ScimUser

personal_data(
    ScimUser,
    kind="provisioning",
    label=_("Provisioning by the identity provider"),
    owners=("user",),
    fields={"user": own(), "user_name": own(), "external_id": own(), "attributes": own()},
    on_erase=OnErase.DELETE,
    retention=_("As long as the account exists."),
)
personal_data(
    ScimToken,
    kind="scim_tokens",
    owners=("created_by",),
    fields={"created_by": actor(export=False)},
    other_fields={
        "name": _("The identity provider's name."),
        "digest": _("A one-way hash of the secret."),
        "prefix": _("The first characters of the secret, to recognise a token in the list."),
    },
    on_erase=OnErase.ANONYMISE,
    exported=False,
    reason=ACTOR_REASON,
)
not_personal(
    ScimGroup,
    _(
        "An organisational unit of the company (its name and the identity provider's id); who belongs "
        "to it hangs on the people's provisioning rows and goes with them."
    ),
)
