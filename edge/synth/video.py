"""Synthetic camera recordings of a card brought in, wobbled and held still, with per-frame truth."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from edge.document.rectify import card_width
from edge.synth import backdrop as bd
from edge.synth.scene import (
    Corners,
    card_mask,
    corners_inside,
    drop_shadow,
    paper_white,
    paste_card,
    project_card,
)
from edge.synth.types import CardFace, FrameTruth, Image, Sequence

SequenceKind = Literal["hold", "no_card", "never_still"]
ACCEPT_MIN_FILL = 0.15  # card area / frame area for a frame the auto-capture may take
ACCEPT_MAX_BLUR = 1.0  # motion + defocus blur, pixels
HOLD_MIN_FILL = 0.2  # where a held card ends up: comfortably above ACCEPT_MIN_FILL
_CODECS = (("MJPG", "video.avi"), ("XVID", "video.avi"), ("mp4v", "video.mp4"))
Pose = NDArray[np.float64]  # cx, cy, width px, rotation deg, tilt x, tilt y (deg, a 2-D tilt vector)


class _Track:
    """A smooth pose path: cubic Hermite through keyframes (Catmull-Rom slopes, zero at stops)."""

    def __init__(self, times: list[float], keys: list[Pose], stops: set[int]) -> None:
        self.t = np.asarray(times, np.float64)
        self.p = np.asarray(keys, np.float64)
        n = len(times)
        self.m = np.zeros_like(self.p)
        for i in range(n):
            if i in stops:
                continue
            a, b = max(0, i - 1), min(n - 1, i + 1)
            self.m[i] = (self.p[b] - self.p[a]) / (self.t[b] - self.t[a])

    def at(self, t: float) -> Pose:
        if t <= self.t[0]:
            return np.asarray(self.p[0] + self.m[0] * (t - self.t[0]), np.float64)
        if t >= self.t[-1]:
            return np.array(self.p[-1], np.float64)
        i = int(np.searchsorted(self.t, t, side="right")) - 1
        h = self.t[i + 1] - self.t[i]
        s = (t - self.t[i]) / h
        h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
        return np.asarray(
            h00 * self.p[i] + h10 * h * self.m[i] + h01 * self.p[i + 1] + h11 * h * self.m[i + 1], np.float64
        )


class _Motion:
    """Card pose over time: a keyframed path (or an orbit) plus a hand tremor."""

    def __init__(
        self,
        rng: np.random.Generator,
        focal: float,
        track: _Track | None,
        orbit: Pose | None,
        max_tremor: float,
    ) -> None:
        self.focal, self.track, self.orbit = focal, track, orbit
        self.trem_amp = rng.uniform(0.05, 0.25, (3, 2))  # px per component; ≤ ~0.5 px/frame together
        self.trem_f = rng.uniform(1.5, 5.0, (3, 2))
        self.trem_ph = rng.uniform(0, 2 * math.pi, (3, 2))
        peak = float(np.linalg.norm((self.trem_amp * 2 * math.pi * self.trem_f).sum(axis=0)))
        self.trem_amp *= min(1.0, max_tremor / peak)  # px/s: a steady hand moves under ~1 px per frame

    def pose(self, t: float) -> Pose:
        if self.orbit is not None:
            cx, cy, rx, ry, w, omega, ph, rot, rot_amp, tilt = self.orbit
            a = omega * t + ph
            p = np.array(
                [
                    cx + rx * math.cos(a),
                    cy + ry * math.sin(a),
                    w * (1 + 0.08 * math.sin(0.7 * a)),
                    rot + rot_amp * math.sin(1.3 * a),
                    tilt * math.cos(0.9 * a),
                    tilt * math.sin(1.1 * a),
                ]
            )
        else:
            assert self.track is not None
            p = self.track.at(t)
        jitter = (self.trem_amp * np.sin(2 * math.pi * self.trem_f * t + self.trem_ph)).sum(axis=0)
        p[:2] += jitter
        return p

    def corners(self, t: float) -> Corners:
        cx, cy, w, rot, tx, ty = self.pose(t)
        tilt, tdir = math.hypot(tx, ty), math.degrees(math.atan2(ty, tx))
        return np.asarray(project_card(w, rot, tilt, tdir, self.focal) + np.array([cx, cy]), np.float64)


def _fit_pose(
    rng: np.random.Generator, size: tuple[int, int], focal: float, frac: tuple[float, float]
) -> Pose:
    """A resting pose fully inside the frame, big enough to be accepted."""
    w, h = size
    margin = 0.04 * min(w, h)
    rot = float(rng.normal(0, 4)) + (180.0 if rng.random() < 0.15 else 0.0)
    tilt = rng.uniform(-12, 12, 2)
    width = float(rng.uniform(*frac) * w)
    for _ in range(20):
        quad = project_card(
            width, rot, float(np.hypot(*tilt)), math.degrees(math.atan2(tilt[1], tilt[0])), focal
        )
        mn, mx = quad.min(axis=0), quad.max(axis=0)
        fit = min(1.0, (w - 1 - 2 * margin) / (mx[0] - mn[0]), (h - 1 - 2 * margin) / (mx[1] - mn[1]))
        if cv2.contourArea((quad * fit).astype(np.float32)) >= HOLD_MIN_FILL * w * h or fit < 1.0:
            width, mn, mx = width * fit, mn * fit, mx * fit
            break
        width *= 1.1
    lo = np.array([margin, margin]) - mn
    c = rng.uniform(lo, np.maximum(lo, np.array([w - 1 - margin, h - 1 - margin]) - mx))
    return np.array([c[0], c[1], width, rot, tilt[0], tilt[1]])


def _hold_track(rng: np.random.Generator, size: tuple[int, int], focal: float, seconds: float) -> _Track:
    """Enter from outside, wobble, settle, then rest for the last ~1.8–2.3 s."""
    w, h = size
    rest = _fit_pose(rng, size, focal, (0.55, 0.9))
    hold = min(max(1.8, float(rng.uniform(0.45, 0.55)) * seconds), seconds - 0.6)
    t_hold = seconds - hold
    start = rest.copy()
    side = int(rng.integers(4))
    reach = 0.75 * rest[2] + 10
    start[:2] = [(-reach, rest[1]), (w + reach, rest[1]), (rest[0], -reach), (rest[0], h + reach)][side]
    start[3] += rng.uniform(-30, 30)
    start[4:] += rng.uniform(-15, 15, 2)
    t_in = min(float(rng.uniform(0.4, 0.8)), 0.5 * t_hold)
    times, keys = [0.0], [start]
    n_wobble = max(1, int((t_hold - t_in) / 0.4))
    for k, t in enumerate(np.linspace(t_in, t_hold, n_wobble + 1)[:-1]):
        damp = 1.0 - 0.6 * k / n_wobble
        p = rest.copy()
        p[:2] += rng.uniform(-0.12, 0.12, 2) * (w, h) * damp
        p[2] *= 1 + rng.uniform(-0.12, 0.12) * damp
        p[3] += rng.uniform(-12, 12) * damp
        p[4:] += rng.uniform(-15, 15, 2) * damp
        times.append(float(t))
        keys.append(p)
    times.append(t_hold)
    keys.append(rest)
    return _Track(times, keys, stops={len(keys) - 1})


def _orbit(rng: np.random.Generator, size: tuple[int, int], exposure: float) -> Pose:
    """Circling fast enough that every frame is streaked (speed × exposure well over the blur limit)."""
    w, h = size
    omega = 2 * math.pi * float(rng.uniform(0.5, 1.0))
    r_min = 3.0 * ACCEPT_MAX_BLUR / (exposure * omega)
    rx, ry = (float(rng.uniform(1.0, 1.6) * r_min) for _ in range(2))
    return np.array(
        [
            w / 2 + rng.uniform(-0.1, 0.1) * w,
            h / 2 + rng.uniform(-0.1, 0.1) * h,
            rx,
            ry,
            rng.uniform(0.4, 0.7) * w,
            omega,
            rng.uniform(0, 2 * math.pi),
            rng.normal(0, 8),
            rng.uniform(3, 15),
            rng.uniform(0, 15),
        ]
    )


def _pyramid(face: Image) -> list[Image]:
    """Area-averaged face copies so small cards do not alias."""
    levels = [face]
    while levels[-1].shape[1] > 64:
        levels.append(np.asarray(cv2.pyrDown(levels[-1]), np.uint8))
    return levels


def _truth(
    i: int, t: float, motion: _Motion | None, exposure: float, defocus: float, size: tuple[int, int]
) -> tuple[FrameTruth, list[Corners]]:
    """One frame's ground truth, and the card's corners across the exposure (for rendering)."""
    w, h = size
    if motion is None:
        return FrameTruth(i, t, None, False, False, 0.0, 0.0, defocus, False), []
    corners = motion.corners(t)
    frame = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]], np.float32)
    area, _ = cv2.intersectConvexConvex(corners.astype(np.float32), frame)
    d = 1e-3
    speed = float(np.linalg.norm(motion.pose(t + d)[:2] - motion.pose(t - d)[:2]) / (2 * d))
    ts = np.linspace(t - exposure / 2, t + exposure / 2, 9)
    path = np.stack([motion.corners(float(x)) for x in ts])
    motion_len = float(np.linalg.norm(np.diff(path, axis=0), axis=2).sum(axis=0).max())
    visible = float(area) >= 1.0
    inside = corners_inside(corners, size)
    fill, blur = float(area) / (w * h), motion_len + defocus
    ok = visible and inside and fill >= ACCEPT_MIN_FILL and blur <= ACCEPT_MAX_BLUR
    n = int(np.clip(math.ceil(motion_len / 2.0), 1, 12))
    poses = [motion.corners(float(x)) for x in np.linspace(t - exposure / 2, t + exposure / 2, n)]
    poses = poses if n > 1 else [corners]
    truth = FrameTruth(i, t, corners if visible else None, visible, inside, speed, fill, blur, ok)
    return truth, poses if visible else []


Hand = tuple[list[NDArray[np.float64]], float, float, tuple[float, float, float]]


def _hand_path(rng: np.random.Generator, size: tuple[int, int], seconds: float) -> Hand:
    """A hand reaching into view and out again (no card in it): polygons, start, duration, colour."""
    w, h = size
    polys = bd.hand_polygons(rng, w, h, float(rng.uniform(0.4, 0.7)))
    t0 = float(rng.uniform(0, max(0.1, seconds - 2.0)))
    colour = bd.skin_colour(rng) if len(polys) > 1 else (30.0, 30.0, 34.0)  # a hand, or a black phone
    return polys, t0, float(rng.uniform(1.0, 2.0)), colour


def make_sequence(
    face: CardFace | None,
    rng: np.random.Generator,
    kind: SequenceKind = "hold",
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    seconds: float = 4.0,
) -> Sequence:
    """Record ``seconds`` of a fixed camera watching a card being presented (or not)."""
    w, h = size
    if kind != "no_card" and face is None:
        raise ValueError(f"a {kind!r} sequence needs a card face")
    n = round(fps * seconds)
    exposure = float(rng.uniform(0.25, 0.5)) / fps
    focal = float(rng.uniform(0.8, 1.3) * max(w, h))
    defocus = float(rng.uniform(0.0, 0.3))
    near = cv2.mean(face.image) if face is not None else (200.0, 200.0, 200.0)
    background, _ = bd.make_background(rng, size, near=(near[0], near[1], near[2]))
    light = bd.make_lighting(rng, size)
    gain = light.gain
    if face is not None:  # wherever the card goes it must not be blown out (that would be glare)
        peak = float((light.gain[::4, ::4].max(axis=(0, 1)) * paper_white(face.image)).max()) * 1.04
        gain = light.gain * min(1.0, 245.0 / max(peak, 1.0))
    flicker = (float(rng.uniform(0.003, 0.02 if kind != "no_card" else 0.04)), float(rng.uniform(0.5, 3.0)))
    read, shot = float(rng.uniform(0.8, 2.5)), float(rng.uniform(0.02, 0.08))
    motion: _Motion | None = None
    if kind == "hold":
        motion = _Motion(rng, focal, _hold_track(rng, size, focal, seconds), None, 0.8 * fps)
    elif kind == "never_still":
        motion = _Motion(rng, focal, None, _orbit(rng, size, exposure), 0.8 * fps)
    hand = _hand_path(rng, size, seconds) if kind == "no_card" and rng.random() < 0.6 else None
    shadow = (
        tuple(rng.uniform(-0.02, 0.03, 2)),
        float(rng.uniform(0.01, 0.04)),
        float(rng.uniform(0.1, 0.35)),
    )
    radius = float(rng.uniform(0, 0.035))
    levels = _pyramid(face.image) if face is not None else []
    masks = [card_mask(lv.shape[1], lv.shape[0], radius * lv.shape[1]) for lv in levels]
    frames: list[Image] = []
    truths: list[FrameTruth] = []
    for i in range(n):
        t = i / fps
        truth, poses = _truth(i, t, motion, exposure, defocus, size)
        canvas = background.copy()
        if poses:
            cw = card_width(poses[0])
            drop_shadow(
                canvas, poses[0], (shadow[0][0] * cw, shadow[0][1] * cw), shadow[1] * cw + 1, shadow[2]
            )
            lv = max([0] + [k for k, im in enumerate(levels) if im.shape[1] >= 1.5 * cw])
            centre_move = poses[-1].mean(axis=0) - poses[0].mean(axis=0)
            gap = (truth.blur_px - defocus) / len(poses)
            angle = math.degrees(math.atan2(centre_move[1], centre_move[0]))
            paste_card(canvas, levels[lv], masks[lv], poses, (gap, angle) if gap >= 0.5 else None)
        if hand is not None and hand[1] <= t <= hand[1] + hand[2]:
            s = math.sin(math.pi * (t - hand[1]) / hand[2])  # in, then out again
            layer = np.zeros((h, w), np.uint8)
            away = (1 - s) * _away(hand[0][0], size)
            bd.fill_polygons(layer, [p + away for p in hand[0]], 255)
            a = cv2.GaussianBlur(layer, (0, 0), 2.0).astype(np.float32) / 255.0
            skin = np.empty_like(canvas)
            skin[:] = np.array(hand[3], np.uint8)
            canvas = np.asarray(cv2.blendLinear(skin, canvas, a, 1.0 - a), np.uint8)
        flick = 1.0 + flicker[0] * math.sin(2 * math.pi * flicker[1] * t)
        img = np.asarray(cv2.multiply(canvas, gain, scale=flick, dtype=cv2.CV_32F), np.float32)
        img = bd.defocus(img, defocus)
        frames.append(bd.to_uint8(bd.sensor_noise(img, rng, read, shot)))
        truths.append(truth)
    return Sequence(kind=kind, fps=fps, frames=frames, truth=truths, face=face)


def _away(poly: NDArray[np.float64], size: tuple[int, int]) -> NDArray[np.float64]:
    """How far to push a hand polygon so it sits outside the frame (it comes from the nearest edge)."""
    w, h = size
    c = poly.mean(axis=0)
    d = np.array([min(c[0], w - c[0]), min(c[1], h - c[1])])
    if d[0] < d[1]:
        return np.array([-1.0 if c[0] < w / 2 else 1.0, 0.0]) * (w * 0.8)
    return np.array([0.0, -1.0 if c[1] < h / 2 else 1.0]) * (h * 0.8)


def _truth_json(t: FrameTruth) -> dict[str, Any]:
    corners = None if t.corners is None else [[round(float(x), 2), round(float(y), 2)] for x, y in t.corners]
    return {
        "index": t.index,
        "t": round(t.t, 4),
        "corners": corners,
        "card_visible": t.card_visible,
        "fully_in_frame": t.fully_in_frame,
        "speed_px_s": round(t.speed_px_s, 2),
        "fill": round(t.fill, 4),
        "blur_px": round(t.blur_px, 3),
        "acceptable": t.acceptable,
    }


def _write_video(frames: list[Image], fps: float, out_dir: Path) -> tuple[str, str]:
    """The first codec this OpenCV build both writes and reads back frame-exact in count."""
    h, w = frames[0].shape[:2]
    for fourcc, name in _CODECS:
        path = out_dir / name
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), fps, (w, h))
        if not writer.isOpened():
            continue
        for f in frames:
            writer.write(f)
        writer.release()
        if count_frames(path) == len(frames):
            return name, fourcc
        path.unlink(missing_ok=True)
    raise RuntimeError("no video codec in this OpenCV build can write and read back a sequence")


def count_frames(path: Path) -> int:
    """Decode a video to the end (container frame counts are not trusted)."""
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def write_sequence(seq: Sequence, out_dir: Path, video: bool = True, frames: bool = True) -> None:
    """Write frames/NNNNNN.jpg, video.avi (MJPG) and truth.json for replay cameras and benchmarks."""
    out_dir.mkdir(parents=True, exist_ok=True)
    h, w = seq.frames[0].shape[:2] if seq.frames else (0, 0)
    meta: dict[str, Any] = {"kind": seq.kind, "fps": seq.fps, "size": [w, h], "count": len(seq.frames)}
    if frames:
        (out_dir / "frames").mkdir(exist_ok=True)
        for i, f in enumerate(seq.frames):
            cv2.imwrite(str(out_dir / "frames" / f"{i:06d}.jpg"), f, [cv2.IMWRITE_JPEG_QUALITY, 92])
    if video and seq.frames:
        meta["video"], meta["fourcc"] = _write_video(seq.frames, seq.fps, out_dir)
    meta["truth"] = [_truth_json(t) for t in seq.truth]
    (out_dir / "truth.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def read_truth(path: Path) -> list[FrameTruth]:
    """Load the per-frame truth written by ``write_sequence`` (a truth.json or its folder)."""
    if path.is_dir():
        path = path / "truth.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for d in doc["truth"]:
        corners = None if d["corners"] is None else np.asarray(d["corners"], np.float64)
        out.append(
            FrameTruth(
                int(d["index"]),
                float(d["t"]),
                corners,
                bool(d["card_visible"]),
                bool(d["fully_in_frame"]),
                float(d["speed_px_s"]),
                float(d["fill"]),
                float(d["blur_px"]),
                bool(d["acceptable"]),
            )
        )
    return out
