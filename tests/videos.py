"""Test videos made on the spot with PyAV from the shared clips (read by path, never copied in) or from nothing:
small, H.264, so the knee tests stay quick."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import av
import numpy as np
from PIL import Image

VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "video"
FORWARD = VIDEOS / "sports2d-demo-forward-side.mp4"
REVERSED = VIDEOS / "sports2d-demo-reversed-backward.mp4"
LUNGE = VIDEOS / "pose2sim-lunge-front-oblique.mp4"


def frames_of(source: Path, first: int = 0, last: int | None = None, scale: float = 0.5,
              turn: Image.Transpose | None = None) -> Iterator[Image.Image]:
    """Frames [first, last) of a clip, scaled (even sizes, as H.264 wants) and turned."""
    with av.open(str(source)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if last is not None and i >= last:
                break
            if i < first:
                continue
            image = frame.to_image()
            image = image.resize((round(image.width * scale) // 2 * 2, round(image.height * scale) // 2 * 2))
            yield image.transpose(turn) if turn is not None else image


def write(path: Path, images: Iterable[Image.Image], fps: int = 30, rotation: int | None = None,
          faststart: bool = False) -> Path:
    """An H.264 MP4; ``rotation``: the display rotation the phone would record (counter-clockwise degrees)."""
    with av.open(str(path), "w", options={"movflags": "faststart"} if faststart else {}) as out:
        stream = None
        for image in images:
            if stream is None:
                stream = out.add_stream("libx264", rate=fps)
                stream.width, stream.height = image.size
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": "26", "preset": "ultrafast"}
                if rotation is not None:
                    stream.set_display_rotation(rotation)
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                out.mux(packet)
        assert stream is not None, "no frames to write"
        for packet in stream.encode():
            out.mux(packet)
    return path


def empty_scene(seconds: float = 2.0, fps: int = 30) -> Iterator[Image.Image]:
    """A park with no one in it: a sky-to-grass gradient with a slowly moving light, and noise."""
    rng = np.random.default_rng(7)
    y = np.linspace(0, 1, 240)[:, None, None]
    base = (1 - y) * np.array([150, 190, 235]) + y * np.array([70, 140, 60])
    for i in range(round(seconds * fps)):
        img = base + rng.normal(0, 6, (240, 320, 3))
        img[100:140, 10 + 3 * i % 280:50 + 3 * i % 280] += 40
        yield Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
