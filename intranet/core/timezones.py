"""Time-zone choices people can read: the company's common zones first, then the rest by region.

``settings.COMMON_TIME_ZONES`` names the zones most people here need (a European default); they come
first as "Berlin (UTC+01:00)". Every other IANA zone follows in a group per region ("Europe",
"America", ...), as "Argentina / Buenos Aires (UTC-03:00)". Offsets are the ones in force today, so a
label follows daylight-saving time. Legacy aliases (``US/Eastern``, ``Etc/GMT+5``) are left out.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_COMMON_TIME_ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "UTC",
)

REGIONS: dict[str, Promise] = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}

Choices = list[tuple[str, str]]
GroupedChoices = list[tuple[str | Promise, Choices]]


@cache
def _zones_by_region() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {region: [] for region in REGIONS}
    for name in available_timezones():
        region = name.split("/", 1)[0]
        if region in found and "/" in name:
            found[region].append(name)
    return {region: tuple(sorted(names)) for region, names in found.items()}


def common_time_zones() -> tuple[str, ...]:
    """The configured common zones that exist on this machine, in the configured order."""
    configured = getattr(settings, "COMMON_TIME_ZONES", DEFAULT_COMMON_TIME_ZONES)
    known = available_timezones()
    return tuple(dict.fromkeys(name for name in configured if name in known))


def utc_offset(name: str, at: dt.datetime | None = None) -> str:
    """ "UTC+01:00" for ``name`` at ``at`` (default: now); "UTC-05:00" west of Greenwich."""
    offset = (at or timezone.now()).astimezone(ZoneInfo(name)).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def time_zone_label(name: str, *, short: bool = False, at: dt.datetime | None = None) -> str:
    """A readable name: "Berlin (UTC+01:00)"; without ``short``, "Europe / Berlin (UTC+01:00)"."""
    if name == "UTC":
        return "UTC"
    parts = name.split("/")
    place = parts[-1] if short else " / ".join(parts[1:] or parts)
    return f"{place.replace('_', ' ')} ({utc_offset(name, at)})"


def time_zone_choices(at: dt.datetime | None = None) -> GroupedChoices:
    """Grouped choices for a ``ChoiceField``: the common zones, then one group per region."""
    at = at or timezone.now()
    common = common_time_zones()
    groups: GroupedChoices = [(_("Common time zones"), [(z, time_zone_label(z, short=True, at=at)) for z in common])]
    for region, names in _zones_by_region().items():
        rest = [(z, time_zone_label(z, at=at)) for z in names if z not in common]
        if rest:
            groups.append((REGIONS[region], rest))
    return groups
