"""Date and time formats per language (``FORMAT_MODULE_PATH``), ahead of Django's own.

English follows British usage (31 Dec 2026, 18:00, weeks starting on Monday) rather than Django's
US defaults (Dec. 31, 2026, 6 p.m.); both languages read and render form inputs as ISO dates and
24-hour times first (2026-12-31 18:00), which no reader can take for another day.
"""
