"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

The browser binary is the system's (/usr/bin/chromium, installed by scripts/setup.sh --test);
Playwright never downloads one. Screenshots go to test-artifacts/screenshots/.
"""
import os
from pathlib import Path

import pytest

# Before Playwright is imported: never fetch a browser of its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
# make (loading the guides) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium 不存在：请运行 scripts/setup.sh --test 安装 chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def site(transactional_db, live_server, migrated_rows):
    """The live site with the five shipped guides loaded (the server thread sees this data:
    transactional_db commits it), on the rows the migrations seeded (a previous live-server
    test emptied the tables)."""
    from django.db import connection

    from yibao.catalog.guides.importer import load_defaults

    connection.creation.deserialize_db_from_string(migrated_rows)
    load_defaults()
    from yibao.catalog.search import search

    search("医保")  # as `yibao serve` does at start: the first fit of the 导办 model is not a page's wait
    return live_server.url


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot in test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
