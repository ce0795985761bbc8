"""MediaPipe's pose models, offline (DOMAIN.md:80-82): ``pose_detection.tflite`` and ``pose_landmark_full.tflite``,
shipped inside the mediapipe 0.10.21 wheel (Apache-2.0).

They reach a machine at install time, never at run time: ``make`` downloads that one wheel (without installing
it: mediapipe pins an older numpy) and ``python -m retrowalk.formats.posemodels install WHEEL`` takes the two files
out of it, checked by SHA-256, into ``<venv>/share/retrowalk/pose``. ``RETROWALK_POSE_MODELS`` may name another
folder. When they are missing or altered, :func:`model_paths` refuses in one sentence.
"""

from __future__ import annotations

import hashlib
import os
import sys
import zipfile
from pathlib import Path

MEDIAPIPE_WHEEL = "mediapipe==0.10.21"
MODELS = {
    "pose_detection.tflite": ("mediapipe/modules/pose_detection/pose_detection.tflite",
                              "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"),
    "pose_landmark_full.tflite": ("mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
                                  "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
}


class PoseModelsMissingError(RuntimeError):
    """The models are not where they should be; the message says how to put them there."""


def model_dir() -> Path:
    return Path(os.environ.get("RETROWALK_POSE_MODELS") or Path(sys.prefix) / "share" / "retrowalk" / "pose")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(2**20):
            h.update(chunk)
    return h.hexdigest()


def model_paths(folder: Path | None = None) -> dict[str, Path]:
    """The two model files, each checked against its SHA-256."""
    folder = folder or model_dir()
    out = {}
    for name, (_inside, digest) in MODELS.items():
        path = folder / name
        if not path.is_file():
            raise PoseModelsMissingError(f"the pose model {name} is not installed in {folder}: run make (it takes "
                                         f"the models out of the {MEDIAPIPE_WHEEL} wheel)")
        if _sha256(path) != digest:
            raise PoseModelsMissingError(f"the pose model {path} is not the one retrowalk was tested with (its "
                                         "SHA-256 differs): delete it and run make again")
        out[name] = path
    return out


def install(wheel: Path, folder: Path | None = None) -> dict[str, Path]:
    """Take the two models out of the mediapipe wheel into ``folder``, each checked before it is kept."""
    folder = folder or model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        for name, (inside, digest) in MODELS.items():
            data = z.read(inside)
            if hashlib.sha256(data).hexdigest() != digest:
                raise PoseModelsMissingError(f"{wheel.name} holds a different {name} than the one retrowalk was "
                                             "tested with; refused")
            part = folder / f".{name}.part"
            part.write_bytes(data)
            part.replace(folder / name)
    return model_paths(folder)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "install":
        print("usage: python -m retrowalk.formats.posemodels install MEDIAPIPE_WHEEL", file=sys.stderr)
        return 2
    try:
        paths = install(Path(args[1]))
    except (OSError, KeyError, zipfile.BadZipFile, PoseModelsMissingError) as err:
        print(f"pose models: {err}", file=sys.stderr)
        return 2
    print("pose models installed: " + ", ".join(str(p) for p in paths.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
