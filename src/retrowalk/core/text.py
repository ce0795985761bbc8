"""Small pieces of wording every message shares: quoting what someone gave, one line, a count with its noun."""

from __future__ import annotations

QUOTE_MAX = 40
"""A file's own text quoted in a message is cut to this many characters: enough to find it, never a page."""


def quoted(text: object) -> str:
    """Text from a file (or a person) as a message quotes it: in quotes, on one line, printable, short."""
    words = "".join(c if c.isprintable() else " " for c in " ".join(str(text).split()))
    if len(words) > QUOTE_MAX:
        words = words[: QUOTE_MAX - 1] + "…"
    return repr(words)


def one_line(text: str, limit: int = 300) -> str:
    """A message from a parser or library as one printable line of at most ``limit`` characters."""
    line = "".join(c if c.isprintable() else " " for c in " ".join(text.split()))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 bout``, ``5 bouts``: never "1 bouts"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
