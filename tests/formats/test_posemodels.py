"""MediaPipe's pose models reach the machine at install, from the mediapipe 0.10.21 wheel, checked by SHA-256
(formats/posemodels.py, DOMAIN.md:80-82); missing or altered ones are refused in one sentence."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from retrowalk.formats.posemodels import MODELS, PoseModelsMissingError, install, model_paths


def test_make_installed_both_models_and_they_run_on_litert_on_the_cpu() -> None:
    from ai_edge_litert.interpreter import Interpreter

    paths = model_paths()
    shapes = {}
    for name, path in paths.items():
        interpreter = Interpreter(model_path=str(path))
        interpreter.allocate_tensors()
        inp = interpreter.get_input_details()[0]
        interpreter.set_tensor(inp["index"], np.zeros(inp["shape"], dtype=np.float32))
        interpreter.invoke()
        shapes[name] = tuple(int(n) for n in inp["shape"])
    # The detector looks at 224×224, the landmark model at 256×256 (MediaPipe's "full" pose model).
    assert shapes == {"pose_detection.tflite": (1, 224, 224, 3), "pose_landmark_full.tflite": (1, 256, 256, 3)}


def test_a_missing_or_altered_model_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(PoseModelsMissingError, match=r"is not installed in .*: run make"):
        model_paths(tmp_path)
    for name, path in model_paths().items():
        (tmp_path / name).write_bytes(path.read_bytes()[:-1] + b"x")
    with pytest.raises(PoseModelsMissingError, match="SHA-256 differs"):
        model_paths(tmp_path)


def test_a_wheel_with_other_models_is_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    fake = tmp_path / "mediapipe-0.10.21-fake.whl"
    with zipfile.ZipFile(fake, "w") as z:
        for inside, _digest in MODELS.values():
            z.writestr(inside, b"not the model")
    with pytest.raises(PoseModelsMissingError, match="holds a different"):
        install(fake, tmp_path / "models")
    assert not any((tmp_path / "models").glob("*.tflite"))
