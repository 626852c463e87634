"""The fast paths of the photo checks and the line finder give the figures of their plain numpy definitions."""

from __future__ import annotations

import numpy as np
import pytest

from edge.document.quality import BLOWN, _grey_percentiles, glare_share


@pytest.mark.parametrize("seed", range(6))
def test_grey_percentiles_match_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    grey = rng.integers(0, 256, (int(rng.integers(20, 120)), int(rng.integers(20, 120)))).astype(np.uint8)
    if seed % 2:  # few distinct values: the interpolation between neighbours matters
        grey = (grey // 40 * 40).astype(np.uint8)
    mask = (rng.random(grey.shape) < 0.6).astype(np.uint8)
    want = np.percentile(grey[mask > 0].astype(np.float64), (2, 50, 98))
    assert _grey_percentiles(grey, mask, (2, 50, 98)) == pytest.approx(list(want), abs=1e-9)


def test_glare_share_counts_pixels_blown_in_every_channel_inside_the_mask() -> None:
    roi = np.full((10, 10, 3), 200, np.uint8)
    roi[:2] = 255  # 20 px blown in every channel
    roi[2, :, 0] = BLOWN - 1  # one channel short: not blown
    roi[2, :, 1:] = 255
    roi[9, :5] = 255  # blown but outside the mask
    mask = np.ones((10, 10), np.uint8)
    mask[9] = 0
    assert glare_share(roi, mask) == pytest.approx(20 / 90)
    assert glare_share(roi[..., 0].copy(), mask) == pytest.approx(20 / 90)


@pytest.mark.parametrize("shape", [(646, 1024, 3), (645, 1023, 3), (40, 60)])
def test_every_other_pixel_is_numpy_s_stride_two_view(shape: tuple[int, ...]) -> None:
    from edge.ocr.lines import _every_other

    img = np.random.default_rng(1).integers(0, 256, shape).astype(np.uint8)
    half = _every_other(img)
    assert half.flags["C_CONTIGUOUS"] and np.array_equal(half, img[::2, ::2])
