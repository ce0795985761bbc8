"""The route's profile picture drawn for where it is shown (issue 17): a phone's page gets the phone's drawing, a
desktop's the desktop's, the card the paper one, and at each its words read at a size a person can read (the SVG
keeps them as text, so their size is read off the picture itself, not off our own table)."""

from __future__ import annotations

import re

import pytest

from retrowalk.formats.card import MARGIN
from retrowalk.formats.picture import profile_image
from retrowalk.web.walks import services
from tests.web.conftest import Studio, needs_chromium
from tests.web.test_browser import log_in

READABLE_PX = 12.0
"""The smallest text shown on a screen, in CSS pixels (the body text is 17)."""
READABLE_PT = 8.0
"""The smallest text printed on the card, in points."""


def smallest_text(svg: str) -> tuple[float, float]:
    """(the smallest font size, the picture's width), both in the SVG's own units."""
    sizes = [float(v) for v in re.findall(r"font-size: ([0-9.]+)px", svg)]
    width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', svg).group(1))
    assert sizes, "the picture's words are not text"
    return min(sizes), width


@needs_chromium
@pytest.mark.parametrize(("width", "height", "size"), [(390, 844, "phone"), (1280, 800, "desktop")])
def test_the_page_shows_the_drawing_for_its_screen_and_its_words_read(chromium, live_server, studio: Studio,
                                                                      width: int, height: int, size: str) -> None:
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, live_server.url, "ann")
    page.goto(f"{live_server.url}/plans/{studio.ann_route_plan.pk}/")
    picture = page.locator("img.profile")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.profile').complete")
    src = picture.evaluate("img => img.currentSrc")
    assert src.endswith(f"size={size}"), src
    shown = picture.evaluate("img => img.getBoundingClientRect().width")
    font, drawn = smallest_text(page.request.get(src).text())
    assert font * shown / drawn >= READABLE_PX, (size, font, shown, drawn)
    context.close()


def test_the_card_prints_its_picture_with_words_of_at_least_8_points(studio: Studio) -> None:
    from reportlab.lib.pagesizes import A4, LETTER

    result = services.route_result(studio.ann_route_plan)
    assert result is not None
    font, drawn = smallest_text(profile_image(result.plan, result.profile, "svg", result.turns_in_the_way(),
                                              size="paper").decode())
    for page in (LETTER, A4):  # the card's printed width: the page less its margins (card.py)
        assert font * (page[0] - 2 * MARGIN) / drawn >= READABLE_PT, (page, font, drawn)


def test_the_old_one_size_picture_was_unreadable_on_a_phone(studio: Studio) -> None:
    """What issue 17 found, kept as a check that the measure above can fail: the desktop drawing squeezed into a
    phone's 340 px has words of about 5 px."""
    result = services.route_result(studio.ann_route_plan)
    assert result is not None
    font, drawn = smallest_text(profile_image(result.plan, result.profile, "svg", size="desktop").decode())
    assert font * 340 / drawn < READABLE_PX
