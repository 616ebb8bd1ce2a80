"""The browser test here uses the shared Playwright set-up (Debian's chromium, screenshots folder)."""

from tests.browser.conftest import browser_context_args, browser_type_launch_args, screenshots_dir

__all__ = ["browser_context_args", "browser_type_launch_args", "screenshots_dir"]
