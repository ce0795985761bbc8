from django import template

from retrowalk.core.units import format_clock

register = template.Library()


@register.filter
def clock(seconds: int | None) -> str:
    """``90`` → ``1:30``."""
    return "" if seconds is None else format_clock(int(seconds))
