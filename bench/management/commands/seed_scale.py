"""Load the reference-scale benchmark dataset (issue 4); the logic lives in ``bench.dataset.generate``.

manage.py seed_scale --scale 0.01            # a quick run
manage.py seed_scale --scale 1 --seed 1      # the reference dataset
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connection, transaction

from bench.dataset import copy as dataset_copy
from bench.dataset import generate


def _date(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--until needs a date like 2026-01-31, not {value!r}") from error
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


class _Raw:
    """``self.stderr`` without the newline Django adds to every write (the progress line rewrites itself)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str, /) -> object:
        self.wrapper.write(text, ending="")
        return None

    def flush(self) -> None:
        self.wrapper.flush()


class Command(BaseCommand):
    help = "Generate the reference-scale dataset (deterministic per seed) with COPY, then recount and analyse."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 users, 5M posts.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until", default=None, help="Last day of the three generated years (default: today, UTC)."
        )
        parser.add_argument("--users", type=int, default=None, help="Override the number of users.")
        parser.add_argument("--communities", type=int, default=None, help="Override the number of communities.")
        parser.add_argument("--posts", type=int, default=None, help="Override the number of posts.")
        parser.add_argument("--chunk", type=int, default=generate.CHUNK, help="Rows per COPY batch.")
        parser.add_argument(
            "--force", action="store_true", help="Empty the generated tables first if the database has data."
        )
        parser.add_argument("--no-analyze", action="store_true", help="Skip VACUUM ANALYZE at the end.")
        parser.add_argument(
            "--workers", type=int, default=2, help="Connections that COPY and build indexes at once (default 2)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        sizes = generate.Sizes.for_scale(options["scale"])
        overrides = {key: options[key] for key in ("users", "communities", "posts") if options[key] is not None}
        if any(value < 1 for value in overrides.values()):
            raise CommandError("--users, --communities and --posts must be positive.")
        sizes = generate.Sizes(**{**sizes.__dict__, **overrides})
        until = _date(options["until"]) if options["until"] else _date(dt.datetime.now(dt.UTC).date().isoformat())
        started = time.monotonic()
        with transaction.atomic():
            if not generate.is_empty():
                if not options["force"]:
                    raise CommandError(
                        "The database already holds users, communities or posts; use --force to empty the "
                        "community tables and delete the generated people first."
                    )
                try:
                    also = generate.clear()
                except generate.CannotClear as error:
                    raise CommandError(str(error)) from error
                if also:
                    self.stderr.write(f"Also emptied (they were empty): {', '.join(also)}")
        generator = generate.Generator(
            sizes=sizes,
            seed=options["seed"],
            until=until,
            stream=_Raw(self.stderr),
            chunk=options["chunk"],
            workers=max(1, options["workers"]),
        )
        with connection.cursor() as cursor:
            for name, value in dataset_copy.LOAD_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
        # No outer transaction: every chunk commits on its own, so the deferred foreign-key checks
        # never pile up for millions of rows.
        generator.run()
        loaded = time.monotonic()
        with transaction.atomic():
            generate.recount(_Raw(self.stderr))
            generate.reset_sequences()
        counted = time.monotonic()
        if not options["no_analyze"]:
            generate.analyze(vacuum=connection.get_autocommit() and not connection.in_atomic_block)
        finished = time.monotonic()
        counts = generate.table_counts()
        width = max(len(name) for name in counts)
        self.stdout.write(f"Seeded scale {options['scale']} with seed {options['seed']} until {until:%Y-%m-%d}:")
        for name, count in counts.items():
            self.stdout.write(f"  {name:<{width}} {count:>12,}")
        total = sum(counts.values())
        self.stdout.write(
            f"Load {loaded - started:.1f}s ({total / max(loaded - started, 1e-9):,.0f} rows/s), "
            f"recount {counted - loaded:.1f}s, analyse {finished - counted:.1f}s, total {finished - started:.1f}s."
        )
