"""The public home page in real headless Chromium, on a phone and on a desktop: the free intro is the first thing
in reach, nothing runs off the side, and the page reads at 200 % text size too."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrowalk.web.frontdesk.models import Studio
from tests.web.conftest import Studio as Fixture
from tests.web.conftest import needs_chromium
from tests.web.test_browser import shoot
from tests.web.test_home import public  # noqa: F401  (the fixture)

pytestmark = needs_chromium


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_home_page_puts_the_free_intro_in_reach_and_fits_the_screen(chromium, live_server, studio: Fixture,
                                                                         public: Studio,  # noqa: F811
                                                                         width: int, height: int,
                                                                         tmp_path: Path) -> None:
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + "/")
    intro = page.get_by_role("link", name="Schedule your free intro").first
    box = intro.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box  # in reach without scrolling
    assert box["height"] >= 44  # a thumb's target
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"home-{width}", tmp_path)
    # Enlarged text (200 %): still no sideways scroll, the intro still a link that works.
    # (as a reader's browser setting does: the root size; the page's own sizes are in rem, so they follow)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
    wide = page.evaluate(f"""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
        > {width} + 1).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    shoot(page, f"home-{width}-text200", tmp_path)
    intro.click()
    page.wait_for_url("**/intro/")
    context.close()
