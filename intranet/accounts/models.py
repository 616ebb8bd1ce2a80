"""People: the custom user (e-mail login), their profile, follows and sign-up invitations."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .text import handle_from, search_name_for


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        extra.setdefault("display_name", email.split("@", 1)[0].replace(".", " ").title())
        user = self.model(email=email, **extra)
        user.search_name = search_name_for(user.display_name)
        if not user.handle:
            user.handle = unique_handle(handle_from(email))
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


def unique_handle(base: str) -> str:
    """``base`` if free, else ``base2``, ``base3``... (one query for the whole family)."""
    taken = set(User.objects.filter(handle__regex=rf"^{base}[0-9]*$").values_list("handle", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    handle = models.SlugField(
        _("handle"),
        max_length=60,
        unique=True,
        help_text=_("Used to mention you, e.g. @anna.schmidt."),
    )
    search_name = models.CharField(max_length=400, editable=False, default="")
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        default="",
        help_text=_("Empty until the person picks one; the browser's language is used until then."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        indexes = [
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="user_search_name_trgm"),
            models.Index(fields=["search_name", "id"], name="user_search_name_order"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile_detail", kwargs={"handle": self.handle})

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ", 1)[0] if self.display_name else self.email

    @property
    def initials(self) -> str:
        """Up to two letters for the avatar placeholder: "Anna Müller" -> "AM"."""
        words = [word for word in (self.display_name or self.email).replace("-", " ").split() if word[:1].isalpha()]
        if not words:
            return "?"
        letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
        return letters.upper()


class Skill(TagBase):
    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class TaggedSkill(TaggedItemBase):
    content_object: models.ForeignKey[Profile, Profile] = models.ForeignKey("Profile", on_delete=models.CASCADE)
    tag: models.ForeignKey[Skill, Skill] = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="tagged_profiles"
    )


def avatar_path(instance: Profile, filename: str) -> str:
    return f"avatars/{instance.pk}/{secrets.token_hex(8)}.webp"


# django-stubs cannot type the reverse manager of taggit's untyped through base (TaggedItemBase).
class Profile(models.Model):  # type: ignore[django-manager-missing]
    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="profile")
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True, db_index=True)
    location = models.CharField(_("location"), max_length=150, blank=True, db_index=True)
    languages = ArrayField(
        models.CharField(max_length=40), verbose_name=_("languages"), default=list, blank=True, size=20
    )
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    skills = TaggableManager(through=TaggedSkill, verbose_name=_("skills and interests"), blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~models.Q(follower=models.F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "follower"], name="follow_followee")]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A personal sign-up invitation for someone outside the configured company domains."""

    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(Lower("email"), name="invitation_email_ci")]

    def __str__(self) -> str:
        return self.email

    def is_usable(self, now: Any | None = None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class ErasureRequest(models.Model):
    """A request to erase a person (GDPR Art. 17), decided by a second member of staff.

    The workflow and the eraser live in ``intranet.accounts.erasure``. Once the person is erased
    the request keeps no identity: ``subject`` is gone (SET_NULL) and only ``subject_ref`` (the
    former primary key) and the counts of what was erased remain, as the record of the erasure.
    """

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("erasure request", "Waiting for approval")
        APPROVED = "approved", pgettext_lazy("erasure request", "Approved, erasing")
        REJECTED = "rejected", pgettext_lazy("erasure request", "Rejected")
        DONE = "done", pgettext_lazy("erasure request", "Erased")
        FAILED = "failed", pgettext_lazy("erasure request", "Failed")

    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("person")
    )
    subject_ref = models.PositiveBigIntegerField(editable=False)
    reason = models.TextField(_("reason"), max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), max_length=2000, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    #: What the eraser did, per register entry: ``{"communities.Post": {"anonymised": 3}, ...}``.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_ref"],
                condition=models.Q(state__in=["pending", "approved"]),
                name="erasure_one_open_request",
            ),
        ]
        indexes = [models.Index(fields=["-requested_at", "-id"], name="erasure_recent")]

    def __str__(self) -> str:
        return f"erasure #{self.pk} (person #{self.subject_ref})"
