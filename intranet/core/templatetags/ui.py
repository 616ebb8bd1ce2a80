"""Small presentation helpers for the platform's templates: icons and the current nav section."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

ICON_SPRITE = "dist/icons/bootstrap-icons.svg"


@cache
def sprite_url() -> str:
    """The sprite's (hashed) URL, looked up once per process: a page draws dozens of icons, and
    each ``static()`` call walks the app registry and the manifest again."""
    return static(ICON_SPRITE)


@receiver(setting_changed)
def _forget_sprite_url(*, setting: str, **_kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STORAGES", "INSTALLED_APPS"}:
        sprite_url.cache_clear()


@register.simple_tag
def icon(name: str, label: str = "", css_class: str = "") -> SafeString:
    """An icon from the bootstrap-icons sprite.

    Decorative by default (hidden from assistive technology); pass ``label`` when the icon is the
    only content of a control, so it is announced as an image with that name.
    """
    classes = f"bi {css_class}".strip()
    href = f"{sprite_url()}#{name}"
    if label:
        return format_html(
            '<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
            classes,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', classes, href
    )


@register.simple_tag(takes_context=True)
def is_current(context: template.Context, prefix: str, exact: bool = False) -> bool:
    """Whether the current request's path is ``prefix`` (``exact``) or lies below it."""
    request: Any = context.get("request")
    if request is None:
        return False
    path: str = request.path
    return path == prefix if exact else path.startswith(prefix)


@register.filter
def initials(name: str) -> str:
    """Up to two initials of a display name, for the avatar placeholder."""
    parts = [part for part in str(name).split() if part]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2]
    return parts[0][0] + parts[-1][0]
