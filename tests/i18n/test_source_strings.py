"""Translatable strings must reach the catalogue whole: nothing formatted before translation, no
translation call inside an f-string, no translated piece glued to other text (item 20 of issue 18)."""

from __future__ import annotations

import textwrap

import pytest

from tests.i18n.source_strings import check_project, check_source

HEADER = "from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy as p_\n"

BAD = {
    "translation inside an f-string": "text = f\"{text} {_('Reason: %(reason)s') % p}\"",
    "f-string translated": 'text = _(f"Hello {name}")',
    "%-formatted before translation": 'text = _("Hello %s" % name)',
    "%-formatted before translation (lazy)": 'text = gettext_lazy("Hello %(n)s" % {"n": name})',
    ".format() before translation": 'text = _("Hello {}".format(name))',
    "concatenated before translation": 'text = _("Hello " + name)',
    "plural formatted before translation": 'text = ngettext("%d post" % n, "%d posts" % n, n)',
    "context variant formatted before translation": 'text = p_("verb", f"Report {what}")',
    "translated piece concatenated": 'text = _("Owner") + ": " + name',
    "formatted translation concatenated": 'text = _("No post in %(d)s days.") % {"d": d} + " " + _("Ask something.")',
    "translated piece %-formatted into a literal": 'text = "%s: %s" % (_("Reason"), why)',
    "translated piece .format()ed into a literal": 'text = "{}: {}".format(_("Reason"), why)',
    "translated piece in an f-string via the module": (
        "from django.utils import translation\ntext = f\"{translation.gettext('Owner')}: {name}\""
    ),
}

GOOD = {
    "named placeholders after translation": 'text = _("Reason: %(reason)s") % {"reason": why}',
    "one message for the sentence and its reason": (
        'text = _("%(notice)s Reason: %(reason)s") % {"notice": notice, "reason": why}'
    ),
    "plural after translation": 'text = ngettext("%(n)s post", "%(n)s posts", n) % {"n": n}',
    "context": 'text = p_("verb", "Report")',
    "implicit literal concatenation": 'text = _("Hello " "world")',
    "f-string without translation": 'text = f"community:{pk}"',
    "join of translated names": 'text = _("%(names)s left.") % {"names": ", ".join(names)}',
}


@pytest.mark.parametrize("code", BAD.values(), ids=BAD.keys())
def test_checker_reports_strings_assembled_around_translation(code):
    findings = check_source(HEADER + textwrap.dedent(code), "example.py")

    assert findings
    assert all(finding.path == "example.py" and finding.line >= 2 for finding in findings), findings


@pytest.mark.parametrize("code", GOOD.values(), ids=GOOD.keys())
def test_checker_accepts_whole_messages(code):
    assert check_source(HEADER + textwrap.dedent(code), "example.py") == []


def test_checker_ignores_modules_that_do_not_translate():
    assert check_source("_ = lambda s: s\ntext = f\"{_('x')}\"", "example.py") == []


def test_project_code_translates_whole_messages():
    findings = check_project()

    assert not findings, "Translatable strings assembled around translation:\n" + "\n".join(map(str, findings))
