"""Photographed scenes: exact corner truth, determinism, and quality labels that are true."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from edge.document.rectify import card_width
from edge.synth import backdrop
from edge.synth.card import render_face
from edge.synth.layouts import LAYOUTS
from edge.synth.scene import GOOD_MIN_WIDTH, SMALL_MAX_WIDTH, corners_inside, make_scene
from edge.synth.types import CARD_H, CARD_W, QUALITIES, CardFace, Quality, Scene, Side
from edge.synth.values import random_values

MARKERS = ((0, 0, 255), (0, 255, 0), (255, 0, 0), (255, 0, 255))  # TL, TR, BR, BL (BGR)
MARK = 150  # marker square side, card pixels


def real_face(side: Side = "front", seed: int = 0) -> CardFace:
    rng = np.random.default_rng(seed)
    layouts = LAYOUTS[side]
    return render_face(random_values(rng), side, layouts[seed % len(layouts)], rng)


def marked_face() -> CardFace:
    face = real_face("back", 1)
    img = face.image.copy()
    for (x, y), colour in zip(
        ((0, 0), (CARD_W - MARK, 0), (CARD_W - MARK, CARD_H - MARK), (0, CARD_H - MARK)), MARKERS, strict=True
    ):
        img[y : y + MARK, x : x + MARK] = colour
    return replace(face, image=img)


def unwarp(scene: Scene, corners: NDArray[np.float64] | None = None, w: int = CARD_W) -> NDArray[np.uint8]:
    h = round(w * CARD_H / CARD_W)
    src = (scene.corners if corners is None else corners).astype(np.float32)
    dst = np.array([[-0.5, -0.5], [w - 0.5, -0.5], [w - 0.5, h - 0.5], [-0.5, h - 0.5]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return np.asarray(cv2.warpPerspective(scene.image, m, (w, h), flags=cv2.INTER_AREA), np.uint8)


def correlation(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> float:
    """Pearson correlation of two images, compared at a coarse common scale."""
    size = (256, 161)
    ga = cv2.resize(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA).astype(float)
    gb = cv2.resize(cv2.cvtColor(b, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA).astype(float)
    return float(np.corrcoef(ga.ravel(), gb.ravel())[0, 1])


def sharpness(img: NDArray[np.uint8]) -> float:
    g = cv2.GaussianBlur(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (0, 0), 0.8)
    return float(cv2.Laplacian(g, cv2.CV_64F).var())


def card_region(scene: Scene) -> NDArray[np.bool_]:
    mask = np.zeros(scene.image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(scene.corners).astype(np.int32), 1)
    return mask > 0


def upside_down_seed(face: CardFace) -> int:
    for seed in range(200):
        rot = float(make_scene(face, np.random.default_rng(seed), clean=True).conditions["rotation_deg"])
        if abs((rot % 360) - 180) < 12:
            return seed
    raise AssertionError("no upside-down scene in 200 seeds")


@pytest.fixture(scope="module")
def face() -> CardFace:
    return marked_face()


def check_markers(scene: Scene) -> None:
    c = scene.corners
    for i, colour in enumerate(MARKERS):
        x, y = c[i] + 0.07 * (c[(i + 2) % 4] - c[i])  # a little inside, along the diagonal
        pixel = scene.image[round(float(y)), round(float(x))].astype(int)
        assert np.abs(pixel - np.array(colour)).max() < 40, (i, pixel, colour)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_corners_land_on_the_card_corners(face: CardFace, seed: int) -> None:
    scene = make_scene(face, np.random.default_rng(seed), "good", clean=True)
    check_markers(scene)
    flat = unwarp(scene)
    assert correlation(flat, face.image) > 0.95
    # a few pixels off and the match is visibly worse: the truth is exact, not roughly right
    shifted = scene.corners + np.array([[6.0, 4.0], [6.0, 4.0], [-6.0, -4.0], [-6.0, -4.0]])
    assert correlation(unwarp(scene, shifted), face.image) < correlation(flat, face.image) - 0.02


def test_upside_down_card_has_its_top_left_at_the_bottom_right(face: CardFace) -> None:
    scene = make_scene(face, np.random.default_rng(upside_down_seed(face)), "good", clean=True)
    centre = scene.corners.mean(axis=0)
    tl, br = scene.corners[0], scene.corners[2]
    assert tl[0] > centre[0] and tl[1] > centre[1]
    assert br[0] < centre[0] and br[1] < centre[1]
    check_markers(scene)
    assert correlation(unwarp(scene), face.image) > 0.95


def test_degraded_good_scene_still_matches_its_truth(face: CardFace) -> None:
    for seed in range(4):
        scene = make_scene(face, np.random.default_rng(seed), "good")
        assert correlation(unwarp(scene), face.image) > 0.6  # shadows, tint and noise included


def test_same_seed_same_bytes_other_seed_other_bytes(face: CardFace) -> None:
    for quality in QUALITIES:
        a = make_scene(face, np.random.default_rng(7), quality)
        b = make_scene(face, np.random.default_rng(7), quality)
        c = make_scene(face, np.random.default_rng(8), quality)
        assert a.image.tobytes() == b.image.tobytes()
        assert np.array_equal(a.corners, b.corners) and a.conditions == b.conditions
        assert a.image.tobytes() != c.image.tobytes()


@pytest.mark.parametrize("quality", QUALITIES)
def test_each_quality_label_is_geometrically_true(face: CardFace, quality: Quality) -> None:
    size = (1280, 720)
    for seed in range(6):
        scene = make_scene(face, np.random.default_rng(seed), quality, size)
        assert scene.quality == quality and scene.image.shape == (720, 1280, 3)
        assert scene.corners.shape == (4, 2) and scene.image.dtype == np.uint8
        frac = card_width(scene.corners) / size[0]
        inside = corners_inside(scene.corners, size)
        if quality == "cut_off":
            c = scene.corners
            assert ((c[:, 0] < 0) | (c[:, 0] >= size[0]) | (c[:, 1] < 0) | (c[:, 1] >= size[1])).any()
        elif quality == "too_small":
            assert inside and frac < SMALL_MAX_WIDTH
        else:
            assert inside and frac >= GOOD_MIN_WIDTH
        region = card_region(scene)
        blown = (scene.image.min(axis=2) >= 245) & region
        share = blown.sum() / region.sum()
        if quality == "glare":
            assert share >= 0.15
        else:
            assert share < 0.02


def test_blurred_is_much_softer_than_good(face: CardFace) -> None:
    for seed in range(5):
        good = make_scene(face, np.random.default_rng(seed), "good")
        blurred = make_scene(face, np.random.default_rng(seed), "blurred")
        assert sharpness(unwarp(blurred, w=512)) < 0.25 * sharpness(unwarp(good, w=512))


def test_sizes_other_than_the_default(face: CardFace) -> None:
    for size in ((640, 480), (720, 1280)):
        for quality in QUALITIES:
            scene = make_scene(face, np.random.default_rng(3), quality, size)
            assert scene.image.shape == (size[1], size[0], 3)


def test_conditions_record_the_random_parameters(face: CardFace) -> None:
    scene = make_scene(face, np.random.default_rng(11), "good")
    for key in (
        "rotation_deg",
        "tilt_deg",
        "width_frac",
        "background",
        "defocus_sigma",
        "motion_len",
        "noise_read",
        "jpeg_quality",
        "glare",
        "shadow",
        "exposure",
        "white_balance_temp",
    ):
        assert key in scene.conditions, key
    assert all(isinstance(v, float | str | bool | int) for v in scene.conditions.values())


def test_every_background_kind_is_textured() -> None:
    for kind in backdrop.BACKGROUNDS:
        img, cond = backdrop.make_background(np.random.default_rng(0), (640, 360), kind, near=(200, 205, 210))
        assert img.shape == (360, 640, 3) and img.dtype == np.uint8 and cond["background"] == kind
        assert float(img.std()) > 1.0
    plain, _ = backdrop.make_background(np.random.default_rng(0), (640, 360), "plain", near=(200, 205, 210))
    assert np.abs(np.array(cv2.mean(plain)[:3]) - (200, 205, 210)).max() < 40  # low contrast with the card
