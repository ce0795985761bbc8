"""`make bench` (issue 15): the knee check's speed and memory.

1. Frames per second over the forward clip (1768×994, 30 fps, 230 frames): our whole check (decoding, pose,
   the second reading of the straightest frames, the measure) beside MediaPipe's own legacy Pose solution (the same
   full landmark model, with its own tracking and smoothing, decoding by OpenCV) in its own venv
   (tools/mediapipe-bench-venv.sh: mediapipe 0.10.21 pins numpy < 2). Each in a fresh process, three rounds,
   interleaved, the best of each kept. Targets: faster than real time (30 fps) and at least 1.5× MediaPipe.
2. Peak memory of our check on a one-minute 1080p clip (made once from the forward clip, kept in .bench/).
   Target: under 1 GB.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORWARD = ROOT.parent / "shared" / "data" / "video" / "sports2d-demo-forward-side.mp4"
BENCH = ROOT / ".bench"
MEDIAPIPE_PYTHON = BENCH / "mediapipe-venv" / "bin" / "python"
MINUTE_CLIP = BENCH / "minute-1080p.mp4"
REAL_TIME_FPS = 30.0
PEER_RATIO = 1.5
PEAK_MB = 1024.0
ROUNDS = 3


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM): ru_maxrss would carry the parent's over from fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(video: str) -> None:
    """Run in a child process: one whole check, its numbers as one JSON line."""
    from retrowalk.formats.kneecheck import check_video

    start = time.perf_counter()
    check = check_video(Path(video))
    seconds = time.perf_counter() - start
    frames = len(check.pose.landmarks)
    print(json.dumps({"tool": "retrowalk knee (ai-edge-litert, PyAV)", "frames": frames,
                      "found": int((~__import__("numpy").isnan(check.pose.landmarks[:, 0, 0])).sum()),
                      "seconds": seconds, "fps": frames / seconds,
                      "peak_mb": peak_mb(),
                      "verdict": check.result.verdict}))


def _child(command: list[str]) -> dict[str, object]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(command[:3])} failed: {done.stderr.strip()[-500:]}")
    return json.loads(lines[-1])


def minute_clip() -> Path:
    """A one-minute 1080p clip: the forward clip scaled to 1920×1080, played forward and backward in turn until
    60 s (she walks past, then walks back past the phone facing the same way)."""
    if MINUTE_CLIP.exists():
        return MINUTE_CLIP
    from tests.videos import frames_of, write

    BENCH.mkdir(exist_ok=True)
    frames = list(frames_of(FORWARD, 0, None, scale=1.0))
    frames = [f.resize((1920, 1080)) for f in frames]
    loop = frames + frames[::-1]
    partial = MINUTE_CLIP.with_suffix(".partial.mp4")
    write(partial, (loop[i % len(loop)] for i in range(60 * 30)))
    partial.rename(MINUTE_CLIP)
    return MINUTE_CLIP


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--ours":
        ours(sys.argv[2])
        return 0
    if len(sys.argv) == 2 and sys.argv[1] == "--make-minute":
        minute_clip()
        return 0
    peer = MEDIAPIPE_PYTHON.exists()
    best: dict[str, dict[str, object]] = {}
    for _ in range(ROUNDS):
        runs = [("ours", [sys.executable, __file__, "--ours", str(FORWARD)])]
        if peer:
            runs.append(("mediapipe", [str(MEDIAPIPE_PYTHON), str(ROOT / "bench" / "mediapipe_pose.py"),
                                       str(FORWARD)]))
        for name, command in runs:
            got = _child(command)
            if name not in best or float(got["fps"]) > float(best[name]["fps"]):  # type: ignore[arg-type]
                best[name] = got
    print(f"Knee check: frames per second over {FORWARD.name} (1768×994, 30 fps), 2 cores, best of {ROUNDS}")
    print(f"{'':44} {'frames':>7} {'found':>6} {'seconds':>8} {'fps':>7} {'peak MB':>8}")
    for row in best.values():
        print(f"{row['tool']:44} {row['frames']:>7} {row['found']:>6} {float(row['seconds']):>8.2f} "  # type: ignore[arg-type]
              f"{float(row['fps']):>7.1f} {float(row['peak_mb']):>8.0f}")  # type: ignore[arg-type]
    ok = True
    fps = float(best["ours"]["fps"])  # type: ignore[arg-type]
    real = fps >= REAL_TIME_FPS
    print(f"faster than real time (≥ {REAL_TIME_FPS:.0f} fps): {fps:.1f} fps, {'met' if real else 'MISSED'}")
    ok &= real
    if peer:
        ratio = fps / float(best["mediapipe"]["fps"])  # type: ignore[arg-type]
        met = ratio >= PEER_RATIO
        print(f"against MediaPipe's own pipeline: {ratio:.2f}× (target ≥ {PEER_RATIO}×), {'met' if met else 'MISSED'}")
        ok &= met
    else:
        print(f"MediaPipe's venv is missing ({MEDIAPIPE_PYTHON}): run tools/mediapipe-bench-venv.sh; not compared")
        ok = False
    if not MINUTE_CLIP.exists():  # made in a child of its own: 1,800 frames of 1080p held while encoding
        subprocess.run([sys.executable, __file__, "--make-minute"], check=True, cwd=ROOT)
    clip = MINUTE_CLIP
    minute = _child([sys.executable, __file__, "--ours", str(clip)])
    peak = float(minute["peak_mb"])  # type: ignore[arg-type]
    met = peak < PEAK_MB
    print(f"peak memory, one minute of 1080p ({minute['frames']} frames, {float(minute['fps']):.1f} fps): "  # type: ignore[arg-type]
          f"{peak:.0f} MB (target < {PEAK_MB:.0f} MB), {'met' if met else 'MISSED'}")
    ok &= met
    print(f"verdict on the forward clip: {best['ours']['verdict']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
