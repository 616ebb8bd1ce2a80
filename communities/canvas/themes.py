"""The Community Canvas framework: three parts, sixteen themes, each with a few guiding questions.

The framework (identity, experience, structure) comes from the Community Canvas by Fabian Pfortmüller,
Nico Luchsinger and Sascha Mombartz; the guiding questions here are our own short wording. Answers are
stored per theme key, so the keys below are stable identifiers: never rename one.

``stage_first`` marks the themes a new community should think about first (see
:func:`communities.canvas.selectors.is_new_community`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Theme:
    key: str
    part: str
    title: StrPromise
    questions: Sequence[StrPromise]
    stage_first: bool = False


@dataclass(frozen=True)
class Part:
    key: str
    title: StrPromise
    summary: StrPromise


PARTS: tuple[Part, ...] = (
    Part("identity", _("Identity"), _("Why the community exists and who it is for.")),
    Part("experience", _("Experience"), _("What members do together and how it feels to take part.")),
    Part("structure", _("Structure"), _("How the community is organised and kept running.")),
)

THEMES: tuple[Theme, ...] = (
    # Identity
    Theme(
        "purpose",
        "identity",
        _("Purpose"),
        (
            _("Why does this community exist?"),
            _("What would be missing if it stopped tomorrow?"),
            _("What change do you want to bring about for members and for the company?"),
        ),
        stage_first=True,
    ),
    Theme(
        "member_identity",
        "identity",
        _("Member identity"),
        (
            _("Who is this community for?"),
            _("What do members have in common?"),
            _("Who is explicitly not the audience?"),
        ),
        stage_first=True,
    ),
    Theme(
        "values",
        "identity",
        _("Values"),
        (
            _("Which values guide how members treat each other?"),
            _("What behaviour do you celebrate, and what do you not accept?"),
        ),
        stage_first=True,
    ),
    Theme(
        "success",
        "identity",
        _("Success"),
        (
            _("How do you know the community is doing well?"),
            _("What would success look like in one year?"),
            _("Which signs would tell you to change course?"),
        ),
    ),
    Theme(
        "brand",
        "identity",
        _("Brand"),
        (
            _("How does the community present itself (name, tone, look)?"),
            _("How should people feel when they first come across it?"),
        ),
    ),
    # Experience
    Theme(
        "selection",
        "experience",
        _("Selection"),
        (
            _("Who can join, and how?"),
            _("Do you actively invite people? Whom, and why?"),
            _("When would someone have to leave?"),
        ),
        stage_first=True,
    ),
    Theme(
        "onboarding",
        "experience",
        _("Onboarding"),
        (
            _("How are new members welcomed?"),
            _("What should a newcomer know or do in their first weeks?"),
            _("Who helps them find their way?"),
        ),
        stage_first=True,
    ),
    Theme(
        "rituals",
        "experience",
        _("Rituals"),
        (
            _("Which recurring moments bring members together?"),
            _("How often do you meet, online or in person?"),
            _("Which traditions make the community recognisable?"),
        ),
        stage_first=True,
    ),
    Theme(
        "content",
        "experience",
        _("Content"),
        (
            _("What content do members share and look for?"),
            _("Who creates it, and how is it kept up to date?"),
        ),
    ),
    Theme(
        "rules",
        "experience",
        _("Rules"),
        (
            _("Which written rules apply?"),
            _("Which unwritten rules do newcomers need to learn?"),
            _("What happens when rules are broken?"),
        ),
    ),
    Theme(
        "roles",
        "experience",
        _("Roles"),
        (
            _("Which roles exist (owners, managers, moderators, hosts)?"),
            _("How does someone take on a role, and how do they hand it over?"),
        ),
        stage_first=True,
    ),
    # Structure
    Theme(
        "organisation",
        "structure",
        _("Organisation"),
        (
            _("Who runs the community day to day?"),
            _("How much time do the organisers have, and who stands in for them?"),
        ),
    ),
    Theme(
        "governance",
        "structure",
        _("Governance"),
        (
            _("How are decisions made, and who is involved?"),
            _("How can members influence the direction?"),
        ),
    ),
    Theme(
        "financing",
        "structure",
        _("Financing"),
        (
            _("What does the community need (budget, rooms, time)?"),
            _("Who provides it, and how is it secured in the long run?"),
        ),
    ),
    Theme(
        "channels",
        "structure",
        _("Channels"),
        (
            _("Where do members talk to each other (this intranet, meetings, chat)?"),
            _("Which channel is for what?"),
        ),
        stage_first=True,
    ),
    Theme(
        "data",
        "structure",
        _("Data"),
        (
            _("Which figures and feedback do you look at?"),
            _("How do you collect them while respecting members' privacy?"),
        ),
    ),
)

THEME_KEYS: tuple[str, ...] = tuple(theme.key for theme in THEMES)
THEMES_BY_KEY: dict[str, Theme] = {theme.key: theme for theme in THEMES}
STAGE_THEME_KEYS: tuple[str, ...] = tuple(theme.key for theme in THEMES if theme.stage_first)
PART_TITLES: dict[str, StrPromise] = {part.key: part.title for part in PARTS}
