from django import template

from retrowalk.core.units import Units, format_clock, format_distance, format_length_m

register = template.Library()


@register.filter
def clock(seconds: int | None) -> str:
    """``90`` → ``1:30``."""
    return "" if seconds is None else format_clock(int(seconds))


@register.filter
def distance(metres: float | None, units: str) -> str:
    """A distance in the person's units: ``{{ route.distance_m|distance:client.units }}`` → ``2.17 mi``."""
    return "" if metres is None else format_distance(float(metres), Units(units))


@register.filter
def height(metres: float | None, units: str) -> str:
    """A climb in the person's units: ``61 m`` or ``200 ft``."""
    return "" if metres is None else format_length_m(float(metres), Units(units))


@register.simple_tag
def js_words(group: str) -> str:
    """The words of one page script (web/jswords.py) as a JSON block its script reads (static/retrowalk/words.js)."""
    from django.utils.html import json_script

    from retrowalk.web.jswords import words

    return json_script(words(group), "rw-words")
