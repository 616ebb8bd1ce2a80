"""Print the register of personal data, or write it into docs/privacy.md (``--write``), or check
that the file is current (``--check``, for CI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intranet.privacy import register


class Command(BaseCommand):
    help = "Print the register of personal data or write it into a Markdown file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="PATH", help="Replace the generated section of this file.")
        parser.add_argument("--check", metavar="PATH", help="Fail when this file's generated section is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            if not register.is_current(Path(options["check"])):
                raise CommandError(
                    f"{options['check']} is stale: run manage.py privacy_register --write {options['check']}"
                )
            self.stdout.write("The register section is current.")
            return
        if options["write"]:
            changed = register.write_into(Path(options["write"]))
            self.stdout.write(f"{options['write']}: {'updated' if changed else 'unchanged'}")
            return
        self.stdout.write(register.markdown())
