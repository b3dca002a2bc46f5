"""Debian's Chromium driven by Playwright (never `playwright install`: no downloads).

    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.screenshot(path=screenshot_dir() / "apply.png")
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("AMPARO_CHROMIUM", "/usr/bin/chromium"))
REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no calls home: tests stay on loopback
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
]


class ChromiumMissing(RuntimeError):
    pass


def launch_chromium(playwright: Any, **kwargs: Any) -> Any:
    """A headless Browser from /usr/bin/chromium (playwright.sync_api or async_api object)."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(
            f"{CHROMIUM} is missing: run scripts/ensure-test-deps.sh "
            "(apt-get install chromium). Browsers are not downloaded by playwright.")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, *kwargs.pop("args", [])], **kwargs)


def screenshot_dir() -> Path:
    """$AMPARO_SCREENSHOT_DIR or <repo>/test-artifacts/screenshots, created."""
    path = Path(os.environ.get("AMPARO_SCREENSHOT_DIR") or REPO_ROOT / "test-artifacts"
                / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
