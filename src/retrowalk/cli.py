"""The ``retrowalk`` command line: a thin layer over ``core`` and ``formats``.

Bad input of any kind ends with one line on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.table import Table
from rich.text import Text

from retrowalk import __version__
from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.program import Level, dose_for_level
from retrowalk.core.routeplan import RouteRequest, route_plan
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.track import TrackError
from retrowalk.core.units import Units, default_units, format_clock, format_distance, format_speed, to_kmh
from retrowalk.formats.read import read_track

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
        if abs(value) > 1e6:
            raise argparse.ArgumentTypeError(f"{text!r} is far too large; give {what} like {example}")
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
        description="Make a plan for one walk: outdoors by time, on a locked treadmill or on a deadmill, or on a "
                    "route from a GPX, TCX or FIT file, with backward bouts only where the ground allows.")
    plan.add_argument("route", nargs="?", metavar="ROUTE", help="a .gpx, .tcx or .fit file to plan the walk on")
    plan.add_argument("--minutes", type=_number("minutes", "30"),
                      help="length of the whole walk in minutes (with a route: walk only its first part)")
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
    plan.add_argument("--reverse", action="store_true", help="walk the route in the other direction")
    plan.add_argument("--profile", metavar="FILE", help="with a route: draw its elevation profile to a .png or .svg")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON (see the README's schema)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "plan":
            return _plan(args)
    except (PlanError, TrackError) as err:
        print(f"retrowalk {args.command}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    raise AssertionError(f"unhandled command {args.command}")  # argparse only lets known commands through


def _plan(args: argparse.Namespace) -> int:
    if args.route is not None:
        return _route_plan(args)
    for flag, given in (("--reverse", args.reverse), ("--profile", args.profile)):
        if given:
            raise PlanError(f"{flag} needs a route file")
    if args.minutes is None:
        raise PlanError("give --minutes for a walk by time, or a route file to plan on")
    units, week = _units(args), _week(args)
    kind = Kind.TREADMILL if args.treadmill else Kind.DEADMILL if args.deadmill else Kind.OUTDOOR

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
    _emit(time_plan(request), args.json)
    return 0


def _units(args: argparse.Namespace) -> Units:
    return Units(args.units) if args.units else default_units()


def _week(args: argparse.Namespace) -> int:
    if args.week is not None:
        return int(args.week)
    return dose_for_level(Level(args.level)).week if args.level else 1


def _emit(plan: Plan, as_json: bool) -> None:
    if as_json:
        print(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_plan(plan, Console(highlight=False))


def _route_plan(args: argparse.Namespace) -> int:
    for flag, given in (("--treadmill", args.treadmill), ("--deadmill", args.deadmill), ("--bouts", args.bouts),
                        ("--incline", args.incline is not None)):
        if given:
            raise PlanError(f"{flag} does not go with a route file; a route plan is outdoors")
    if args.profile and Path(args.profile).suffix.lower() not in (".png", ".svg"):
        raise PlanError(f"--profile {args.profile}: the picture is written as .png or .svg")
    units, week = _units(args), _week(args)
    request = RouteRequest(
        week=week,
        units=units,
        backward_s=None if args.backward_minutes is None else round(args.backward_minutes * 60),
        minutes=args.minutes,
        forward_speed_kmh=None if args.speed_forward is None else to_kmh(args.speed_forward, units),
        backward_speed_kmh=None if args.speed_backward is None else to_kmh(args.speed_backward, units),
        bout_min_s=None if args.bout_min is None else int(args.bout_min),
        bout_max_s=None if args.bout_max is None else int(args.bout_max),
        reverse=args.reverse,
    )
    console = Console(stderr=True, highlight=False)
    with console.status(f"Reading {Path(args.route).name} and placing the bouts…"):
        track = read_track(args.route, times=False)
        result = route_plan(track, request)
    if args.profile:
        from retrowalk.formats.picture import draw_profile  # matplotlib loads only when a picture is asked for

        try:
            out = draw_profile(result.plan, result.profile, args.profile)
        except OSError as err:
            raise PlanError(f"cannot write {args.profile}: {err.strerror or err}") from None
        console.print(f"Profile written to {out}")
    _emit(result.plan, args.json)
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
    route = plan.route
    if route is not None:
        elevation = (f"ascent {route.ascent_m:.0f} m, descent {route.descent_m:.0f} m"
                     if route.elevation == "recorded" else "elevation unknown")
        speeds = sorted({format_speed(s.speed_kmh, plan.units) for s in plan.segments if s.speed_kmh}, reverse=True)
        console.print(f"Route {route.name or ''}: {format_distance(route.distance_m, plan.units)}, {elevation}; "
                      f"walked the other way it holds {format_clock(route.reverse_backward_s)} backward. "
                      f"Planned at {' forward, '.join(speeds)} backward.")
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Start", justify="right", no_wrap=True)
    table.add_column("Way", no_wrap=True)
    table.add_column("For", justify="right", no_wrap=True)
    if route is not None:
        table.add_column("From", justify="right", no_wrap=True)
        table.add_column("Ground", no_wrap=True)
    # On a route the two speeds are constant and said in the headline; the column would crowd out the cues.
    with_speed = route is None and any(s.speed_kmh is not None for s in plan.segments)
    with_incline = any(s.incline_pct is not None for s in plan.segments)
    if with_speed:
        table.add_column("Speed", justify="right", no_wrap=True)
    if with_incline:
        table.add_column("Incline", justify="right", no_wrap=True)
    table.add_column("What to do", ratio=1)
    for i, seg in enumerate(plan.segments, 1):
        row: list[str | Text] = [
            str(i),
            format_clock(seg.start_s),
            Text("◀ BACK", style="bold magenta") if seg.backward else Text("▶ fwd", style="green"),
            format_clock(seg.duration_s),
        ]
        if route is not None:
            row.append("" if seg.start_m is None else format_distance(seg.start_m, plan.units))
            grade = "" if seg.grade_pct is None else f" {seg.grade_pct:+.0f} %"
            row.append(f"{seg.terrain or ''}{grade}")  # e.g. "uphill +4 %"
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
