"""Pose landmarks from a video, offline, on the CPU (DOMAIN.md:80-82).

MediaPipe's own two-stage pipeline, rebuilt on ``ai-edge-litert`` and PyAV with numpy 2, from its published
graphs (pose_detection, pose_landmark_by_roi, pose_landmarks_to_roi):

1. **Detect** (only when no one is tracked, and every :data:`RECOUNT_S` to count people): the frame, letterboxed to
   224×224 and scaled to [-1, 1], goes through ``pose_detection.tflite``; its 2254 SSD anchors are decoded, scored
   by a sigmoid and merged by weighted non-maximum suppression. A detection's first two keypoints (the hips'
   centre and a point that gives the body's size and tilt) make the region of interest: a square 2.5 times their
   distance across, turned so the body stands upright in it.
2. **Landmarks**: that square, cut out of the full-resolution frame by one affine warp (Pillow), 256×256 in
   [0, 1], goes through ``pose_landmark_full.tflite``: 39 points of 5 values (x, y, z, visibility, presence) in
   the crop's pixels, mapped back to the frame; z is in the same scale (smaller is nearer).
3. **Track**: the next frame's square comes from this frame's two auxiliary points (33 and 34), as MediaPipe
   does, so the detector runs again only when the model says the person is lost (pose flag under 0.5).

Nothing leaves the machine: frames are decoded, measured and dropped one at a time; only landmarks are kept
(33 × 4 numbers a frame), so memory does not grow with the video's resolution or length.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Full, Queue
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

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
RECOUNT_S = 0.5
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

    def scaled(self, k: float) -> Roi:
        return Roi(self.cx * k, self.cy * k, self.side * k, self.angle)

    def to_frame(self, uv: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Points in the crop, each coordinate 0–1, to frame pixels."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        x, y = uv[..., 0] - 0.5, uv[..., 1] - 0.5
        return np.stack([self.cx + self.side * (c * x - s * y), self.cy + self.side * (s * x + c * y)], axis=-1)

    def crop(self, image: Image.Image, size: int) -> Image.Image:
        """The square cut out and turned upright, ``size`` pixels across (one affine warp, zero outside)."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        k = self.side / size
        origin = self.to_frame(np.array([0.0, 0.0]))
        return image.transform((size, size), Image.Transform.AFFINE,
                               (k * c, -k * s, float(origin[0]), k * s, k * c, float(origin[1])),
                               resample=Image.Resampling.BILINEAR)


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


class PoseEstimator:
    """The two models, loaded once; :meth:`detect` and :meth:`landmarks` work on one upright RGB frame."""

    def __init__(self, threads: int = 2) -> None:
        from ai_edge_litert.interpreter import Interpreter

        paths = model_paths()
        with _quiet_stderr():  # LiteRT announces its CPU delegate on stderr, in the middle of our output
            self._detector = Interpreter(model_path=str(paths["pose_detection.tflite"]), num_threads=threads)
            self._landmarker = Interpreter(model_path=str(paths["pose_landmark_full.tflite"]), num_threads=threads)
            for model in (self._detector, self._landmarker):
                model.allocate_tensors()
        self._det_in = self._detector.get_input_details()[0]["index"]
        outs = {tuple(d["shape"]): d["index"] for d in self._detector.get_output_details()}
        self._det_boxes, self._det_scores = outs[(1, 2254, 12)], outs[(1, 2254, 1)]
        self._lm_in = self._landmarker.get_input_details()[0]["index"]
        louts = {tuple(d["shape"]): d["index"] for d in self._landmarker.get_output_details()}
        self._lm_points, self._lm_flag = louts[(1, 195)], louts[(1, 1)]
        self._lm_heatmap = louts[(1, 64, 64, 39)]
        self._anchors = _anchors()

    def detect(self, image: Image.Image) -> list[tuple[float, Roi, float]]:
        """Everyone the detector finds: (score, region of interest, box height in pixels), best first."""
        w, h = image.size
        scale = DETECT_SIZE / max(w, h)
        sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
        board = Image.new("RGB", (DETECT_SIZE, DETECT_SIZE))
        ox, oy = (DETECT_SIZE - sw) // 2, (DETECT_SIZE - sh) // 2
        board.paste(image.resize((sw, sh), Image.Resampling.BILINEAR), (ox, oy))
        tensor = np.asarray(board, dtype=np.float32)[None] / 127.5 - 1.0
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

    def landmarks(self, image: Image.Image, roi: Roi) -> tuple[FloatArray, float]:
        """(39, 4) points in frame pixels (x, y, z, visibility) and the pose flag (0–1: is a person there)."""
        crop = roi.crop(image, LANDMARK_SIZE)
        tensor = np.asarray(crop, dtype=np.float32)[None] / 255.0
        self._landmarker.set_tensor(self._lm_in, tensor)
        self._landmarker.invoke()
        raw = self._landmarker.get_tensor(self._lm_points)[0].reshape(39, 5).astype(np.float64)
        flag = float(self._landmarker.get_tensor(self._lm_flag)[0, 0])
        uv = _refined(raw[:, :2] / LANDMARK_SIZE, self._landmarker.get_tensor(self._lm_heatmap)[0])
        out = np.empty((39, 4))
        out[:, :2] = roi.to_frame(uv)
        out[:, 2] = raw[:, 2] / LANDMARK_SIZE * roi.side
        out[:, 3] = _sigmoid(raw[:, 3])
        return out, flag


HEATMAP_KERNEL = 7
HEATMAP_MIN = 0.5


def _refined(uv: FloatArray, heatmap: npt.NDArray[np.float32]) -> FloatArray:
    """MediaPipe's RefineLandmarksFromHeatmapCalculator: each body point moved to the centre of mass of the
    model's own heatmap in a 7×7 window around it, where the heatmap is sure enough (its peak over 0.5)."""
    size = heatmap.shape[0]
    half = HEATMAP_KERNEL // 2
    out = uv.copy()
    cells = np.floor(uv[:LANDMARKS] * size).astype(int)
    inside = ((cells >= 0) & (cells < size)).all(axis=1)
    padded = np.pad(heatmap[:, :, :LANDMARKS], ((half, half), (half, half), (0, 0)), constant_values=-100.0)
    offsets = np.arange(-half, half + 1)
    for i in np.flatnonzero(inside):
        col, row = cells[i]
        conf = _sigmoid(padded[row:row + HEATMAP_KERNEL, col:col + HEATMAP_KERNEL, i].astype(np.float64))
        if conf.max() < HEATMAP_MIN:
            continue
        total = conf.sum()
        out[i, 0] = (conf.sum(axis=0) @ (col + offsets)) / total / size
        out[i, 1] = (conf.sum(axis=1) @ (row + offsets)) / total / size
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
        raise VideoError(f"{name} is {seconds / 60:.1f} minutes long; film 10 to 60 seconds of walking (at most "
                         f"{MAX_SECONDS / 60:.0f} minutes)")
    if width * height > MAX_PIXELS:
        raise VideoError(f"{name} is {width}×{height}; film at 1080p or 4K at most")
    if not width or not height:
        raise VideoError(f"{name} holds no picture retrowalk can read: upload the phone camera's video file")
    return Header(seconds, width, height, fps)


def _open(path: Path, shown_name: str | None = None) -> Any:
    import av

    name = shown_name or path.name
    if not path.exists():
        raise VideoError(f"{path} does not exist")
    if path.is_dir():
        raise VideoError(f"{path} is a folder; give the video file")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.PermissionError:
        raise VideoError(f"{name} cannot be read (permission denied)") from None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError):
        if _looks_like_video(path):
            raise VideoError(f"{name} looks like a video but is damaged or cut short (an upload that "
                             "stopped?): send it again, as the phone saved it") from None
        raise VideoError(f"{name} is not a video retrowalk can read: upload the MP4 or MOV file from the "
                         "phone's camera") from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"{name} holds no video (sound only?): upload the phone camera's video file")
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


WORK_LONG_SIDE = 1280
"""Frames are decoded scaled to at most this many pixels on their long side (1280×720 from 1080p or 4K): the
landmark model sees 256×256 of a person's square, which is still larger than that in all but a distant
walker, and converting the video's colours at full size is most of the decoding time."""


class _Decoder(threading.Thread):
    """Decodes in its own thread, frames scaled by ``k`` and upright (then None at the end, or the exception that
    stopped it), so decoding the next frame overlaps the models working on this one."""

    def __init__(self, container: Any, stream: Any, k: float) -> None:
        super().__init__(daemon=True)
        self.container, self.stream, self.k = container, stream, k
        self.out: Queue[Any] = Queue(maxsize=4)
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
                if not self._put(_image(frame, self.k)):
                    return
            self._put(None)
        except Exception as exc:  # handed to the reader, which says what it means
            self._put(exc)


def _image(frame: Any, k: float) -> Image.Image:
    """The frame scaled by ``k`` (colours converted at that size: fewer pixels, less work) and upright."""
    if k < 1:
        w, h = max(2, round(frame.width * k)), max(2, round(frame.height * k))
        image = frame.to_image(width=w, height=h, interpolation="BILINEAR")
    else:
        image = frame.to_image()
    return _upright_image(image, round(frame.rotation) % 360)


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


LEFT_HIP, RIGHT_HIP = 23, 24
MAX_PEOPLE = 3
"""At most this many people are followed at once (each costs one run of the landmark model a frame)."""
WALKED_MIN = 0.5
PARK_S = 2.0
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
                before.side = track.side
                break
        else:
            out.append(track)
    return out


def _follow(estimator: PoseEstimator, track: _Track, frame: int, image: Image.Image, k: float) -> bool:
    """The track's landmarks in this frame (image scaled by ``k``), and its square for the next; False (and the
    track lost) when the model says no one is there."""
    assert track.roi is not None
    marks, flag = estimator.landmarks(image, track.roi.scaled(k))
    if flag < MIN_PRESENCE:
        track.roi = track.last = None
        return False
    marks[:, :3] /= k
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
    return True


def _same(a: Roi, b: Roi) -> bool:
    return math.hypot(a.cx - b.cx, a.cy - b.cy) < 0.3 * max(a.side, b.side) and 0.6 < a.side / b.side < 1.67


def read_pose(path: Path, estimator: PoseEstimator | None = None,
              progress: Callable[[int, int], None] | None = None) -> PoseTrack:
    """Every frame's pose of the person walking past. ``progress(done, total)`` is called now and then (total is
    0 when unknown).

    Everyone of comparable size the detector sees is followed (up to :data:`MAX_PEOPLE`); at the end the walker
    is the one whose hips travelled across the picture. If several did, :attr:`PoseTrack.people` says so and the
    knee check cannot tell whom to measure."""
    import av

    path = Path(path)
    container = _open(path)
    decoder: _Decoder | None = None
    try:
        stream = container.streams.video[0]
        header = _header(container, stream, path.name)
        fps, width, height, seconds = header.fps, header.width, header.height, header.seconds
        total = stream.frames or round(seconds * fps)
        stream.thread_type = "AUTO"
        estimator = estimator or PoseEstimator()
        k = min(1.0, WORK_LONG_SIDE / max(width, height, 1))
        decoder = _Decoder(container, stream, k)
        decoder.start()
        tracks: list[_Track] = []
        count, people, rotation, note, shape = 0, 0, 0, "", (width, height)
        recount = max(1, round(RECOUNT_S * (fps or 30)))
        history: deque[tuple[int, Image.Image, float]] = deque()
        parked: list[Roi] = []
        kept = 0
        while True:
            item = decoder.out.get()
            if item is None:
                break
            if isinstance(item, Exception):
                if not count:
                    if isinstance(item, av.error.FFmpegError):
                        raise VideoError(f"{path.name} is damaged: not one frame of it could be decoded; "
                                         "upload the file again, as the phone saved it") from None
                    raise item
                note = f"The video is damaged after {count / (fps or 30):.1f} s; only the part before was read."
                break
            image = item
            if not count:
                shape = (round(image.size[0] / k), round(image.size[1] / k))
                rotation = decoder.rotation
            fresh: list[_Track] = []
            live = [t for t in tracks if t.roi is not None]
            if not live or count % recount == 0:
                seen = estimator.detect(image)
                biggest = max((r.side for _s, r, _h in seen), default=0.0)
                comparable = [r for _s, r, _h in seen if r.side >= COMPARABLE * biggest]
                people = max(people, len(comparable))
                for roi in (r.scaled(1 / k) for r in comparable):
                    live = [t for t in tracks if t.roi is not None]
                    if len(live) < MAX_PEOPLE and not any(t.roi is not None and _same(t.roi, roi) for t in live) \
                            and not any(_same(spot, roi) for spot in parked):
                        tracks.append(_Track(roi, {}, roi.side))
                        fresh.append(tracks[-1])
            for track in tracks:
                if track.roi is not None:
                    _follow(estimator, track, count, image, k)
            # Someone followed for a while who is not walking past (jumping about in the background, sitting
            # on a bench) is no longer followed, nor found again where they are; the walker is.
            if len([t for t in tracks if t.roi is not None]) > 1:
                for track in tracks:
                    if track.roi is not None and len(track.rows) >= PARK_S * (fps or 30) and not track.walked():
                        parked.append(track.roi)
                        track.roi = track.last = None
            # Someone found only now may have been there before, unseen by the detector (coming out from behind
            # a tree, say): followed back through the last frames too, so that a clip and the same clip played
            # backwards find the same steps.
            for track in fresh:
                if track.roi is not None:  # found here: its square for the next frame serves the one before
                    back = _Track(track.last or track.roi, {}, track.side)
                    for before, old_image, old_k in reversed(history):
                        if not _follow(estimator, back, before, old_image, old_k):
                            break
                    track.rows.update(back.rows)
                    track.squares.update(back.squares)
            history.append((count, image, k))
            kept += image.size[0] * image.size[1] * 3
            while history and (len(history) > BACKTRACK_S * (fps or 30) or kept > BACKTRACK_BYTES):
                _n, dropped, _k = history.popleft()
                kept -= dropped.size[0] * dropped.size[1] * 3
            # Two tracks that came onto the same person: the later one goes.
            for i, a in enumerate(tracks):
                for b in tracks[i + 1:]:
                    if a.roi is not None and b.roi is not None and _same(a.roi, b.roi):
                        b.roi = None
            count += 1
            if progress and count % 10 == 0:
                progress(count, total)
    except av.error.FFmpegError as exc:
        raise VideoError(f"{path.name} could not be decoded ({exc.strerror or exc}): upload the file again, as "
                         "the phone saved it") from None
    finally:
        if decoder is not None:
            decoder.stop.set()
            decoder.join(timeout=5)
        container.close()
    tracks = _joined(tracks, fps or 30.0)
    landmarks = np.full((count, LANDMARKS, 4), np.nan)
    # The walker is the one who went furthest steadily across; someone else who went at least half as far
    # could as well be the one to measure.
    walkers = sorted((t for t in tracks if len(t.rows) >= (fps or 30) and t.walked() >= WALKED_MIN),
                     key=lambda t: -t.walked())
    rivals = [t for t in walkers[1:] if t.walked() >= 0.5 * walkers[0].walked()]
    chosen = walkers[0] if walkers else max(tracks, key=lambda t: len(t.rows), default=None)
    squares = np.full((count, 4), np.nan)
    if chosen is not None:
        for f, row in chosen.rows.items():
            landmarks[f] = row
        for f, sq in chosen.squares.items():
            squares[f] = (sq.cx, sq.cy, sq.side, sq.angle)
    if walkers and not rivals and people > 1:
        note = (note + " " if note else "") + (f"{people} people were in the video; the one walking past was "
                                               "measured.")
    if progress:
        progress(count, count)
    return PoseTrack(landmarks, fps, shape[0], shape[1], 1 + len(rivals) if tracks else 0, rotation, note, squares)


REFINE_HALF = 2
"""The square used to read a frame again is the median of the squares this many frames either side."""


def refine(path: Path, pose: PoseTrack, wanted: set[int], estimator: PoseEstimator | None = None) -> PoseTrack:
    """The walker's landmarks read again in the frames ``wanted`` (those round the knee's straightest moments,
    whose number is the result), each through a square that does not depend on the direction of play.

    Tracking puts a frame's square where the frame before said (or the frame after, followed back), so a clip
    and the same clip played backwards see a frame through slightly different squares, and the model's points
    move with the square: 2–3° of the knee's angle at its straightest. Read again through the median of the
    squares of the frames round it (the same whichever way the clip plays), the two agree within a degree.
    (Reading a mirrored crop as well was tried: the model bends a mirrored knee 3–5° more, so it is not used.)
    Frames are decoded again (none were kept), up to the last one wanted."""
    if pose.squares is None or not wanted:
        return pose
    estimator = estimator or PoseEstimator()
    squares = pose.squares
    landmarks = pose.landmarks.copy()
    k = min(1.0, WORK_LONG_SIDE / max(pose.width, pose.height, 1))
    last = max(wanted)
    container = _open(Path(path))
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for i, frame in enumerate(container.decode(stream)):
            if i > last:
                break
            if i not in wanted or i >= len(squares) or not np.isfinite(squares[i, 0]):
                continue
            near = squares[max(0, i - REFINE_HALF):i + REFINE_HALF + 1]
            near = near[np.isfinite(near[:, 0])]
            angle = float(np.arctan2(np.sin(near[:, 3]).mean(), np.cos(near[:, 3]).mean()))
            cx, cy, side = np.median(near[:, :3], axis=0)
            marks, flag = estimator.landmarks(_image(frame, k), Roi(cx, cy, side, angle).scaled(k))
            if flag >= MIN_PRESENCE:
                marks[:, :3] /= k
                landmarks[i] = marks[:LANDMARKS]
    except av_errors() as exc:  # a damaged end was noted by the first reading; what was read again stands
        del exc
    finally:
        container.close()
    return PoseTrack(landmarks, pose.fps, pose.width, pose.height, pose.people, pose.rotation, pose.note, squares)


def av_errors() -> type[Exception]:
    import av

    return av.error.FFmpegError
