"""The words the pages' own scripts show (static/retrowalk/upload.js, kneeupload.js, privacy.js), in the page's
language: a template asks for its script's group with ``{% js_words "upload" %}`` and the script reads them through
static/retrowalk/words.js. (The live coach has its own, in walks/live.py, sent with its plan.)"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

GROUPS: dict[str, dict[str, str]] = {
    "upload": {
        "not_saved": gettext_noop("%(file)s was not saved."),
        "instead": gettext_noop("What to do instead"),
        "too_big": gettext_noop("%(file)s is %(size)s MiB; route files are limited to 50 MiB."),
        "uploading": gettext_noop("Uploading… %(percent)s %%"),
        "reading": gettext_noop("Reading the route and placing the bouts…"),
        "server": gettext_noop("The upload failed (the server answered %(status)s): try again in a moment."),
        "network": gettext_noop("The upload failed: check the connection and try again."),
    },
    "knee": {
        "too_big": gettext_noop("%(file)s is %(size)s GiB; film 10 to 60 seconds (videos are limited to 1 GiB)"),
        "uploading": gettext_noop("Uploading %(file)s: %(percent)s %%"),
        "checking": gettext_noop("Uploaded; checking…"),
        "failed": gettext_noop("The upload failed (%(status)s); try again."),
        "stopped": gettext_noop("The upload stopped (is the phone online?); try again."),
    },
    "privacy": {
        "finding": gettext_noop("Finding where you are…"),
        "found": gettext_noop("Place filled in (to about %(metres)s m). Save the zone to keep it."),
        "denied": gettext_noop("The browser was not allowed to tell where you are: type the place instead."),
        "unknown": gettext_noop("Where you are could not be found just now: type the place instead."),
        "from_map": gettext_noop("Place filled in from the map. Save the zone to keep it."),
    },
}


def words(group: str) -> dict[str, str]:
    return {key: gettext(text) for key, text in GROUPS[group].items()}
