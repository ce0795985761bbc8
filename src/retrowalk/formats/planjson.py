"""Plan JSON files from elsewhere (a coach, an earlier run, another tool): schema, then the plan, then the rules.

Each step refuses with one sentence naming where the problem is, so nothing is ever exported from a plan that
the published schema (``retrowalk/schemas/plan.schema.json``) or the safety checker rejects.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema

from retrowalk.core.check import check
from retrowalk.core.i18n import _
from retrowalk.core.plan import Plan, PlanError, plan_from_dict

MAX_PLAN_BYTES = 5 * 1024 * 1024
"""A plan of a 12-hour walk in 5-second steps is well under 1 MiB."""


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(files("retrowalk").joinpath("schemas/plan.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def plan_from_json(text: str | bytes, name: str | None = None) -> Plan:
    """The plan in ``text``, refused with :class:`PlanError` if it is not valid JSON, not the schema, or unsafe.
    ``name``: what the messages call it (by default "the plan", in the active language)."""
    name = _("the plan") if name is None else name
    if len(text) > MAX_PLAN_BYTES:
        raise PlanError(_("%(name)s is over 5 MiB; a plan file is far smaller") % {"name": name})
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        # The parser's and the schema checker's own messages (in English) are quoted as they are.
        raise PlanError(_("%(name)s is not valid JSON (line %(line)s, column %(column)s: %(error)s)")
                        % {"name": name, "line": err.lineno, "column": err.colno, "error": err.msg}) from None
    except UnicodeDecodeError:
        raise PlanError(_("%(name)s is not UTF-8 text") % {"name": name}) from None
    except RecursionError:  # brackets nested thousands deep: no plan is, and the parser gives up
        raise PlanError(_("%(name)s is nested too deeply to be a plan") % {"name": name}) from None
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = _where(list(error.absolute_path))
        raise PlanError(_("%(name)s does not follow the plan schema at %(where)s: %(error)s")
                        % {"name": name, "where": where, "error": error.message})
    plan = plan_from_dict(data)
    problems = check(plan)
    if problems:
        raise PlanError(_("%(name)s breaks a safety rule: %(problem)s") % {"name": name, "problem": problems[0]})
    return plan


def _where(path: list[str | int]) -> str:
    """``["segments", 9, "duration_s"]`` → ``segment 10, duration_s``: counted as a person counts, from 1."""
    if not path:
        return _("the top level")
    if len(path) >= 2 and path[0] == "segments" and isinstance(path[1], int):
        return ", ".join([_("segment %(number)d") % {"number": path[1] + 1}, *map(str, path[2:])])
    return "/".join(map(str, path))


def read_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise PlanError(_("%(name)s is over 5 MiB; a plan file is far smaller") % {"name": path.name})
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(_("%(path)s: no such file") % {"path": path}) from None
    except IsADirectoryError:
        raise PlanError(_("%(path)s is a folder; give a plan .json file") % {"path": path}) from None
    except OSError as err:
        raise PlanError(_("%(path)s: cannot be read (%(why)s)") % {"path": path, "why": err.strerror}) from None
    return plan_from_json(data, path.name)
