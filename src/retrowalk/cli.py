"""The ``retrowalk`` command line: a thin layer over ``core`` and ``formats``.

Bad input of any kind ends with one line on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from rich.console import Console
from rich.table import Table
from rich.text import Text

from retrowalk import __version__
from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.program import Level, dose_for_level
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.units import Units, default_units, format_clock, format_speed, to_kmh

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: the usage block hides the sentence that matters."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(what: str, example: str, *, integer: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number; give {what} like {example}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a number; give {what} like {example}")
        if integer and value != int(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give {what} like {example}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="retrowalk", description="Backward-walking plans you can follow safely.")
    parser.add_argument("--version", action="version", version=f"retrowalk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    plan = commands.add_parser(
        "plan", help="make a plan for one walk",
        description="Make a plan for one walk: outdoors by time, on a locked treadmill or on a deadmill.")
    plan.add_argument("--minutes", type=_number("minutes", "30"), required=True,
                      help="length of the whole walk in minutes")
    machine = plan.add_mutually_exclusive_group()
    machine.add_argument("--treadmill", action="store_true",
                         help="a powered treadmill that locks when off (incline 1 %% or more, from 2 mph)")
    machine.add_argument("--deadmill", action="store_true",
                         help="a treadmill whose belt turns freely when off: self-paced, no motor")
    stage = plan.add_mutually_exclusive_group()
    stage.add_argument("--level", choices=[lv.value for lv in Level],
                       help="programme level: beginner (5 backward min), intermediate (7), advanced (10)")
    stage.add_argument("--week", type=_number("a week", "3", integer=True),
                       help="week of the programme, 1 upward (default 1)")
    plan.add_argument("--backward-minutes", type=_number("minutes", "6"),
                      help="backward minutes in total (5–10; default from the level or week)")
    plan.add_argument("--bout-min", type=_number("seconds", "30", integer=True), metavar="SECONDS",
                      help="shortest backward bout in seconds (default 30)")
    plan.add_argument("--bout-max", type=_number("seconds", "90", integer=True), metavar="SECONDS",
                      help="longest backward bout in seconds (outdoors at most 120)")
    plan.add_argument("--bouts", type=_number("a count", "4", integer=True),
                      help="number of backward bouts (default: as few as the bout length allows)")
    plan.add_argument("--speed-forward", type=_number("a speed", "3.0"), metavar="SPEED",
                      help="forward speed in --units")
    plan.add_argument("--speed-backward", type=_number("a speed", "1.5"), metavar="SPEED",
                      help="backward speed in --units (treadmill: the belt speed of the backward bouts)")
    plan.add_argument("--incline", type=_number("a percentage", "1.5"), metavar="PCT",
                      help="treadmill incline in %% (at least 1)")
    plan.add_argument("--units", choices=[u.value for u in Units],
                      help="mph or kmh (default: from your locale; mph when it names no country)")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON (see the README's schema)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "plan":
            return _plan(args)
    except PlanError as err:
        print(f"retrowalk {args.command}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    raise AssertionError(f"unhandled command {args.command}")  # argparse only lets known commands through


def _plan(args: argparse.Namespace) -> int:
    units = Units(args.units) if args.units else default_units()
    kind = Kind.TREADMILL if args.treadmill else Kind.DEADMILL if args.deadmill else Kind.OUTDOOR
    week = int(args.week) if args.week is not None else (
        dose_for_level(Level(args.level)).week if args.level else 1)

    def seconds(minutes: float | None) -> int | None:
        return None if minutes is None else round(minutes * 60)

    def whole(value: float | None) -> int | None:
        return None if value is None else int(value)

    def speed(value: float | None) -> float | None:
        return None if value is None else to_kmh(value, units)

    total_s = seconds(args.minutes)
    if total_s is None or total_s <= 0:
        raise PlanError("--minutes must be more than 0")
    request = TimeRequest(
        total_s=total_s,
        kind=kind,
        week=week,
        units=units,
        backward_s=seconds(args.backward_minutes),
        bout_min_s=whole(args.bout_min),
        bout_max_s=whole(args.bout_max),
        bouts=whole(args.bouts),
        forward_speed_kmh=speed(args.speed_forward),
        backward_speed_kmh=speed(args.speed_backward),
        incline_pct=args.incline,
    )
    if request.bouts is not None and request.bouts < 1:
        raise PlanError("--bouts must be 1 or more")
    plan = time_plan(request)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_plan(plan, Console(highlight=False))
    return 0


_TITLES = {
    Kind.OUTDOOR: "Outdoor walk",
    Kind.TREADMILL: "Locked treadmill",
    Kind.DEADMILL: "Deadmill",
    Kind.ROUTE: "Route walk",
}


def print_plan(plan: Plan, console: Console) -> None:
    """The plan as a person reads it: a headline, the timeline, then warnings and safety notes."""
    bouts = plan.bouts()
    console.print(Text(
        f"{_TITLES[plan.kind]}: {format_clock(plan.total_s)} in all, {format_clock(plan.backward_s)} backward "
        f"in {len(bouts)} bout{'s' if len(bouts) != 1 else ''}, {format_clock(plan.forward_s)} forward",
        style="bold"))
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Clock", no_wrap=True)
    table.add_column("Direction", no_wrap=True)
    table.add_column("For", justify="right", no_wrap=True)
    with_speed = any(s.speed_kmh is not None for s in plan.segments)
    with_incline = any(s.incline_pct is not None for s in plan.segments)
    if with_speed:
        table.add_column("Speed", justify="right", no_wrap=True)
    if with_incline:
        table.add_column("Incline", justify="right", no_wrap=True)
    table.add_column("What to do")
    for i, seg in enumerate(plan.segments, 1):
        row: list[str | Text] = [
            str(i),
            f"{format_clock(seg.start_s)}–{format_clock(seg.end_s)}",
            Text("◀ BACKWARD", style="bold magenta") if seg.backward else Text("▶ forward", style="green"),
            format_clock(seg.duration_s),
        ]
        if with_speed:
            row.append("" if seg.speed_kmh is None else format_speed(seg.speed_kmh, plan.units))
        if with_incline:
            row.append("" if seg.incline_pct is None else f"{seg.incline_pct:g} %")
        row.append(seg.cue)
        table.add_row(*row)
    console.print(table)
    for warning in plan.warnings:
        console.print(Text(f"! {warning}", style="yellow"))
    console.print(Text("Safety", style="bold"))
    for note in plan.safety:
        console.print(f"  • {note}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
