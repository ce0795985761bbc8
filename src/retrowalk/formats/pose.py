"""Pose landmarks from a video, offline, on the CPU (DOMAIN.md:80-82).

MediaPipe's own two-stage pipeline, rebuilt on ``ai-edge-litert`` and PyAV with numpy 2, from its published
graphs (pose_detection, pose_landmark_by_roi, pose_landmarks_to_roi):

1. **Detect** (when no one is followed, and every :data:`RECOUNT_S` to count people): the frame, letterboxed to
   224×224, goes through ``pose_detection.tflite``; its 2254 SSD anchors are decoded, scored by a sigmoid and
   merged by weighted non-maximum suppression. A detection's first two keypoints (the hips' centre and a point
   that gives the body's size and tilt) make the region of interest: a square 2.5 times their distance across,
   turned so the body stands upright in it.
2. **Landmarks**: that square, cut out of the full-resolution frame by one affine warp (Pillow), 256×256,
   goes through ``pose_landmark_full.tflite``: 39 points of 5 values (x, y, z, visibility, presence) in the
   crop's pixels, refined by the model's heatmap and mapped back to the frame; z in the same scale.
3. **Follow**: the next square comes from this frame's two auxiliary points (33 and 34), as MediaPipe does,
   moved on by the person's own motion, on :data:`ANALYSE_FPS` frames a second; everyone of comparable size is
   followed and the walker chosen at the end.
4. **Read again** (:func:`refine`): the frames round each step's straightest moment, all of them, through a
   square that does not depend on the direction of play, from the walker's surroundings kept small as the video
   went by.

Frames stay as decoded (Y'CbCr 4:2:0); only the pixels a model sees are converted to RGB, by the video's own
matrix. Nothing leaves the machine, and frames are dropped once read (2 s of them are kept, for people found
late): memory does not grow with the video's length (466 MB for a minute of 1080p).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from queue import Full, Queue
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from retrowalk.core.i18n import _, ngettext
from retrowalk.core.knee import LEFT_HIP, LEGS, RIGHT_HIP, flexion_deg, near_side, unswapped
from retrowalk.formats.posemodels import model_paths

FloatArray = npt.NDArray[np.float64]

DETECT_SIZE = 224
LANDMARK_SIZE = 256
LANDMARKS = 33
MIN_DETECTION_SCORE = 0.5
NMS_IOU = 0.3
MIN_PRESENCE = 0.5
"""MediaPipe's defaults: a detection under this score, and a tracked pose under this flag, is no one."""
ROI_SCALE = 1.25
RECOUNT_S = 1.0
"""How often the detector runs again while someone is tracked, to count the people in the picture."""
COMPARABLE = 0.6
"""A second person at least this share of the walker's size is someone the walker could be mistaken for."""
MAX_SECONDS = 180.0
MAX_PIXELS = 4096 * 2304
"""Longer or larger videos are refused before any work: a knee check needs 5–60 seconds of walking."""


class VideoError(ValueError):
    """The video cannot be read; the message is one sentence saying what to do instead."""


@dataclass(frozen=True)
class PoseTrack:
    landmarks: FloatArray
    """(frames, 33, 4): x, y in pixels of the upright frame, z in the same scale, visibility 0–1; NaN where no
    one was found."""
    fps: float
    width: int
    height: int
    """Of the frame as shown (after the phone's rotation is applied)."""
    people: int
    """The most people of comparable size the detector saw at once (0 when it saw no one)."""
    rotation: int
    """Degrees the decoded frames were turned to stand upright, from the video's own rotation metadata."""
    note: str = ""
    """One sentence about something that was handled (a damaged end, a turned phone); empty when nothing was."""
    squares: FloatArray | None = None
    """(frames, 4): the walker's square in each frame (centre x, y and side in the video's pixels, angle in
    radians), NaN where she was not found: for :func:`refine`."""
    crops: dict[int, tuple[Roi, bytes]] = field(default_factory=dict, repr=False)
    """Frame number → the walker's surroundings, kept small (see :func:`refine`)."""
    colour: tuple[bool, bool] = (False, True)
    """The video's colour encoding: (full range, BT.709), for the crops."""
    read_again: frozenset[int] = frozenset()
    """The frames :func:`refine` read again."""


def _sigmoid(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, dtype=np.float64), -80.0, 80.0)))


def _anchors() -> npt.NDArray[np.float32]:
    """The detector's SSD anchor centres (MediaPipe's SsdAnchorsCalculator, fixed anchor size): strides 8, 16 and
    three layers at 32, two anchors per cell and layer, 2254 in all, row by row."""
    centres = []
    for stride, per_cell in ((8, 2), (16, 2), (32, 6)):
        cells = math.ceil(DETECT_SIZE / stride)
        ys, xs = np.meshgrid((np.arange(cells) + 0.5) / cells, (np.arange(cells) + 0.5) / cells, indexing="ij")
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Roi:
    """A square in frame pixels: centre, side, and the angle (radians) that stands the body upright in it."""
    cx: float
    cy: float
    side: float
    angle: float

    @classmethod
    def from_points(cls, centre: npt.NDArray[Any], scale: npt.NDArray[Any]) -> Roi:
        """MediaPipe's AlignmentPointsRectsCalculator (target angle 90°) then RectTransformation (×1.25)."""
        dx, dy = float(scale[0] - centre[0]), float(scale[1] - centre[1])
        angle = math.pi / 2 - math.atan2(-dy, dx)
        angle = (angle + math.pi) % (2 * math.pi) - math.pi
        return cls(float(centre[0]), float(centre[1]), 2.0 * math.hypot(dx, dy) * ROI_SCALE, angle)

    def to_frame(self, uv: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Points in the crop, each coordinate 0–1, to frame pixels."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        x, y = uv[..., 0] - 0.5, uv[..., 1] - 0.5
        return np.stack([self.cx + self.side * (c * x - s * y), self.cy + self.side * (s * x + c * y)], axis=-1)

    def from_frame(self, xy: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Frame pixels to points in the crop, each coordinate 0–1 inside it (:meth:`to_frame` undone)."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        dx, dy = (xy[..., 0] - self.cx) / self.side, (xy[..., 1] - self.cy) / self.side
        return np.stack([c * dx + s * dy + 0.5, -s * dx + c * dy + 0.5], axis=-1)

    def affine(self, size: int, into: Roi | None = None, into_size: int = 0) -> tuple[float, ...]:
        """PIL's affine data mapping the pixels of this square's ``size``-pixel crop to the source's pixels: the
        frame's, or (``into``) those of another square's ``into_size``-pixel crop."""
        corners = self.to_frame(np.array([[0.0, 0.0], [1.0 / size, 0.0], [0.0, 1.0 / size]]))
        if into is not None:
            corners = into.from_frame(corners) * into_size
        o, x, y = corners[0], corners[1] - corners[0], corners[2] - corners[0]
        return (float(x[0]), float(y[0]), float(o[0]), float(x[1]), float(y[1]), float(o[1]))


def _to_rgb(ycc: npt.NDArray[np.uint8], full: bool, bt709: bool) -> npt.NDArray[np.float32]:
    """Y'CbCr bytes (…, 3) to RGB in [0, 1], by the video's own matrix and range (BT.709 or BT.601; studio
    range 16–235 or full): one 3×3 matrix product and an offset."""
    kr, kb = (0.2126, 0.0722) if bt709 else (0.299, 0.114)
    kg = 1.0 - kr - kb
    ys, cs, y0 = (1 / 255.0, 1 / 255.0, 0.0) if full else (1 / 219.0, 1 / 224.0, 16.0)
    # RGB = M · (Y' − y0, Cb − 128, Cr − 128)
    m = np.array([[ys, 0.0, 2 * (1 - kr) * cs],
                  [ys, -2 * (1 - kb) * kb / kg * cs, -2 * (1 - kr) * kr / kg * cs],
                  [ys, 2 * (1 - kb) * cs, 0.0]], dtype=np.float32)
    offset = -(m @ np.array([y0, 128.0, 128.0], dtype=np.float32))
    out: npt.NDArray[np.float32] = np.clip(ycc.astype(np.float32) @ m.T + offset, 0.0, 1.0)
    return out


class _Planes:
    """One decoded frame as the video holds it (Y' at full size, Cb and Cr at half: 4:2:0), turned upright.
    Nothing is converted to RGB but the few pixels a model sees: a 256×256 square, or the 224×224 board the
    detector gets; converting whole frames was most of the decoding time."""

    def __init__(self, frame: Any) -> None:
        if frame.format.name not in ("yuv420p", "yuvj420p"):
            frame = frame.reformat(format="yuv420p")  # 10-bit HDR, 4:2:2…: once, to the common layout
        h, w = frame.height // 2 * 2, frame.width // 2 * 2
        turns = (round(frame.rotation) % 360) // 90
        if not turns:
            # The decoder's own buffers, shared, not copied (the frame is kept alive with them).
            self._frame = frame
            self.y, self.u, self.v = (Image.frombuffer("L", (pw, ph), plane, "raw", "L", plane.line_size, 1)
                                      for plane, pw, ph in zip(frame.planes, (w, w // 2, w // 2),
                                                               (h, h // 2, h // 2), strict=True))
        else:
            raw = frame.to_ndarray()
            quarter = (frame.height // 2) * (frame.width // 2)
            chroma = raw[frame.height:].reshape(-1)
            planes = (raw[:h, :w],
                      chroma[:quarter].reshape(frame.height // 2, frame.width // 2)[:h // 2, :w // 2],
                      chroma[quarter:2 * quarter].reshape(frame.height // 2, frame.width // 2)[:h // 2, :w // 2])
            self.y, self.u, self.v = (Image.fromarray(np.ascontiguousarray(np.rot90(p, turns))) for p in planes)
        self.full = frame.format.name == "yuvj420p" or frame.color_range == 2
        # Unspecified matrix: BT.709 for HD and up, BT.601 below (what players assume).
        self.bt709 = frame.colorspace == 1 or (frame.colorspace == 2 and min(h, w) >= 720)
        self.size = self.y.size
        self.nbytes = self.size[0] * self.size[1] * 3 // 2

    def ycc(self, affine: tuple[float, ...], size: int) -> Image.Image:
        """A ``size``-pixel square by one affine warp from frame pixels, as a Y'CbCr image. The colour is warped
        at half size, as the video holds it, then doubled: a quarter of the work for the same information."""
        half = size // 2
        quarter = (affine[0], affine[1], affine[2] / 2, affine[3], affine[4], affine[5] / 2)
        bands = [self.y.transform((size, size), Image.Transform.AFFINE, affine, Image.Resampling.BILINEAR)]
        bands += [p.transform((half, half), Image.Transform.AFFINE, quarter, Image.Resampling.BILINEAR)
                  .resize((size, size), Image.Resampling.BILINEAR) for p in (self.u, self.v)]
        return Image.merge("YCbCr", bands)

    def kept(self, region: Roi) -> bytes:
        """The square ``region`` kept small: its Y' as a JPEG of :data:`REGION_PX` pixels across, then its Cb and
        Cr at half that, as they are (4:2:0, as decoded: a third of the work of full-size colour)."""
        affine = region.affine(REGION_PX)
        buf = io.BytesIO()
        self.y.transform((REGION_PX, REGION_PX), Image.Transform.AFFINE, affine, Image.Resampling.BILINEAR).save(
            buf, "JPEG", quality=REGION_QUALITY)
        half, quarter = REGION_PX // 2, tuple(c / 2 for c in region.affine(REGION_PX // 2))
        chroma = b"".join(p.transform((half, half), Image.Transform.AFFINE, quarter, Image.Resampling.BILINEAR)
                          .tobytes() for p in (self.u, self.v))
        return chroma + buf.getvalue()

    def rgb(self, roi: Roi, size: int) -> npt.NDArray[np.float32]:
        return _to_rgb(np.asarray(self.ycc(roi.affine(size), size)), self.full, self.bt709)

    def board(self) -> tuple[npt.NDArray[np.float32], int, int, float]:
        """The frame letterboxed onto the detector's 224×224 (black round it): RGB in [0, 1], where the frame
        sits on it, and its scale."""
        w, h = self.size
        scale = DETECT_SIZE / max(w, h)
        sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
        ox, oy = (DETECT_SIZE - sw) // 2, (DETECT_SIZE - sh) // 2
        small = Image.merge("YCbCr", [p.resize((sw, sh), Image.Resampling.BILINEAR) for p in (self.y, self.u, self.v)])
        out = np.zeros((DETECT_SIZE, DETECT_SIZE, 3), np.float32)
        out[oy:oy + sh, ox:ox + sw] = _to_rgb(np.asarray(small), self.full, self.bt709)
        return out, ox, oy, scale


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """File descriptor 2 sent to /dev/null for a moment (the C++ library writes there, not to sys.stderr)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class _Landmarker:
    """One interpreter of the landmark model: :meth:`landmarks_of` is not to be called from two threads at once."""

    def __init__(self, path: Path, threads: int) -> None:
        from ai_edge_litert.interpreter import Interpreter

        with _quiet_stderr():  # LiteRT announces its CPU delegate on stderr, in the middle of our output
            self._model = Interpreter(model_path=str(path), num_threads=threads)
            self._model.allocate_tensors()
        self._in = self._model.get_input_details()[0]["index"]
        outs = {tuple(d["shape"]): d["index"] for d in self._model.get_output_details()}
        self._points, self._flag, self._heatmap = outs[(1, 195)], outs[(1, 1)], outs[(1, 64, 64, 39)]

    def landmarks_of(self, tensor: npt.NDArray[np.float32], roi: Roi) -> tuple[FloatArray, float]:
        """(39, 4) points in frame pixels (x, y, z, visibility) and the pose flag (0–1: is a person there) of the
        square ``roi`` already cut out: ``tensor`` (1, 256, 256, 3) RGB in [0, 1]."""
        self._model.set_tensor(self._in, tensor)
        self._model.invoke()  # LiteRT lets go of the GIL here: two landmarkers work at once
        raw = self._model.get_tensor(self._points)[0].reshape(39, 5).astype(np.float64)
        flag = float(self._model.get_tensor(self._flag)[0, 0])
        uv = _refined(raw[:, :2] / LANDMARK_SIZE, self._model.get_tensor(self._heatmap)[0])
        out = np.empty((39, 4))
        out[:, :2] = roi.to_frame(uv)
        out[:, 2] = raw[:, 2] / LANDMARK_SIZE * roi.side
        out[:, 3] = _sigmoid(raw[:, 3])
        return out, flag


class PoseEstimator:
    """The two models, loaded once; :meth:`detect` and :meth:`landmarks` work on one upright RGB frame."""

    def __init__(self, threads: int = 2) -> None:
        from ai_edge_litert.interpreter import Interpreter

        paths = model_paths()
        self._threads = threads
        self._landmark_path = paths["pose_landmark_full.tflite"]
        with _quiet_stderr():
            self._detector = Interpreter(model_path=str(paths["pose_detection.tflite"]), num_threads=threads)
            self._detector.allocate_tensors()
        self._landmarker = _Landmarker(self._landmark_path, threads)
        self._readers: list[_Landmarker] = []
        self._det_in = self._detector.get_input_details()[0]["index"]
        outs = {tuple(d["shape"]): d["index"] for d in self._detector.get_output_details()}
        self._det_boxes, self._det_scores = outs[(1, 2254, 12)], outs[(1, 2254, 1)]
        self._anchors = _anchors()

    def readers(self) -> list[_Landmarker]:
        """One landmarker of one thread per thread this estimator was given, made on first use, for squares
        that can be read side by side (:func:`refine`): each reading also cuts and colours its square, on
        one core, and two readings at once keep both cores busy where one of two threads left one idle."""
        if not self._readers:
            self._readers = [_Landmarker(self._landmark_path, 1) for _ in range(max(1, self._threads))]
        return self._readers

    def detect(self, frame: _Planes) -> list[tuple[float, Roi, float]]:
        """Everyone the detector finds: (score, region of interest, box height in pixels), best first."""
        board, ox, oy, scale = frame.board()
        tensor = board[None] * 2.0 - 1.0
        self._detector.set_tensor(self._det_in, tensor)
        self._detector.invoke()
        raw = self._detector.get_tensor(self._det_boxes)[0]
        scores = _sigmoid(self._detector.get_tensor(self._det_scores)[0, :, 0])
        keep = np.flatnonzero(scores >= MIN_DETECTION_SCORE)
        if not len(keep):
            return []
        raw, scores, anchors = raw[keep] / DETECT_SIZE, scores[keep], self._anchors[keep]
        centres = raw[:, 0:2] + anchors
        sizes = raw[:, 2:4]
        points = raw[:, 4:12].reshape(-1, 4, 2) + anchors[:, None, :]
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
        found = []
        for group in _weighted_nms(boxes, scores):
            weights = scores[group][:, None]
            box = (boxes[group] * weights).sum(axis=0) / weights.sum()
            kps = (points[group] * weights[:, :, None]).sum(axis=0) / weights.sum()
            # Letterbox off: board pixels back to frame pixels.
            kps_px = (kps * DETECT_SIZE - [ox, oy]) / scale
            height = float((box[3] - box[1]) * DETECT_SIZE / scale)
            found.append((float(scores[group].max()), Roi.from_points(kps_px[0], kps_px[1]), height))
        return found

    def landmarks(self, frame: _Planes, roi: Roi) -> tuple[FloatArray, float]:
        """(39, 4) points in frame pixels (x, y, z, visibility) and the pose flag (0–1: is a person there)."""
        return self._landmarker.landmarks_of(frame.rgb(roi, LANDMARK_SIZE)[None], roi)


HEATMAP_KERNEL = 7
HEATMAP_MIN = 0.5


def _refined(uv: FloatArray, heatmap: npt.NDArray[np.float32]) -> FloatArray:
    """MediaPipe's RefineLandmarksFromHeatmapCalculator: each body point moved to the centre of mass of the
    model's own heatmap in a 7×7 window around it, where the heatmap is sure enough (its peak over 0.5)."""
    size = heatmap.shape[0]
    half = HEATMAP_KERNEL // 2
    out = uv.copy()
    cells = np.floor(uv[:LANDMARKS] * size).astype(int)
    inside = np.flatnonzero(((cells >= 0) & (cells < size)).all(axis=1))
    if not len(inside):
        return out
    offsets = np.arange(-half, half + 1)
    cols = cells[inside, 0][:, None] + offsets  # (n, 7)
    rows = cells[inside, 1][:, None] + offsets
    valid = ((cols >= 0) & (cols < size))[:, None, :] & ((rows >= 0) & (rows < size))[:, :, None]  # (n, 7, 7)
    logits = heatmap[np.clip(rows, 0, size - 1)[:, :, None], np.clip(cols, 0, size - 1)[:, None, :],
                     inside[:, None, None]]
    conf = np.where(valid, _sigmoid(logits), 0.0)
    total = conf.sum(axis=(1, 2))
    sure = (conf.max(axis=(1, 2)) >= HEATMAP_MIN) & (total > 0)
    x = (conf.sum(axis=1) * cols).sum(axis=1) / np.where(total > 0, total, 1.0) / size
    y = (conf.sum(axis=2) * rows).sum(axis=1) / np.where(total > 0, total, 1.0) / size
    out[inside[sure], 0] = x[sure]
    out[inside[sure], 1] = y[sure]
    return out


def _weighted_nms(boxes: npt.NDArray[Any], scores: npt.NDArray[Any]) -> list[npt.NDArray[np.int64]]:
    """Groups of overlapping boxes (IoU over :data:`NMS_IOU`), best first: MediaPipe's weighted NMS."""
    order = np.argsort(-scores)
    groups = []
    area = np.prod(np.clip(boxes[:, 2:] - boxes[:, :2], 0, None), axis=1)
    while len(order):
        best = order[0]
        lo = np.maximum(boxes[order, :2], boxes[best, :2])
        hi = np.minimum(boxes[order, 2:], boxes[best, 2:])
        inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
        iou = inter / np.maximum(area[order] + area[best] - inter, 1e-9)
        groups.append(order[iou > NMS_IOU])
        order = order[iou <= NMS_IOU]
    return groups


@dataclass(frozen=True, slots=True)
class Header:
    seconds: float
    width: int
    height: int
    fps: float


def probe(path: Path, shown_name: str | None = None) -> Header:
    """What the video's header says, refused in one sentence (:class:`VideoError`) when it is not a video that
    can be read or is too long or too large to check: the web's upload checks this before it keeps a file.
    ``shown_name``: the file's name as its owner knows it, for the sentences."""
    container = _open(Path(path), shown_name)
    try:
        stream = container.streams.video[0]
        return _header(container, stream, shown_name or Path(path).name)
    finally:
        container.close()


def _header(container: Any, stream: Any, name: str) -> Header:
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else 0.0
    width, height = stream.codec_context.width, stream.codec_context.height
    seconds = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else \
        (container.duration / 1e6 if container.duration else 0.0)
    if seconds > MAX_SECONDS:
        raise VideoError(_("%(name)s is %(length)s minutes long; film 10 to 60 seconds of walking (at most %(most)s "
                           "minutes)")
                         % {"name": name, "length": f"{seconds / 60:.1f}", "most": f"{MAX_SECONDS / 60:.0f}"})
    if width * height > MAX_PIXELS:
        raise VideoError(_("%(name)s is %(width)s×%(height)s; film at 1080p or 4K at most")
                         % {"name": name, "width": width, "height": height})
    if not width or not height:
        raise VideoError(_("%(name)s holds no picture retrowalk can read: upload the phone camera's video file")
                         % {"name": name})
    return Header(seconds, width, height, fps)


def _open(path: Path, shown_name: str | None = None) -> Any:
    import av

    name = shown_name or path.name
    if not path.exists():
        raise VideoError(_("%(path)s does not exist") % {"path": path})
    if path.is_dir():
        raise VideoError(_("%(path)s is a folder; give the video file") % {"path": path})
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.PermissionError:
        raise VideoError(_("%(name)s cannot be read (permission denied)") % {"name": name}) from None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError):
        if _looks_like_video(path):
            raise VideoError(_("%(name)s looks like a video but is damaged or cut short (an upload that stopped?): "
                               "send it again, as the phone saved it") % {"name": name}) from None
        raise VideoError(_("%(name)s is not a video retrowalk can read: upload the MP4 or MOV file from the phone's "
                           "camera") % {"name": name}) from None
    if not container.streams.video:
        container.close()
        raise VideoError(_("%(name)s holds no video (sound only?): upload the phone camera's video file")
                         % {"name": name})
    return container


def _looks_like_video(path: Path) -> bool:
    """The first bytes of an MP4/MOV (an ``ftyp`` box), Matroska/WebM or AVI file."""
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3" or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")


def _upright_image(image: Image.Image, rotation: int) -> Image.Image:
    """The frame as the phone showed it: the display rotation (counter-clockwise degrees) applied."""
    turn = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    return image.transpose(turn[rotation]) if rotation in turn else image


def frames(path: Path) -> Iterator[Image.Image]:
    """The video's frames, upright, one at a time."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            yield _upright_image(frame.to_image(), round(frame.rotation) % 360)
    finally:
        container.close()


def frame_at(path: Path, index: int) -> Image.Image | None:
    """One upright frame by its number (for the picture), None if the video is shorter."""
    for i, image in enumerate(frames(path)):
        if i == index:
            return image
    return None


ANALYSE_FPS = 10.0
"""People are found and followed on about this many frames a second (every 3rd of 30 fps, every 6th of 60):
enough to follow a walker and find her steps; the frames round each step's straightest moment, whose numbers
are the result, are then all read (:func:`refine`)."""
REGION_SCALE = 1.3
REGION_PX = 320
REGION_QUALITY = 92
"""The walker's surroundings, kept for the frames near her knee's straightest: 1.3 times her square, 320 pixels
across, Y' as a JPEG and the colour at half size (about 70 KB a frame; a minute's walk: about 60 MB)."""


class _Decoder(threading.Thread):
    """Decodes in its own thread, every frame as :class:`_Planes` (then :data:`END`, or the exception that
    stopped it), so decoding overlaps the models working on the last frame."""

    def __init__(self, container: Any, stream: Any) -> None:
        super().__init__(daemon=True)
        self.container, self.stream = container, stream
        self.out: Queue[Any] = Queue(maxsize=6)
        self.stop = threading.Event()
        self.rotation = 0

    def _put(self, item: Any) -> bool:
        while not self.stop.is_set():
            try:
                self.out.put(item, timeout=0.2)
                return True
            except Full:
                continue
        return False

    def run(self) -> None:
        try:
            for frame in self.container.decode(self.stream):
                self.rotation = round(frame.rotation) % 360
                if not self._put(_Planes(frame)):
                    return
            self._put(END)
        except Exception as exc:  # handed to the reader, which says what it means
            self._put(exc)


END = object()


@dataclass
class _Track:
    """One person followed from frame to frame: frame number → (33, 4) landmarks in the video's own pixels."""
    roi: Roi | None
    rows: dict[int, FloatArray]
    side: float
    """The square's side (the person's size); the square and the landmarks are in the video's own pixels."""
    last: Roi | None = None
    """The square around the person in the last frame (``roi`` is where she is expected in the next)."""
    squares: dict[int, Roi] = field(default_factory=dict)
    """Frame number → the square the person's own points give in that frame."""
    crops: dict[int, tuple[Roi, Future[bytes]]] = field(default_factory=dict)
    """Frame number → the person's surroundings in that frame, small (JPEG, Y'CbCr as decoded), being made by
    the :class:`_Keeper`: what :func:`refine` reads again, every frame of it, without decoding the video a
    second time."""
    depth_sum: float = 0.0
    depth_n: int = 0
    """The left leg's depth less the right's, summed over the frames read: which is nearer, so far."""

    def walked(self) -> float:
        """How far the hips went across the picture, in the person's own sizes (a square is about 1.2 body
        heights), if they went steadily one way: 0 when their path is not close to a straight line at an even
        pace (R² under 0.8: stepping about, turning back) or when they rose and fell more than a third as far as
        they went (jumping, a backflip; a walker's hips rise and fall a few centimetres a step)."""
        frames = np.array(sorted(self.rows), dtype=np.float64)
        hips = np.array([(self.rows[f][LEFT_HIP, :2] + self.rows[f][RIGHT_HIP, :2]) / 2 for f in sorted(self.rows)])
        if len(hips) < 3:
            return 0.0
        slope, offset = np.polyfit(frames, hips[:, 0], 1)
        spread = float(np.var(hips[:, 0]))
        r2 = 1.0 - float(np.mean((hips[:, 0] - (slope * frames + offset)) ** 2)) / spread if spread > 0 else 0.0
        across = abs(float(slope)) * float(np.ptp(frames))
        up_down = float(np.percentile(hips[:, 1], 95) - np.percentile(hips[:, 1], 5))
        return across / self.side if r2 >= 0.8 and across >= 3 * up_down else 0.0


MAX_PEOPLE = 3
"""At most this many people are followed at once (each costs one run of the landmark model a frame)."""
WALKED_MIN = 0.5
PARK_S = 1.0
"""Someone else in the picture who has not walked steadily for this long is no longer followed."""
"""A person whose hips crossed less than this many of their own squares did not walk past the phone."""


REJOIN_S = 0.5
BACKTRACK_S = 2.0
BACKTRACK_BYTES = 256 * 2**20
"""Someone first found in a frame is followed back through at most this much of the video before it."""


def _joined(tracks: list[_Track], fps: float) -> list[_Track]:
    """Tracks joined where they are one person: two that share frames with the hips in the same place (one
    followed back into the other), or one lost for a moment and found again (the later track starts within
    :data:`REJOIN_S` of the earlier one's end, about where it ended and at about its size)."""
    def hips(row: FloatArray) -> FloatArray:
        return (row[LEFT_HIP, :2] + row[RIGHT_HIP, :2]) / 2

    out: list[_Track] = []
    for track in sorted((t for t in tracks if t.rows), key=lambda t: min(t.rows)):
        start = min(track.rows)
        for before in out:
            shared = sorted(set(before.rows) & set(track.rows))
            end = max(before.rows)
            if shared:
                f = shared[len(shared) // 2]
                same = np.hypot(*(hips(before.rows[f]) - hips(track.rows[f]))) < 0.3 * before.side
            else:
                same = (0 < start - end <= REJOIN_S * fps
                        and np.hypot(*(hips(before.rows[end]) - hips(track.rows[start]))) < 0.5 * before.side
                        and 0.67 < track.side / before.side < 1.5)
            if same:
                before.rows = {**track.rows, **before.rows}
                before.squares = {**track.squares, **before.squares}
                before.crops = {**track.crops, **before.crops}
                before.side = track.side
                break
        else:
            out.append(track)
    return out


TURN = 0.5
"""A person turning back counts once her hips come back this many of her own squares from where she turned."""


def _passes(track: _Track) -> list[_Track]:
    """The track cut where the person turned back (walked past the phone and back again): one pass each, each
    judged as a walk of its own. A turn counts once the hips have come back :data:`TURN` of her squares from
    the furthest point, so stepping about on the spot is not a turn."""
    frames = sorted(track.rows)
    if len(frames) < 3:
        return [track]
    x = np.array([(track.rows[f][LEFT_HIP, 0] + track.rows[f][RIGHT_HIP, 0]) / 2 for f in frames])
    back = TURN * track.side
    turns: list[int] = []
    way, extreme = 0.0, 0
    for i in range(1, len(x)):
        if way == 0.0:
            if abs(x[i] - x[0]) > back:
                way, extreme = float(np.sign(x[i] - x[0])), i
            continue
        if (x[i] - x[extreme]) * way > 0:
            extreme = i
        elif abs(x[i] - x[extreme]) > back:
            turns.append(extreme)
            way, extreme = -way, i
    if not turns:
        return [track]
    out = []
    for a, b in itertools.pairwise([0, *turns, len(frames) - 1]):
        lo, hi = frames[a], frames[b]
        out.append(_Track(None, {f: r for f, r in track.rows.items() if lo <= f <= hi}, track.side,
                          squares={f: q for f, q in track.squares.items() if lo <= f <= hi},
                          crops={f: c for f, c in track.crops.items() if lo <= f <= hi}))
    return out


def _follow(estimator: PoseEstimator, track: _Track, frame: int, picture: _Planes) -> bool:
    """The track's landmarks in this frame, and its square for the next; False (and the track lost) when the
    model says no one is there."""
    assert track.roi is not None
    marks, flag = estimator.landmarks(picture, track.roi)
    if flag < MIN_PRESENCE:
        track.roi = track.last = None
        return False
    here = Roi.from_points(marks[33, :2], marks[34, :2])
    # The next frame's square where the person will be, not where she was: moved on by as much as she moved
    # since the frame before. A square that lags behind a walker sits off-centre one way walking left and the
    # other way walking right, and the model's points shift with it.
    last = track.last
    track.roi = here if last is None else Roi(2 * here.cx - last.cx, 2 * here.cy - last.cy, here.side, here.angle)
    track.last = here
    track.side = here.side
    track.rows[frame] = marks[:LANDMARKS]
    track.squares[frame] = here
    depth = float(np.nanmean(marks[list(LEGS["left"]), 2] - marks[list(LEGS["right"]), 2]))
    if math.isfinite(depth):
        track.depth_sum, track.depth_n = track.depth_sum + depth, track.depth_n + 1
    return True


LOW_DEG = 30.0
"""Only frames near one where a knee bent less than this are kept (:func:`_keep_crops`): the least flexion of a
step is read nowhere else."""


def _low(track: _Track, frame: int) -> bool:
    """Whether a knee of the person bent less than :data:`LOW_DEG` in that frame: the leg nearer the camera so
    far (the knee code chooses it the same way, over the whole clip), both while that is unclear."""
    row = track.rows.get(frame)
    if row is None:
        return False
    depth = track.depth_sum / max(track.depth_n, 1)
    sides = ["left"] if depth < -0.05 * track.side else ["right"] if depth > 0.05 * track.side else ["left", "right"]
    for side in sides:
        hip, knee, ankle = (row[None, i, :2] for i in LEGS[side])
        if abs(float(flexion_deg(hip, knee, ankle)[0])) < LOW_DEG:
            return True
    return False


NEAREST_READ = 16
"""Frames between two read ones are never further apart than this (a few times the step between reads)."""


def _nearest(track: _Track, number: int, way: int) -> int | None:
    """The nearest frame at or before (``way`` −1) or after (+1) ``number`` whose square is known."""
    for f in range(number, number + way * NEAREST_READ, way):
        if f in track.squares:
            return f
    return None


class _Keeper:
    """Makes the kept surroundings (:meth:`_Planes.kept`) in a thread of its own, beside the models: Pillow's
    warps and JPEG let go of the GIL, and the cores otherwise idle while the models' two threads wait for each
    other. At most :data:`KEEPER_BEHIND` frames wait to be kept (each holds its decoded frame)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keeper")
        self._waiting: deque[Future[bytes]] = deque()

    def keep(self, picture: _Planes, region: Roi) -> Future[bytes]:
        while len(self._waiting) >= KEEPER_BEHIND:
            self._waiting.popleft().result()
        while self._waiting and self._waiting[0].done():
            self._waiting.popleft()
        future = self._pool.submit(picture.kept, region)
        self._waiting.append(future)
        return future

    def close(self) -> None:
        """Waits for the frames being kept; those not begun are dropped when the reading stopped on an error
        (on a normal end none is left: :meth:`finish` waited for them)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> None:
        """Waits until every frame handed over is kept."""
        self._pool.shutdown(wait=True)


KEEPER_BEHIND = 12


def _keep_crops(keeper: _Keeper, track: _Track, frames: list[tuple[int, _Planes]]) -> None:
    """The person's surroundings kept for each of ``frames`` lying between two frames she was read in (or on
    one), where a knee was low in one of them: a square :data:`REGION_SCALE` times hers, drawn straight between
    the two. Someone followed who is not walking past keeps nothing."""
    for number, picture in frames:
        if number in track.crops:
            continue
        before, after = _nearest(track, number, -1), _nearest(track, number, 1)
        if before is None or after is None or not (_low(track, before) or _low(track, after)):
            continue
        a, b = track.squares[before], track.squares[after]
        t = 0.0 if after == before else (number - before) / (after - before)
        angle = a.angle + t * ((b.angle - a.angle + math.pi) % (2 * math.pi) - math.pi)
        region = Roi(a.cx + t * (b.cx - a.cx), a.cy + t * (b.cy - a.cy),
                     (a.side + t * (b.side - a.side)) * REGION_SCALE, angle)
        track.crops[number] = (region, keeper.keep(picture, region))


def _same(a: Roi, b: Roi) -> bool:
    return math.hypot(a.cx - b.cx, a.cy - b.cy) < 0.3 * max(a.side, b.side) and 0.6 < a.side / b.side < 1.67


def read_pose(path: Path, estimator: PoseEstimator | None = None,
              progress: Callable[[int, int], None] | None = None) -> PoseTrack:
    """Every frame's pose of the person walking past. ``progress(done, total)`` is called now and then (total is
    0 when unknown).

    Everyone of comparable size the detector sees is followed (up to :data:`MAX_PEOPLE`), on every
    ``step``-th frame (:data:`ANALYSE_FPS`), their surroundings kept small for every frame; at the end the walker
    is the one whose hips travelled steadily across the picture. If several did, :attr:`PoseTrack.people` says
    so and the knee check cannot tell whom to measure."""
    import av

    path = Path(path)
    container = _open(path)
    decoder: _Decoder | None = None
    keeper = _Keeper()
    try:
        stream = container.streams.video[0]
        header = _header(container, stream, path.name)
        fps, width, height, seconds = header.fps, header.width, header.height, header.seconds
        total = stream.frames or round(seconds * fps)
        stream.thread_type = "AUTO"
        estimator = estimator or PoseEstimator()
        step = max(1, round((fps or ANALYSE_FPS) / ANALYSE_FPS))
        rate = (fps or 30.0) / step  # frames read a second
        decoder = _Decoder(container, stream)
        decoder.start()
        tracks: list[_Track] = []
        count, people, rotation, note, shape = 0, 0, 0, "", (width, height)
        colour = (False, True)
        recount = step * max(1, round(RECOUNT_S * rate))
        history: deque[tuple[int, _Planes]] = deque()
        pending: list[tuple[int, _Planes]] = []
        parked: list[Roi] = []
        kept = 0
        while True:
            item = decoder.out.get()
            if item is END:
                break
            if isinstance(item, Exception):
                if not count:
                    if isinstance(item, av.error.FFmpegError):
                        raise VideoError(_("%(name)s is damaged: not one frame of it could be decoded; upload the "
                                           "file again, as the phone saved it") % {"name": path.name}) from None
                    raise item
                note = (_("The video is damaged after %(at)s s; only the part before was read.")
                        % {"at": f"{count / (fps or 30):.1f}"})
                break
            picture: _Planes = item
            if not count:
                shape = picture.size
                rotation = decoder.rotation
                colour = (picture.full, picture.bt709)
            history.append((count, picture))
            kept += picture.nbytes
            while history and (len(history) > BACKTRACK_S * (fps or 30) or kept > BACKTRACK_BYTES):
                kept -= history.popleft()[1].nbytes
            if count % step:  # a frame between those read: kept until the next one says where everyone is
                pending.append((count, picture))
                count += 1
                continue
            fresh: list[_Track] = []
            live = [t for t in tracks if t.roi is not None]
            if not live or count % recount == 0:
                seen = estimator.detect(picture)
                biggest = max((r.side for _s, r, _h in seen), default=0.0)
                comparable = [r for _s, r, _h in seen if r.side >= COMPARABLE * biggest]
                people = max(people, len(comparable))
                for roi in comparable:
                    live = [t for t in tracks if t.roi is not None]
                    if len(live) < MAX_PEOPLE and not any(t.roi is not None and _same(t.roi, roi) for t in live) \
                            and not any(_same(spot, roi) for spot in parked):
                        tracks.append(_Track(roi, {}, roi.side))
                        fresh.append(tracks[-1])
            for track in tracks:
                if track.roi is not None and _follow(estimator, track, count, picture) \
                        and (len(track.rows) < PARK_S * rate or track.walked()):
                    _keep_crops(keeper, track, [*pending, (count, picture)])
            pending = []
            # Someone followed for a while who is not walking past (jumping about in the background, sitting
            # on a bench) is no longer followed, nor found again where they are; the walker is.
            if len([t for t in tracks if t.roi is not None]) > 1:
                for track in tracks:
                    if track.roi is not None and len(track.rows) >= PARK_S * rate and not track.walked():
                        parked.append(track.roi)
                        track.roi = track.last = None
            # Someone found only now may have been there before, unseen by the detector (coming out from behind
            # a tree, say): followed back through the last frames too, so that a clip and the same clip played
            # backwards find the same steps.
            for track in fresh:
                if track.roi is not None:  # found here: its square for the next frame serves the one before
                    back = _Track(track.last or track.roi, {}, track.side)
                    back.squares[count] = track.squares[count]
                    for before, old in reversed(list(history)[:-1]):
                        if before % step:
                            continue
                        # Back to where another track already has this person: joined at the end.
                        known = (t.squares.get(before) for t in tracks if t is not track)
                        if back.roi is None or any(sq is not None and _same(sq, back.roi) for sq in known):
                            break
                        if not _follow(estimator, back, before, old):
                            break
                    first = min(back.squares)
                    _keep_crops(keeper, back, [(n, pic) for n, pic in history if first <= n < count])
                    track.rows.update(back.rows)
                    track.squares.update(back.squares)
                    track.crops.update(back.crops)
            # Two tracks that came onto the same person: the later one goes.
            for i, a in enumerate(tracks):
                for b in tracks[i + 1:]:
                    if a.roi is not None and b.roi is not None and _same(a.roi, b.roi):
                        b.roi = None
            count += 1
            if progress and count % (10 * step) < 1:
                progress(count, total)
        keeper.finish()
    except av.error.FFmpegError as exc:
        # The decoder's own message (FFmpeg's, in English) is quoted as it is.
        raise VideoError(_("%(name)s could not be decoded (%(error)s): upload the file again, as the phone saved it")
                         % {"name": path.name, "error": exc.strerror or exc}) from None
    finally:
        if decoder is not None:
            decoder.stop.set()
            decoder.join(timeout=5)
        container.close()
        keeper.close()  # every crop made, or (on an error) those not begun dropped
    tracks = [part for track in _joined(tracks, fps or 30.0) for part in _passes(track)]
    landmarks = np.full((count, LANDMARKS, 4), np.nan)
    # The walker is the one who went furthest steadily across; someone else who went at least half as far, and
    # was in the picture at least half as long, could as well be the one to measure.
    walkers = sorted((t for t in tracks if len(t.rows) >= rate and t.walked() >= WALKED_MIN),
                     key=lambda t: -t.walked())
    def together(a: _Track, b: _Track) -> bool:
        """In the picture at the same time for at least half of the shorter one's time."""
        shared = min(max(a.rows), max(b.rows)) - max(min(a.rows), min(b.rows))
        return shared >= 0.5 * min(max(a.rows) - min(a.rows), max(b.rows) - min(b.rows))

    # A runner crossing for a second is not a rival; nor is a walk past the phone before or after this one (the
    # same person walking back, most likely): the longest pass is measured.
    rivals = [t for t in walkers[1:] if t.walked() >= 0.5 * walkers[0].walked()
              and len(t.rows) >= 0.5 * len(walkers[0].rows) and together(t, walkers[0])]
    passes = [t for t in walkers if t is walkers[0] or (not together(t, walkers[0])
                                                         and t.walked() >= 0.5 * walkers[0].walked())]
    chosen = walkers[0] if walkers else max(tracks, key=lambda t: len(t.rows), default=None)
    squares = np.full((count, 4), np.nan)
    crops: dict[int, tuple[Roi, bytes]] = {}
    if chosen is not None:
        # The model's left/right label swaps undone on the frames read, before the frames between are drawn
        # from them (a swapped frame would otherwise spread over its neighbours, too wide to be seen as one).
        read = sorted(chosen.rows)
        compact = np.stack([chosen.rows[f] for f in read])
        for f, row in zip(read, unswapped(compact, near_side(compact)), strict=True):
            landmarks[f] = row
        for f, sq in chosen.squares.items():
            squares[f] = (sq.cx, sq.cy, sq.side, sq.angle)
        # The frames between those read, drawn straight between them (refine reads for real the ones whose
        # numbers count).
        landmarks = _between(landmarks, step)
        squares = _between(squares[:, None, :], step)[:, 0, :]
        crops = {f: (region, made.result()) for f, (region, made) in chosen.crops.items()}
    if walkers and not rivals and len(passes) > 1:
        best, per_s = walkers[0], fps or 30.0
        note = (note + " " if note else "") + (
            ngettext("Someone walked past the phone %(n)s time; the longest pass, from %(start)s s to %(end)s s, was "
                     "measured (film one pass a video to have each checked).",
                     "Someone walked past the phone %(n)s times; the longest pass, from %(start)s s to %(end)s s, was "
                     "measured (film one pass a video to have each checked).", len(passes))
            % {"n": len(passes), "start": f"{min(best.rows) / per_s:.0f}", "end": f"{max(best.rows) / per_s:.0f}"})
    elif walkers and not rivals and people > 1:
        note = (note + " " if note else "") + (
            ngettext("%(n)s person was in the video; the one walking past was measured.",
                     "%(n)s people were in the video; the one walking past was measured.", people) % {"n": people})
    if progress:
        progress(count, count)
    return PoseTrack(landmarks, fps, shape[0], shape[1], 1 + len(rivals) if tracks else 0, rotation, note, squares,
                     crops, colour)


def _between(values: FloatArray, step: int) -> FloatArray:
    """``values`` (frames, points, n) with the gaps of fewer than ``step`` frames between two known frames filled
    in straight lines; longer gaps (no one found) stay NaN."""
    known = np.flatnonzero(np.isfinite(values[:, 0, 0]))
    out = values.copy()
    for a, b in itertools.pairwise(known):
        if 1 < b - a <= step:
            t = (np.arange(a + 1, b) - a)[:, None, None] / (b - a)
            out[a + 1:b] = values[a] + t * (values[b] - values[a])
    return out


REFINE_HALF = 2
REFINE_SIZE_S = 0.5
REFINE_SCALES = (0.95, 1.05)
"""The square a frame is read again through: centred on the median of the squares' centres this many frames
either side, its size and angle those of the squares over this many seconds either side."""


def refine(pose: PoseTrack, wanted: set[int], estimator: PoseEstimator | None = None) -> PoseTrack:
    """The walker's landmarks read again in the frames ``wanted`` (those round the knee's straightest moments,
    whose number is the result), each through a square that does not depend on the direction of play, from her
    surroundings kept by :func:`read_pose` (the video is not decoded again).

    Tracking puts a frame's square where the frame before said (or the frame after, followed back), so a clip
    and the same clip played backwards see a frame through slightly different squares, and the model's points
    move with the square: 2–3° of the knee's angle at its straightest. Read again through the median of the
    squares of the frames round it (the same whichever way the clip plays), and twice, through a square 5 %
    smaller and one 5 % larger, averaged, the two agree within a degree. Read through one square, the same
    walk re-encoded five ways (played backwards, scaled to 3/4 and 1/2, cropped 60 px off) gave a step's number
    2.6° apart at worst; through two, 1.7° (the second reading costs about a fifth of the check's time, and is kept).
    (Reading a mirrored crop as well was tried: the model bends a mirrored knee 3–5° more, so it is not used.)"""
    if pose.squares is None or not wanted:
        return pose
    estimator = estimator or PoseEstimator()
    squares = pose.squares
    reach = max(REFINE_HALF, round(REFINE_SIZE_S * (pose.fps or 30.0)))
    jobs: list[tuple[int, list[Roi]]] = []
    for i in sorted(wanted):
        if i >= len(squares) or not np.isfinite(squares[i, 0]) or i not in pose.crops:
            continue
        near = squares[max(0, i - REFINE_HALF):i + REFINE_HALF + 1]
        near = near[np.isfinite(near[:, 0])]
        # Her size and lean change slowly; the model's own estimate of them jitters by a tenth from frame to
        # frame, more than her place: they are taken over half a second either side.
        around = squares[max(0, i - reach):i + reach + 1]
        around = around[np.isfinite(around[:, 0])]
        angle = float(np.arctan2(np.sin(around[:, 3]).mean(), np.cos(around[:, 3]).mean()))
        cx, cy = np.median(near[:, :2], axis=0)
        side = float(np.median(around[:, 2]))
        jobs.append((i, [Roi(float(cx), float(cy), side * scale, angle) for scale in REFINE_SCALES]))
    readers = estimator.readers()

    def read(reader: _Landmarker, share: list[tuple[int, list[Roi]]]) -> dict[int, FloatArray]:
        out = {}
        for i, squares_of_i in share:
            marks = _read_again(reader, pose, i, squares_of_i)
            if marks is not None:
                out[i] = marks
        return out

    # Each landmarker its share of the frames, side by side (an error in one is raised here, by result()).
    with ThreadPoolExecutor(max_workers=len(readers)) as pool:
        shares = [pool.submit(read, reader, jobs[n::len(readers)]) for n, reader in enumerate(readers)]
        found = {i: marks for share in shares for i, marks in share.result().items()}
    landmarks = pose.landmarks.copy()
    for i, marks in found.items():
        landmarks[i] = marks
    done = set(found)
    return replace(pose, landmarks=landmarks, read_again=frozenset(done))


def _read_again(reader: _Landmarker, pose: PoseTrack, i: int, squares: list[Roi]) -> FloatArray | None:
    """Frame ``i`` read through each of ``squares``, cut out of the surroundings kept for it, and the readings
    averaged; None if the model did not see a person in every one."""
    region, data = pose.crops[i]
    half = REGION_PX // 2
    u, v = (Image.frombytes("L", (half, half), data[n * half * half:(n + 1) * half * half]) for n in (0, 1))
    with Image.open(io.BytesIO(data[2 * half * half:])) as kept:
        y = kept.copy()
    # Read through two squares, a little smaller and a little larger, and the two readings averaged: the
    # model's points move with the square it is given by a few pixels, which at a straight knee is 2–4°;
    # averaged, a clip and the same clip played backwards agree within half a degree.
    readings = []
    for square in squares:
        bands = [y.transform((LANDMARK_SIZE, LANDMARK_SIZE), Image.Transform.AFFINE,
                             square.affine(LANDMARK_SIZE, region, REGION_PX), Image.Resampling.BILINEAR)]
        # The colour warped at half size, as it is kept, then doubled (as _Planes.ycc does).
        bands += [p.transform((LANDMARK_SIZE // 2, LANDMARK_SIZE // 2), Image.Transform.AFFINE,
                              square.affine(LANDMARK_SIZE // 2, region, half), Image.Resampling.BILINEAR)
                  .resize((LANDMARK_SIZE, LANDMARK_SIZE), Image.Resampling.BILINEAR) for p in (u, v)]
        marks, flag = reader.landmarks_of(_to_rgb(np.asarray(Image.merge("YCbCr", bands)), *pose.colour)[None],
                                          square)
        if flag < MIN_PRESENCE:
            return None
        readings.append(marks[:LANDMARKS])
    out: FloatArray = np.mean(readings, axis=0)
    return out
