"""The ``retrowalk`` command line: a thin layer over ``core`` and ``formats``.

Bad input of any kind ends with one line on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from typing import IO, Any, NoReturn

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from retrowalk import __version__
from retrowalk.core.ground import Elevation
from retrowalk.core.plan import Kind, Plan, PlanError
from retrowalk.core.privacy import PrivacyError, Zone, keyed_rng, new_extra_m, new_zone, parse_zone, touches
from retrowalk.core.program import Level, dose_for_level
from retrowalk.core.refusal import Instead, Option, RouteRefusedError
from retrowalk.core.routeplan import RoutePlan, RouteRequest, route_plan
from retrowalk.core.text import one_line
from retrowalk.core.timeplan import TimeRequest, time_plan
from retrowalk.core.track import TrackError
from retrowalk.core.units import (
    Units,
    default_units,
    format_clock,
    format_distance,
    format_duration,
    format_grade,
    format_speed,
    to_kmh,
)
from retrowalk.formats.export import FORMATS, ExportOptions, next_monday, render
from retrowalk.formats.ics import parse_days
from retrowalk.formats.planjson import read_plan
from retrowalk.formats.read import read_track

EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for a command whose reader went away."""


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
                    "route from a GPX, TCX or FIT file, with backward bouts only where the ground allows. "
                    "A plan .json file is checked and shown.")
    _plan_arguments(plan)
    plan.add_argument("--profile", metavar="FILE", help="with a route: draw its elevation profile to a .png or .svg")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON (see the README's schema)")

    export = commands.add_parser(
        "export", help="write a plan as a watch workout, GPX, calendar or printable card",
        description="Write a plan to a file: a FIT workout for a watch, a GPX of the route with turn-around "
                    "waypoints, a calendar (.ics) of a week of sessions, or a one-page PDF card. The plan comes "
                    "from the same options as `retrowalk plan`, or from a plan .json file.")
    _plan_arguments(export)
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    export.add_argument("--to", choices=list(FORMATS), help="the format (default: from the output's suffix)")
    export.add_argument("--name", help="the workout's, calendar's or card's title")
    export.add_argument("--start", type=_date, metavar="YYYY-MM-DD",
                        help="calendar: the first day of the week (default: next Monday)")
    export.add_argument("--days", default="mon,wed,fri", help="calendar: weekdays to walk (default mon,wed,fri)")
    export.add_argument("--at", type=_clock, default=time(7, 0), metavar="HH:MM",
                        help="calendar: time of day (default 07:00)")
    export.add_argument("--tz", help="calendar: time zone such as Europe/Zurich (default: this computer's)")
    export.add_argument("--paper", choices=["a4", "letter"], help="card: paper size (default: letter for mph)")
    export.add_argument("--privacy-zone", action="append", default=[], metavar="LAT,LON[,RADIUS_M]",
                        help="a file to share: leave out everything within RADIUS_M (400 m or more; default 400) "
                             "of this place, and a little more at random; repeat for more places (a place "
                             "south or west: --privacy-zone=-33.87,151.21)")

    review = commands.add_parser(
        "review", help="see whether a recorded walk did its backward bouts",
        description="Review what a watch or phone recorded (.fit, .gpx or .tcx, gzipped or not) against the plan "
                    "it was meant to follow, or without one against the seed's rule (5 to 10 minutes backward, in "
                    "bouts, never downhill): per bout, confirmed by the watch's laps of the workout, consistent "
                    "with backward walking from pace and cadence, not verifiable, or missed; and any backward "
                    "stretch walked on a descent. Pace alone never proves direction, and the review says so.")
    review.add_argument("recording", metavar="RECORDING", help="the recorded walk")
    review.add_argument("--plan", metavar="PLAN.json", help="the plan it was meant to follow (retrowalk plan --json)")
    review.add_argument("--json", action="store_true", help="print the review as JSON (schemas/review.schema.json)")
    review.add_argument("--profile", metavar="FILE", help="draw the walk with what was walked backward, .png or .svg")
    review.add_argument("--units", choices=["mph", "kmh"], help="distances in miles or kilometres")

    imports = commands.add_parser(
        "import", help="list the walks in recordings or in a Garmin or Strava export",
        description="Find the walks in recorded files (.fit, .gpx, .tcx, gzipped or not) or in a whole export: "
                    "Garmin's \"Export Your Data\" zip (its monitoring and sleep files are recognised from their "
                    "first bytes and skipped) or Strava's bulk export (activities.csv says which are walks). Lists "
                    "each walk once, and what was skipped and why.")
    imports.add_argument("files", nargs="+", metavar="ARCHIVE|FILE", help="an export .zip, or recordings")
    imports.add_argument("--json", action="store_true", help="print the walks and the skipped files as JSON")
    imports.add_argument("--units", choices=["mph", "kmh"], help="distances in miles or kilometres")

    knee = commands.add_parser(
        "knee", help="check from a phone video whether the knee straightened on each step",
        description="Film a few steps from the side (whole body in the picture, the phone steady at hip height, "
                    "landscape). For the leg nearer the camera, each step's least knee flexion: straightened "
                    "(5° or less), nearly (up to 10°), not straightened, or cannot tell, with the reason. "
                    "Whole degrees only: from a phone video the angle can be 4-7° off. Runs on this computer; "
                    "the video goes nowhere.")
    knee.add_argument("video", metavar="VIDEO", help="the video file (.mp4, .mov, .webm)")
    knee.add_argument("--json", action="store_true", help="print the result as JSON")
    knee.add_argument("--picture", metavar="FILE.png",
                      help="draw the straightest moment and the knee's angle over time (.png or .svg)")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; give one like 2026-12-07") from None


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day; give one like 07:30") from None


def _plan_arguments(plan: argparse.ArgumentParser) -> None:
    plan.add_argument("route", nargs="?", metavar="ROUTE",
                      help="a .gpx, .tcx or .fit file to plan the walk on, or a plan .json file")
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


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`retrowalk plan … | head`): end quietly, as a shell tool ended by SIGPIPE does,
        # with stdout pointed at /dev/null so that the interpreter's last flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "plan":
            return _plan(args)
        if args.command == "export":
            return _export(args)
        if args.command == "review":
            return _review(args)
        if args.command == "import":
            return _import(args)
        if args.command == "knee":
            return _knee(args)
    except RouteRefusedError as err:  # core says why; the command line says what to type instead
        print(f"retrowalk {args.command}: {err.reason()}; {instead(err.options, getattr(args, 'reverse', False))}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    except (PlanError, TrackError, PrivacyError) as err:
        print(f"retrowalk {args.command}: {one_line(str(err))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    raise AssertionError(f"unhandled command {args.command}")  # argparse only lets known commands through


def instead(options: Sequence[Option], reversed_: bool) -> str:
    """What to do instead, in this command's flags: "walked the other way (--reverse) it holds 5 min, or …"."""
    parts = []
    for option in options:
        if option.instead is Instead.REVERSE and option.backward_s:
            flag = "without --reverse" if reversed_ else "--reverse"
            parts.append(f"walked the other way ({flag}) it holds {format_duration(option.backward_s)}")
        elif option.instead is Instead.TIME_PLAN:
            parts.append("plan by time (--minutes without a route)")
        elif option.instead is Instead.TREADMILL:
            parts.append("on a treadmill (--treadmill --minutes M)")
    return ", or ".join(parts) or "plan by time (--minutes without a route)"


def _plan(args: argparse.Namespace) -> int:
    if args.profile and (args.route is None or _is_json(args.route)):
        raise PlanError("--profile needs a route file")
    plan, route = _build(args)
    if args.profile and route is not None:
        from retrowalk.formats.picture import draw_profile  # matplotlib loads only when a picture is asked for

        try:
            out = draw_profile(route.plan, route.profile, args.profile, route.turns_in_the_way())
        except OSError as err:
            raise PlanError(f"cannot write {args.profile}: {err.strerror or err}") from None
        Console(stderr=True, highlight=False).print(f"Profile written to {out}")
    _emit(plan, args.json)
    if route is not None and route.options and not args.json:
        Console(stderr=True, highlight=False).print(
            Text(f"Instead: {instead(route.options, args.reverse)}.", style="yellow"))
    return 0


def _is_json(source: str) -> bool:
    return Path(source).suffix.lower() == ".json"


# Options that shape a new plan: none of them goes with a plan file, which is already made.
_SHAPING = ("minutes", "treadmill", "deadmill", "level", "week", "backward_minutes", "bout_min", "bout_max", "bouts",
            "speed_forward", "speed_backward", "incline", "units", "reverse")


def _build(args: argparse.Namespace) -> tuple[Plan, RoutePlan | None]:
    """The plan the options ask for, and for a route plan what it was made from."""
    if args.route is not None and _is_json(args.route):
        given = [name for name in _SHAPING if getattr(args, name) not in (None, False)]
        if given:
            option = "--" + given[0].replace("_", "-")
            raise PlanError(f"{option} does not go with a plan file; the plan in it is already made")
        return read_plan(args.route), None
    if args.route is not None:
        route = _route_plan(args)
        return route.plan, route
    if args.reverse:
        raise PlanError("--reverse needs a route file")
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
    return time_plan(request), None


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


def _route_plan(args: argparse.Namespace) -> RoutePlan:
    if args.minutes is not None and args.minutes <= 0:
        raise PlanError("--minutes must be more than 0")
    for flag, given in (("--treadmill", args.treadmill), ("--deadmill", args.deadmill), ("--bouts", args.bouts),
                        ("--incline", args.incline is not None)):
        if given:
            raise PlanError(f"{flag} does not go with a route file; a route plan is outdoors")
    if getattr(args, "profile", None) and Path(args.profile).suffix.lower() not in (".png", ".svg"):
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
    return result


def _export(args: argparse.Namespace) -> int:
    output = Path(args.output)
    fmt = args.to or next((f for f, suffix in FORMATS.items() if output.suffix.lower() == suffix), None)
    if fmt is None:
        raise PlanError(f"cannot tell the format from {output.name}; name it .fit, .gpx, .ics or .pdf, or give --to")
    if fmt == "gpx" and (args.route is None or _is_json(args.route)):
        raise PlanError("a GPX with turn-around points needs the route file itself (a .gpx, .tcx or .fit)")
    if not output.parent.is_dir():
        raise PlanError(f"cannot write {output}: the folder {output.parent} does not exist")
    places = [parse_zone(text) for text in args.privacy_zone]
    if places and (args.route is None or _is_json(args.route)):
        raise PlanError("--privacy-zone cuts a route: give the route file itself (a .gpx, .tcx or .fit)")
    plan, route = _build(args)
    zones: tuple[Zone, ...] = ()
    extra = 0.0
    if places:
        # Cut the same way every time for this computer's user (a key kept in their settings): the same route
        # shared twice shows nothing new.
        key = _privacy_key()
        zones = tuple(new_zone(lat, lon, radius, keyed_rng(key, "zone", lat, lon, radius))
                      for lat, lon, radius in places)
        extra = new_extra_m(keyed_rng(key, "route", hashlib.sha256(Path(args.route).read_bytes()).hexdigest()))
    options = ExportOptions(
        name=args.name or ("Backward walk" if places or not (plan.route and plan.route.name) else plan.route.name),
        first_day=args.start or next_monday(), days=parse_days(args.days), at=args.at, tz=args.tz,
        paper=args.paper, zones=zones, extra_m=extra)
    data = render(fmt, plan, route, options)
    _write_atomically(output, data)
    where = ""
    if fmt == "ics":  # a calendar's times mean nothing without their zone: say which one, and how to choose
        from retrowalk.formats.ics import zone

        mine = "" if args.tz else ", this computer's zone; choose another with --tz"
        where = f" Times are in {zone(args.tz).key}{mine}."
    said = f"{FORMAT_NAMES[fmt]} written to {output} ({len(data):,} bytes).{where}"
    if zones and route is not None:
        if not touches(route, zones, extra):
            said += " No privacy zone touches this route: all of it is in the file."
        else:
            said += (f" Nothing within the {'zone' if len(zones) == 1 else f'{len(zones)} zones'} is in it; "
                     "distances start where the shown part starts.")
    Console(stderr=True, highlight=False).print(said)
    return 0


def _privacy_key() -> bytes:
    """This user's own key for cutting privacy zones the same way each time, made on first use and kept
    readable by them alone (in $XDG_CONFIG_HOME/retrowalk, or ~/.config/retrowalk)."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "retrowalk"
    path = home / "privacy.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    try:
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        return bytes.fromhex(path.read_text().strip())
    except OSError as err:
        raise PlanError(f"cannot keep the privacy key in {path}: {err.strerror or err}") from None


def _review(args: argparse.Namespace) -> int:
    from retrowalk.core.review import Verdict, review, review_to_dict
    from retrowalk.formats.fitworkout import segment_steps
    from retrowalk.formats.planjson import read_plan
    from retrowalk.formats.read import read_recording

    if args.profile and Path(args.profile).suffix.lower() not in (".png", ".svg"):
        raise PlanError(f"{Path(args.profile).name}: the picture is written as .png or .svg")
    recording = read_recording(args.recording)
    plan = read_plan(args.plan) if args.plan else None
    units = Units(args.units) if args.units else (plan.units if plan is not None else default_units())
    result = review(recording, plan, segment_steps(plan) if plan is not None else None)
    if args.profile:
        from retrowalk.formats.picture import review_image

        out = Path(args.profile)
        try:
            _write_atomically(out, review_image(recording, result, units, out.suffix.lower()[1:], plan))
        except OSError as err:
            raise PlanError(f"cannot write {out}: {err.strerror or err}") from None
        Console(stderr=True, highlight=False).print(f"Picture written to {out}")
    if args.json:
        print(json.dumps(review_to_dict(result, Path(args.recording).name), indent=2, ensure_ascii=False))
        return 0
    console = Console(highlight=False)
    what = "against its plan" if plan is not None else "against the seed's rule (no plan given)"
    console.print(Text(f"{Path(args.recording).name}: {format_clock(round(result.duration_s))} recorded, "
                       f"reviewed {what}", style="bold"))
    table = Table(show_edge=False, pad_edge=False)
    for column in ("Bout", "Planned", "At", "Verdict", "Done", "Ground", "Why"):
        table.add_column(column)
    styles = {Verdict.CONFIRMED: "green", Verdict.CONSISTENT: "cyan", Verdict.NOT_VERIFIABLE: "yellow",
              Verdict.MISSED: "red"}
    for b in result.bouts:
        s = b.stretch
        ground = "" if s is None else s.ground.value
        table.add_row(str(b.number), format_clock(b.planned_s) if b.planned_s else "",
                      format_clock(round(s.start_s if s else b.planned_at_s)),
                      Text(b.verdict.value, style=styles[b.verdict]),
                      format_clock(round(s.duration_s)) if s else "",
                      Text(ground, style="bold red" if s is not None and s.on_descent else ""), b.why)
    if result.bouts:
        console.print(table)
    for line in result.words:
        console.print(Text(("! " if "(S3)" in line else "") + line, style="red" if "(S3)" in line else ""))
    return 0


def _open_binary(path: Path) -> IO[bytes]:
    return path.open("rb")


def _bar(console: Console) -> Any:
    """A progress bar on stderr for long reading, shown only on a terminal and gone when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


def _knee(args: argparse.Namespace) -> int:
    from retrowalk.formats.kneecheck import check_video, picture, to_dict
    from retrowalk.formats.pose import VideoError
    from retrowalk.formats.posemodels import PoseModelsMissingError

    path = Path(args.video)
    if args.picture and Path(args.picture).suffix.lower() not in (".png", ".svg"):
        raise PlanError(f"--picture {args.picture}: give a file ending in .png or .svg")
    err_console = Console(stderr=True, highlight=False)
    try:
        with _bar(err_console) as bar:
            task = bar.add_task(f"Reading {path.name}", total=None)
            check = check_video(path, lambda done, total: bar.update(task, completed=done, total=total or None))
    except (VideoError, PoseModelsMissingError) as err:
        raise PlanError(str(err)) from None
    if args.picture:
        try:
            Path(args.picture).write_bytes(picture(check, path, Path(args.picture).suffix.lower()[1:]))
        except OSError as err:
            raise PlanError(f"cannot write {args.picture}: {err.strerror or err}") from None
        err_console.print(f"Picture written to {args.picture}")
    if args.json:
        print(json.dumps(to_dict(check), indent=2, ensure_ascii=False))
    else:
        _knee_table(check)
    if not check.measured:
        print(f"retrowalk knee: {check.result.verdict}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _knee_table(check: Any) -> None:
    from retrowalk.core.knee import Verdict

    console = Console(highlight=False)
    result, fps = check.result, check.result.fps or 30.0
    if result.strides:
        table = Table(title=f"{(result.side or '').capitalize()} knee, step by step", title_justify="left")
        for column, justify in (("Step", "right"), ("From", "right"), ("To", "right"), ("Least bend", "right"),
                                ("Straightened?", "left")):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        words = {Verdict.REACHED: "yes", Verdict.BORDERLINE: "nearly", Verdict.NOT_REACHED: "no",
                 Verdict.CANNOT_TELL: "cannot tell"}
        for n, stride in enumerate(result.strides, 1):
            least = "—" if stride.shown_deg is None else f"{stride.shown_deg}°"
            said = words[stride.verdict] + (f": {stride.why}" if stride.why else "")
            table.add_row(str(n), f"{stride.start / fps:.1f} s", f"{stride.end / fps:.1f} s", least, said)
        console.print(table)
    if check.pose.note:
        console.print(check.pose.note)
    if check.measured:
        console.print(result.verdict)


def _import(args: argparse.Namespace) -> int:
    from retrowalk.core.geo import along_m
    from retrowalk.formats.archive import ArchiveError, Found, fingerprint, scan

    units = Units(args.units) if args.units else default_units()
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise PlanError(f"{name}: no such file" if not path.exists() else f"{name} is a folder; give its files")
    found: list[Found] = []
    err_console = Console(stderr=True, highlight=False)
    with _bar(err_console) as bar:
        for name in args.files:
            task = bar.add_task(f"Reading {Path(name).name}", total=None)

            def moved(done: int, total: int, task: object = task) -> None:
                bar.update(task, completed=done, total=total)

            try:
                found += list(scan(name, partial(_open_binary, Path(name)), moved))
            except ArchiveError as err:
                raise PlanError(str(err)) from None
            except OSError as err:
                raise PlanError(f"{name}: cannot be read ({err.strerror or err})") from None
    seen: dict[str, str] = {}
    walks: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for item in found:
        if item.recording is None:
            skipped.append({"file": item.name, "reason": item.skipped})
            continue
        key = fingerprint(item.recording)
        if key in seen:
            skipped.append({"file": item.name, "reason": f"the same walk as {seen[key]}"})
            continue
        seen[key] = item.name
        track = item.recording.track
        times = track.time_s[np.isfinite(track.time_s)]
        walks.append({"file": item.name, "title": item.title or track.name, "sport": item.recording.sport,
                      "start": None if not len(times) else datetime.fromtimestamp(float(times.min()), UTC).isoformat(),
                      "duration_s": round(float(times.max() - times.min())) if len(times) else None,
                      "distance_m": round(float(along_m(track.lat_deg, track.lon_deg)[-1])) if len(track) > 1 else 0,
                      "fingerprint": key})
    if args.json:
        print(json.dumps({"walks": walks, "skipped": skipped}, indent=2, ensure_ascii=False))
        return 0
    console = Console(highlight=False)
    console.print(Text(f"{len(walks)} walk{'s' if len(walks) != 1 else ''} found, "
                       f"{len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped", style="bold"))
    if walks:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("Started (UTC)", "Length", "Distance", "Sport", "File"):
            table.add_column(column)
        for w in walks:
            table.add_row((w["start"] or "")[:16].replace("T", " "),
                          format_clock(w["duration_s"]) if w["duration_s"] is not None else "",
                          format_distance(float(w["distance_m"] or 0), units), str(w["sport"] or ""),
                          str(w["title"] or w["file"]))
        console.print(table)
    reasons: dict[str, int] = {}
    for item_ in skipped:
        reasons[str(item_["reason"])] = reasons.get(str(item_["reason"]), 0) + 1
    for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        console.print(Text(f"skipped {n}: {reason}", style="yellow"))
    return 0


FORMAT_NAMES = {"fit": "FIT workout", "gpx": "GPX with turn-around waypoints", "ics": "Calendar",
                "pdf": "Printable card"}


def _write_atomically(path: Path, data: bytes) -> None:
    """All or nothing: a failed write never leaves half a file where a good one was."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise PlanError(f"cannot write {path}: {err.strerror or err}") from None


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
                     if route.elevation is Elevation.RECORDED else "elevation unknown")
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
            grade = "" if seg.grade_pct is None else f" {format_grade(seg.grade_pct)}"
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
