"""The knee check on real video (formats/pose.py, formats/kneecheck.py, ``retrowalk knee``), DOMAIN.md §5.

None of the shared clips has reference angles: these tests check behaviour. The forward clip's near leg is found
and straightens (or nearly) at heel strike, as forward gait does; the same clip played backward gives the same
steps in reverse with the same least flexion within 2°; the front-oblique lunge cannot be told, for the view;
and every video that cannot be read gets one sentence saying what to do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from retrowalk.cli import main
from retrowalk.core.knee import Verdict
from retrowalk.formats import pose as pose_module
from retrowalk.formats.kneecheck import KneeCheck, check_video, picture
from retrowalk.formats.pose import PoseEstimator, VideoError, refine
from tests.videos import FORWARD, LUNGE, REVERSED, empty_scene, frames_of, write

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def forward() -> KneeCheck:
    return check_video(FORWARD)


@pytest.fixture(scope="module")
def reversed_() -> KneeCheck:
    return check_video(REVERSED)


def test_on_the_forward_clip_the_near_legs_steps_are_found_and_it_straightens_at_heel_strike(
        forward: KneeCheck) -> None:
    """She walks right to left, her left side to the camera; forward gait straightens the knee to about 0–5°
    just before heel strike."""
    result = forward.result
    assert result.side == "left"
    told = [s for s in result.strides if s.verdict is not Verdict.CANNOT_TELL]
    assert len(told) >= 3
    assert all(s.verdict in (Verdict.REACHED, Verdict.BORDERLINE) for s in told), result.strides
    assert result.verdict.startswith("The left knee straightened on ")
    # The other person in the clip (jumping about, then running past) is not the one measured.
    assert forward.pose.people == 1


def test_the_reversed_clip_gives_the_same_steps_in_reverse_with_the_same_least_flexion(
        forward: KneeCheck, reversed_: KneeCheck) -> None:
    n = len(forward.pose.landmarks)
    assert len(reversed_.pose.landmarks) == n
    ahead, back = forward.result.strides, reversed_.result.strides[::-1]
    assert reversed_.result.side == "left" and len(back) == len(ahead) >= 3
    for a, b in zip(ahead, back, strict=True):
        # The same step: played backward it covers (nearly) the same frames. Its edges are the tops of the swing,
        # broad humps whose highest frame moves by a few frames with the model's noise.
        start, end = n - b.end, n - b.start
        shared = min(a.end, end) - max(a.start, start)
        assert shared >= 0.75 * min(a.end - a.start, end - start), (a, b)
        assert a.least_deg is not None and b.least_deg is not None
        assert abs(a.least_deg - b.least_deg) <= 2.0, (a, b)


def test_reading_frames_again_side_by_side_gives_the_numbers_one_reader_gives(forward: KneeCheck) -> None:
    """refine shares the frames among single-threaded landmarkers working at once: what each frame reads must not
    depend on how many there were, nor on which took it."""
    frames = set(forward.pose.read_again)
    assert len(frames) >= 10
    one = refine(forward.pose, frames, PoseEstimator(threads=1))
    two = refine(forward.pose, frames, PoseEstimator(threads=2))
    assert one.read_again == two.read_again == forward.pose.read_again
    assert np.array_equal(one.landmarks, two.landmarks, equal_nan=True)
    assert np.array_equal(two.landmarks, forward.pose.landmarks, equal_nan=True)


def test_a_failure_in_one_of_the_readers_side_by_side_is_not_lost(forward: KneeCheck,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    last = max(forward.pose.read_again)
    real = pose_module._read_again

    def failing(reader: Any, pose: Any, i: int, squares: Any) -> Any:
        if i == last:
            raise MemoryError("out of memory in a reader")
        return real(reader, pose, i, squares)

    monkeypatch.setattr(pose_module, "_read_again", failing)
    with pytest.raises(MemoryError):
        refine(forward.pose, set(forward.pose.read_again), PoseEstimator(threads=2))


def test_the_front_oblique_lunge_is_cannot_tell_for_the_view_not_a_number() -> None:
    result = check_video(LUNGE).result
    assert result.side is None and result.strides == ()
    assert "off the side" in result.verdict and "film square to the walking line" in result.verdict


def test_a_phones_rotation_metadata_is_applied_and_a_picture_on_its_side_says_so(tmp_path: Path) -> None:
    """A phone records portrait video as landscape frames plus a turn to apply: applied, it reads as the upright
    clip does. A picture whose turn was lost (the body lies across it) gets one sentence, not a number."""
    upright = check_video(write(tmp_path / "upright.mp4", frames_of(FORWARD, 40, 190)))
    turned = check_video(write(tmp_path / "phone.mp4", frames_of(FORWARD, 40, 190, turn=Image.Transpose.ROTATE_270),
                               rotation=90))
    assert turned.pose.rotation == 90 and (turned.pose.width, turned.pose.height) == (884, 496)
    assert [s.shown_deg is not None for s in turned.result.strides] == [s.shown_deg is not None
                                                                        for s in upright.result.strides]
    for a, b in zip(upright.result.strides, turned.result.strides, strict=True):
        # Turned pixels are compressed differently: the same reading within the model's noise, not to the degree.
        assert a.least_deg is not None and b.least_deg is not None and abs(a.least_deg - b.least_deg) <= 3.0
    lying = check_video(write(tmp_path / "lying.mp4", frames_of(FORWARD, 40, 190, turn=Image.Transpose.ROTATE_90)))
    assert lying.result.side is None
    assert lying.result.verdict.startswith("Cannot tell: the picture is on its side")


def test_a_video_with_no_one_in_it_says_so(tmp_path: Path) -> None:
    result = check_video(write(tmp_path / "park.mp4", empty_scene())).result
    assert result.side is None and "no person was found in the video" in result.verdict


def test_a_five_frame_video_is_too_short_and_says_how_long_to_film(tmp_path: Path) -> None:
    result = check_video(write(tmp_path / "blink.mp4", frames_of(FORWARD, 100, 105))).result
    assert result.side is None and "the video is 0.2 s long; film at least a few steps" in result.verdict


def test_a_video_cut_short_is_read_up_to_the_damage_and_says_so(tmp_path: Path) -> None:
    whole = write(tmp_path / "whole.mp4", frames_of(FORWARD, 40, 190), faststart=True)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    check = check_video(cut)
    assert "The video is damaged after" in check.pose.note or len(check.pose.landmarks) < 150
    assert len(check.pose.landmarks) > 0


@pytest.mark.parametrize(("content", "name", "says"), [
    (b"shopping: eggs, milk\n", "notes.mp4", "notes.mp4 is not a video retrowalk can read: upload the MP4 or MOV"),
    (None, "broken.mp4", "broken.mp4 looks like a video but is damaged or cut short"),
])
def test_a_broken_file_and_a_file_that_is_no_video_each_get_one_sentence(
        tmp_path: Path, content: bytes | None, name: str, says: str) -> None:
    path = tmp_path / name
    # A phone's MP4 that lost its end: the index (at the end of the file) is gone with it.
    path.write_bytes(content if content is not None else REVERSED.read_bytes()[:1_500_000])
    with pytest.raises(VideoError) as caught:
        check_video(path)
    assert str(caught.value).startswith(says) and "\n" not in str(caught.value)


def test_the_command_prints_the_steps_the_verdict_and_draws_the_picture(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "k.png"
    assert main(["knee", str(REVERSED), "--picture", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Left knee, step by step" in printed and "The left knee straightened on" in printed
    with Image.open(out) as img:
        assert img.format == "PNG" and img.width > 600
    assert main(["knee", str(REVERSED), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["side"] == "left" and report["measured"] is True
    assert all(isinstance(s["least_flexion_deg"], int) for s in report["steps"] if s["verdict"] != "cannot tell")


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p / "missing.mp4", "does not exist"),
    (lambda p: (p / "n.mov").write_bytes(b"\x00" * 100) and p / "n.mov", "is not a video retrowalk can read"),
])
def test_the_command_refuses_bad_input_with_exit_2_and_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make, says: str) -> None:
    assert main(["knee", str(make(tmp_path))]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("retrowalk knee: ") and says in err and "\n" not in err and "Traceback" not in err


def test_a_clip_nothing_can_be_measured_on_exits_2_with_its_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knee", str(LUNGE)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("retrowalk knee: Cannot tell: the camera is about") and "\n" not in err


def test_without_the_pose_models_the_command_says_how_to_install_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RETROWALK_POSE_MODELS", str(tmp_path))
    assert main(["knee", str(REVERSED)]) == 2
    err = capsys.readouterr().err.strip()
    assert "the pose model pose_detection.tflite is not installed" in err and "run make" in err


def test_the_picture_of_a_clip_that_cannot_be_told_still_shows_the_reason(tmp_path: Path) -> None:
    check = check_video(LUNGE)
    png = picture(check, LUNGE)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_walking_past_and_back_is_one_walker_and_her_longest_pass_is_measured(tmp_path: Path) -> None:
    """She walks past the phone, then back: two passes of one person, never together in the picture, are not
    'several people', and the longest is measured, with a sentence saying so."""
    there = list(frames_of(FORWARD, 40, 190))
    check = check_video(write(tmp_path / "there-and-back.mp4", there + there[::-1]))
    assert check.result.side is not None and check.measured, check.result.verdict
    assert "walked past the phone 2 times; the longest pass" in check.pose.note


def test_a_video_over_the_length_limit_is_refused_with_exit_2_and_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from retrowalk.formats import pose

    monkeypatch.setattr(pose, "MAX_SECONDS", 2.0)  # the real 3 minutes, lowered for a short test clip
    clip = write(tmp_path / "long.mp4", frames_of(FORWARD, 0, 90, scale=0.25))
    assert main(["knee", str(clip)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("retrowalk knee: long.mp4 is 0.1 minutes long; film 10 to 60 seconds") and "\n" not in err
