"""Register entries of the kernel's tables, of this app and of the third-party apps the platform runs
(Django, Wagtail, allauth, Celery beat, taggit): they are part of what the platform records about
people, so they are declared like the platform's own models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    PeriodicTasks,
    SolarSchedule,
)
from taggit.models import Tag
from wagtail.admin.models import EditingSession, FormState
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.embeds.models import Embed
from wagtail.images.models import Image, Rendition
from wagtail.models import (
    APIToken,
    Collection,
    CollectionViewRestriction,
    Comment,
    CommentReply,
    GroupApprovalTask,
    Locale,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageSubscription,
    PageViewRestriction,
    ReferenceIndex,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
)
from wagtail.search.models import IndexEntry
from wagtail.users.models import UserProfile

from intranet.core.models import AuditEntry, IdempotencyKey, OutboxEvent, OutboxReceipt
from intranet.core.privacy import (
    COMPANY_CONTENT_REASON,
    CONVERSATION_REASON,
    EVIDENCE_REASON,
    OnErase,
    actor,
    anonymised,
    kept,
    not_personal,
    own,
    personal_data,
)

from .models import ExportRequest

TECHNICAL = _("Technical configuration of the platform; names no one.")
SECRET = _("Secrets that sign the person in; never exported, revoked and deleted on erasure.")
SHORT_LIVED = _("Short-lived working state of the editor; removed with the person.")

# The kernel ---------------------------------------------------------------------------------------


def _audit_rows(user: Any) -> Iterable[Mapping[str, Any]]:
    """Audit entries the person did, and those about their account (target is the person)."""
    user_type = ContentType.objects.get_for_model(type(user))
    rows = AuditEntry.objects.filter(Q(actor_id=user.pk) | Q(target_type=user_type, target_id=str(user.pk)))
    for entry in rows.order_by("pk").iterator(chunk_size=500):
        yield {
            "id": entry.pk,
            "created_at": entry.created_at.isoformat(),
            "by_me": entry.actor_id == user.pk,
            "action": entry.action,
            "target": entry.target_repr,
            "scope": entry.scope,
            "reason": entry.reason,
        }


personal_data(
    AuditEntry,
    kind="audit",
    label=_("Audit entries about me"),
    owners=("actor",),
    fields={
        "actor": anonymised(EVIDENCE_REASON),
        "target_repr": anonymised(EVIDENCE_REASON),
        "reason": kept(EVIDENCE_REASON),
        "before": kept(EVIDENCE_REASON, export=False),
        "after": kept(EVIDENCE_REASON, export=False),
    },
    other_fields={
        "action": _("The code of the action."),
        "target_id": _("The row number of the target."),
        "scope": _("Where the action happened, as a code."),
    },
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
    retention="RETENTION_AUDIT_DAYS",
    exporter=_audit_rows,
)
not_personal(OutboxEvent, _("Domain events carrying row numbers for the relay; removed once relayed and old."))
not_personal(OutboxReceipt, _("Which consumer handled which event; row numbers only."))
personal_data(
    IdempotencyKey,
    kind="form_keys",
    owners=("user",),
    fields={"user": own()},
    other_fields={"scope": _("Which form the key belongs to."), "object_pk": _("The row the form created.")},
    on_erase=OnErase.DELETE,
    reason=_("Keys that stop a form from being submitted twice; technical, kept for a day."),
    exported=False,
)
personal_data(
    ExportRequest,
    kind="data_exports",
    label=_("Data exports"),
    owners=("person",),
    fields={
        "person": own(),
        "requested_by": actor(export=True),
        "file": own(export=False),
        "token_hash": own(export=False),
        "error": own(),
    },
    other_fields={"counts": _("How many rows of each kind the export held.")},
    on_erase=OnErase.DELETE,
    retention=_("The file is deleted when its link expires."),
)

# Django -------------------------------------------------------------------------------------------

not_personal(ContentType, TECHNICAL)
not_personal(Permission, TECHNICAL)
not_personal(Group, _("A named set of permissions."))
personal_data(
    Session,
    kind="sessions",
    owners=(),
    fields={"session_data": own(export=False)},
    on_erase=OnErase.DELETE,
    reason=SECRET,
    retention="SESSION_COOKIE_AGE",
    exported=False,
)
personal_data(
    LogEntry,
    kind="admin_history",
    label=_("Administration history"),
    owners=("user",),
    fields={
        "user": anonymised(EVIDENCE_REASON),
        "object_repr": kept(EVIDENCE_REASON),
        "change_message": kept(EVIDENCE_REASON),
    },
    other_fields={"object_id": _("The row number of the changed object.")},
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)

# allauth ------------------------------------------------------------------------------------------

personal_data(
    EmailAddress,
    kind="sign_in",
    label=_("Sign-in"),
    owners=("user",),
    fields={"user": own(), "email": own()},
    on_erase=OnErase.DELETE,
)
not_personal(EmailConfirmation, _("A one-time key sent to an address; the address is on its e-mail row."))
not_personal(SocialApp, TECHNICAL)
personal_data(
    SocialAccount,
    kind="sign_in",
    owners=("user",),
    fields={"user": own(), "uid": own(), "extra_data": own()},
    other_fields={"provider": _("The code of the sign-in provider.")},
    on_erase=OnErase.DELETE,
)
personal_data(
    SocialToken,
    kind="sign_in_tokens",
    owners=("account__user",),
    fields={"token": own(export=False), "token_secret": own(export=False)},
    on_erase=OnErase.DELETE,
    reason=SECRET,
    exported=False,
)
personal_data(
    Authenticator,
    kind="sign_in",
    owners=("user",),
    fields={"user": own(), "data": own(export=False)},
    on_erase=OnErase.DELETE,
)

# Celery beat, taggit --------------------------------------------------------------------------------

for model in (SolarSchedule, IntervalSchedule, ClockedSchedule, CrontabSchedule, PeriodicTasks, PeriodicTask):
    not_personal(model, TECHNICAL)
not_personal(Tag, _("A tag word."))

# Wagtail ------------------------------------------------------------------------------------------

for model in (Locale, Site, Collection, CollectionViewRestriction, PageViewRestriction, Workflow, Task):
    not_personal(model, TECHNICAL)
not_personal(GroupApprovalTask, TECHNICAL)
not_personal(Redirect, TECHNICAL)
not_personal(Rendition, _("A resized copy of an image."))
not_personal(ReferenceIndex, _("Which content links to which; row numbers and field paths."))
not_personal(IndexEntry, _("The search index of CMS pages, rebuilt from the pages themselves."))
not_personal(Embed, _("Cached description of public media embedded in pages."))
not_personal(
    FormSubmission,
    _("Answers to CMS form pages; the platform installs no form page, so the table stays empty."),
)
personal_data(
    Page,
    kind="cms_pages",
    label=_("CMS pages"),
    owners=("owner",),
    fields={
        "owner": anonymised(COMPANY_CONTENT_REASON),
        "locked_by": actor(),
        "title": kept(COMPANY_CONTENT_REASON),
        "draft_title": kept(COMPANY_CONTENT_REASON),
        "seo_title": kept(COMPANY_CONTENT_REASON),
        "search_description": kept(COMPANY_CONTENT_REASON),
    },
    other_fields={"path": _("The page's place in the tree."), "url_path": _("The page's address.")},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
personal_data(
    Revision,
    kind="cms_history",
    label=_("CMS editing history"),
    owners=("user",),
    fields={
        "user": anonymised(COMPANY_CONTENT_REASON),
        "object_str": kept(COMPANY_CONTENT_REASON),
        "content": kept(COMPANY_CONTENT_REASON, export=False),
    },
    other_fields={"object_id": _("The row number of the edited object.")},
    on_erase=OnErase.ANONYMISE,
    reason=COMPANY_CONTENT_REASON,
)
for log_model in (PageLogEntry, ModelLogEntry):
    personal_data(
        log_model,
        kind="cms_history",
        owners=("user",),
        fields={"user": anonymised(EVIDENCE_REASON), "label": kept(EVIDENCE_REASON), "data": kept(EVIDENCE_REASON)},
        other_fields={"action": _("The code of the action.")}
        | ({"object_id": _("The row number of the object.")} if log_model is ModelLogEntry else {}),
        on_erase=OnErase.ANONYMISE,
        reason=EVIDENCE_REASON,
    )
personal_data(
    WorkflowState,
    kind="cms_history",
    owners=("requested_by",),
    fields={"requested_by": anonymised(EVIDENCE_REASON)},
    other_fields={"object_id": _("The row number of the object.")},
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
personal_data(
    TaskState,
    kind="cms_history",
    owners=("finished_by",),
    fields={"finished_by": anonymised(EVIDENCE_REASON), "comment": kept(EVIDENCE_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=EVIDENCE_REASON,
)
personal_data(
    Comment,
    kind="cms_comments",
    label=_("Comments on CMS drafts"),
    owners=("user",),
    fields={"user": anonymised(CONVERSATION_REASON), "text": kept(CONVERSATION_REASON), "resolved_by": actor()},
    other_fields={
        "contentpath": _("Which field of the page the comment is on."),
        "position": _("Where in the field the comment is."),
    },
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
personal_data(
    CommentReply,
    kind="cms_comments",
    owners=("user",),
    fields={"user": anonymised(CONVERSATION_REASON), "text": kept(CONVERSATION_REASON)},
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
personal_data(
    PageSubscription,
    kind="cms_comments",
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    UserProfile,
    kind="cms_settings",
    label=_("CMS editor settings"),
    owners=("user",),
    fields={"user": own(), "avatar": own()},
    other_fields={"dismissibles": _("Which hints of the editor were closed.")},
    on_erase=OnErase.DELETE,
)
for upload_model in (Document, Image):
    personal_data(
        upload_model,
        kind="cms_uploads",
        label=_("CMS uploads"),
        owners=("uploaded_by_user",),
        fields={
            "uploaded_by_user": anonymised(COMPANY_CONTENT_REASON),
            "title": kept(COMPANY_CONTENT_REASON),
            "file": kept(COMPANY_CONTENT_REASON, export=False),
        }
        | ({"description": kept(COMPANY_CONTENT_REASON)} if upload_model is Image else {}),
        other_fields={"file_hash": _("A checksum of the file.")},
        on_erase=OnErase.ANONYMISE,
        reason=COMPANY_CONTENT_REASON,
    )
personal_data(
    UploadedFile,
    kind="cms_uploads",
    owners=("uploaded_by_user",),
    fields={"uploaded_by_user": own(), "file": own(export=False)},
    on_erase=OnErase.DELETE,
    reason=SHORT_LIVED,
    exported=False,
)
personal_data(
    EditingSession,
    kind="cms_editing",
    owners=("user",),
    fields={"user": own()},
    other_fields={"object_id": _("The row number of the edited object.")},
    on_erase=OnErase.DELETE,
    reason=SHORT_LIVED,
    exported=False,
)
personal_data(
    FormState,
    kind="cms_editing",
    owners=("user",),
    fields={"user": own(), "data": own(export=False)},
    other_fields={
        "object_id": _("The row number of the edited object."),
        "parent_object_id": _("The row number of the parent object."),
    },
    on_erase=OnErase.DELETE,
    reason=SHORT_LIVED,
    exported=False,
)
personal_data(
    APIToken,
    kind="api_tokens",
    owners=("user",),
    fields={"user": own(), "name": own(export=False)},
    other_fields={"key_hash": _("A hash of the token."), "prefix": _("The token's first characters.")},
    on_erase=OnErase.DELETE,
    reason=SECRET,
    exported=False,
)
