"""Safe XML for route files: no entity expansion, no DTD, no network, bounded trees; ISO 8601 times as arrays."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
from lxml import etree

from retrowalk.core.i18n import _
from retrowalk.core.text import one_line
from retrowalk.core.track import FloatArray, TrackError


def parser(recover: bool = False) -> etree.XMLParser:
    # resolve_entities=False: a "billion laughs" file stays a few bytes; no_network/load_dtd=False: nothing is
    # fetched; huge_tree=False keeps libxml2's depth and text-size limits on. Blank text, comments and
    # processing instructions are dropped at parse time: fewer nodes, faster XPath.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover,
                           remove_blank_text=True, remove_comments=True, remove_pis=True, collect_ids=False)


def parse(data: bytes, what: str, notes: list[str] | None = None) -> etree._Element:
    """The document's root; a file whose only fault is an undeclared namespace prefix (an app that forgot to
    declare its extension namespace) is read leniently, with a note, since its points are intact."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as err:
        message = one_line(str(err.msg or err).split(", line ")[0].split("\n")[0], 120).rstrip(".")
        # The parser's own message (lxml's, in English) is quoted as it is.
        words = {"line": err.lineno, "error": message, "format": what}
        if "Namespace prefix" in message and notes is not None:
            root = etree.fromstring(data, parser(recover=True))
            notes.append(_("The file has XML namespace errors (line %(line)s: %(error)s); its points were read "
                           "anyway.") % words if err.lineno else
                         _("The file has XML namespace errors (%(error)s); its points were read anyway.") % words)
        elif err.lineno:
            raise TrackError(_("line %(line)s: this %(format)s file is not well-formed XML (%(error)s)") % words) \
                from None
        else:
            raise TrackError(_("this %(format)s file is not well-formed XML (%(error)s)") % words) from None
    if root is None:
        raise TrackError(_("this %(format)s file has no content") % {"format": what})
    return root


def parse_root(data: bytes, what: str, root_name: str, notes: list[str]) -> tuple[etree._Element, str | None]:
    """The root of a ``what`` file and its namespace, refusing a file whose root is not ``<root_name>``."""
    root = parse(data, what, notes)
    try:
        qname = etree.QName(root)
    except ValueError:  # a root like <x:gpx> whose prefix was never declared (read leniently)
        raise TrackError(_("this %(format)s file's root element uses an undeclared namespace prefix")
                         % {"format": what}) from None
    if qname.localname != root_name:
        raise TrackError(_("this is not a %(format)s file: its root element is <%(root)s>, not <%(expected)s>")
                         % {"format": what, "root": qname.localname, "expected": root_name})
    return root, qname.namespace


def epoch_seconds(stamps: list[str]) -> FloatArray:
    """ISO 8601 times to Unix seconds, NaN for any that do not parse.

    The common case (UTC with ``Z``, as GPX 1.1 and TCX require) is converted by numpy in one call; times with an
    offset, or odd ones, fall back to :func:`datetime.fromisoformat` one by one.
    """
    if not stamps:
        return np.empty(0)
    if {s[-1:] for s in stamps} == {"Z"}:  # one cheap pass; numpy parses the rest in C
        try:
            with warnings.catch_warnings():  # numpy warns (and still converts to UTC) on an offset inside
                warnings.simplefilter("ignore", UserWarning)
                ms = np.array([s[:-1] for s in stamps], dtype="datetime64[ms]")
            out: FloatArray = ms.astype(np.int64) / 1000.0
            out[np.isnat(ms)] = np.nan  # "Z" alone, or an empty stamp: no time, not year −292 million
            return out
        except ValueError:
            pass
    stripped = [s.strip() for s in stamps]
    out = np.full(len(stripped), np.nan)
    for i, s in enumerate(stripped):
        try:
            moment = datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith("Z") else s)
        except ValueError:
            continue
        if moment.tzinfo is None:  # GPX 1.0 allowed local-looking times; take them as UTC
            moment = moment.replace(tzinfo=UTC)
        out[i] = moment.timestamp()
    return out
