"""The plan's JSON form: round trip, and clear refusals of malformed input."""

from __future__ import annotations

import copy
import json

import pytest

from retrowalk.core.plan import Kind, PlanError, plan_from_dict
from retrowalk.core.timeplan import TimeRequest, time_plan


def sample() -> dict:
    return time_plan(TimeRequest(total_s=1800, kind=Kind.TREADMILL)).to_dict()


def test_a_plan_survives_a_json_round_trip() -> None:
    plan = time_plan(TimeRequest(total_s=1800, kind=Kind.OUTDOOR, week=3))
    again = plan_from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.to_dict() == plan.to_dict()


def test_totals_are_derived_from_segments() -> None:
    data = sample()
    assert data["total_s"] == sum(s["duration_s"] for s in data["segments"])
    assert data["backward_s"] + data["forward_s"] == data["total_s"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(kind="bicycle"), "kind: 'bicycle' is not one of"),
        (lambda d: d.update(segments=[]), "segments: a plan needs a non-empty list"),
        (lambda d: d["segments"][1].update(duration_s="300"), "segment 2: duration_s must be a whole number"),
        (lambda d: d["segments"][0].update(direction="sideways"), "segment 1: direction: 'sideways'"),
        (lambda d: d["segments"][0].update(speed_kmh=True), "segment 1: speed_kmh must be a number or null"),
        (lambda d: d.update(backward_s=60), "backward_s says 60 but the segments add up to 300"),
        (lambda d: d.update(warnings="careful"), "warnings must be a list of strings"),
        (lambda d: d["segments"].__setitem__(0, 5), "segment 1 must be a JSON object"),
    ],
)
def test_it_refuses_malformed_plans_with_one_sentence(mutate, message: str) -> None:
    data = copy.deepcopy(sample())
    mutate(data)
    with pytest.raises(PlanError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        plan_from_dict(data)


def test_it_refuses_something_that_is_not_an_object() -> None:
    with pytest.raises(PlanError, match="must be a JSON object"):
        plan_from_dict([1, 2, 3])
