"""Rendered card faces: shape, ground-truth boxes that match the ink, wrapping, determinism, stamp."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from edge.errors import SynthError
from edge.synth import fonts
from edge.synth.card import render_face
from edge.synth.fonts import Split
from edge.synth.layouts import LAYOUTS
from edge.synth.stamp import draw_signature, draw_stamp
from edge.synth.texture import guilloche
from edge.synth.types import CARD_H, CARD_W, CardFace, CardValues, Side
from edge.synth.values import dated_line, random_values

LONG_ADDRESS = (
    "Số 123 ngõ 456 đường Nguyễn Văn Cừ, Phường Ngọc Lâm, Quận Long Biên, Thành phố Hà Nội, Việt Nam"
)
MOTO = CardValues(
    vehicle="moto", name="NGUYỄN VĂN AN", address="Số 7 Lê Lợi, Hoàn Kiếm, Hà Nội", id="012345",
    plate="29A1-123.45", authority="CÔNG AN TP HÀ NỘI", place="Hà Nội", engine="JC52E-1234567",
    chassis="RLHJC5207AY123456", brand="HONDA", model="WAVE RSX", color="Đỏ - Đen", capacity="110",
    pay_load="", first_issue_date="12/03/2015", last_issue_date="05/06/2020", vehicle_type="Xe máy",
    seats="2", expiry_date="",
)
CAR = dataclasses.replace(
    MOTO, vehicle="car", name="TRẦN THỊ BÍCH NGỌC", plate="51G-678.90", authority="CÔNG AN TP HỒ CHÍ MINH",
    place="TP Hồ Chí Minh", engine="2NZ-7654321", chassis="MR053REH405123456", brand="TOYOTA",
    model="VIOS", color="Bạc", capacity="1.497 cm3", pay_load="650 kg", vehicle_type="Ô tô con",
    seats="5", expiry_date="05/06/2035",
)
SIDES: tuple[Side, ...] = ("front", "back")
CASES: list[tuple[Side, str]] = [(side, layout) for side in SIDES for layout in LAYOUTS[side]]


def _render(
    values: CardValues, side: Side, layout: str, seed: int = 7, font_split: Split = "train"
) -> CardFace:
    return render_face(values, side, layout, np.random.default_rng(seed), font_split=font_split)


def _gray(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) @ np.array([0.114, 0.587, 0.299], np.float32)


# SPEC §3's label wordings ("Nº" written "No": the recogniser's charset has no "º").
SPEC_LABELS = {
    "Tên chủ xe", "Chủ xe", "Tên chủ xe (Owner's full name)", "Địa chỉ", "Địa chỉ (Address)", "Số",
    "Biển số đăng ký", "Biển số", "Biển số đăng ký (No plate)", "Số máy", "Số máy (Engine No)",
    "Số khung", "Số khung (Chassis No)", "Nhãn hiệu", "Nhãn hiệu (Brand)", "Số loại",
    "Số loại (Model code)", "Màu sơn", "Màu sơn (Color)", "Dung tích", "Dung tích (Capacity)",
    "Tải trọng", "Đăng ký lần đầu ngày", "Đăng ký lần đầu ngày / Date of first registration",
    "Loại xe", "Số chỗ ngồi", "Đăng ký xe có giá trị đến ngày",
    "Đăng ký xe có giá trị đến ngày (date of expiry)",
}


def _check_values(face: CardFace, values: CardValues) -> None:
    """Every non-empty API value is printed in value boxes of its field; empty ones draw nothing."""
    by_field: dict[str, list[str]] = {}
    for box in face.boxes:
        if box.kind == "value" and box.field:
            by_field.setdefault(box.field, []).append(box.text)
    for field, value in values.info(face.side).items():
        if face.side == "back" and field in ("last_issue_date", "issued_at"):
            continue  # both read from the dated line, checked below
        if not value:
            assert field not in by_field, f"empty {field} must draw nothing"
            continue
        assert " ".join(by_field.get(field, [])) == value, field
        assert len(by_field[field]) <= (2 if field == "address" else 1), field
    if face.side == "back":
        assert by_field["last_issue_date"] == [dated_line(values)]
        assert values.place in by_field["last_issue_date"][0]
        assert "issued_at" not in by_field
    assert set(by_field) <= set(values.info(face.side))


def test_layouts_per_side() -> None:
    assert set(LAYOUTS) == {"front", "back"}
    for side in SIDES:
        assert len(LAYOUTS[side]) >= 3
    assert {"moto_classic", "car_bilingual", "v2023"} <= set(LAYOUTS["front"])
    assert {"single_column", "two_column", "bilingual_grid"} <= set(LAYOUTS["back"])


@pytest.mark.parametrize("values", [MOTO, CAR], ids=["moto", "car"])
@pytest.mark.parametrize(("side", "layout"), CASES)
def test_every_value_is_printed_in_a_box(values: CardValues, side: Side, layout: str) -> None:
    face = _render(values, side, layout)
    assert face.image.shape == (CARD_H, CARD_W, 3) and face.image.dtype == np.uint8
    assert face.side == side and face.layout == layout
    _check_values(face, values)


@pytest.mark.parametrize(("side", "layout"), CASES)
def test_random_values_render_completely(side: Side, layout: str) -> None:
    for seed in range(8):
        rng = np.random.default_rng(seed)
        values = random_values(rng)
        face = render_face(values, side, layout, rng)
        _check_values(face, values)
        for box in face.boxes:
            x0, y0, x1, y1 = box.box
            assert 0 <= x0 < x1 <= CARD_W and 0 <= y0 < y1 <= CARD_H, box


@pytest.mark.parametrize(("side", "layout"), CASES)
def test_boxes_are_inside_and_hold_ink(side: Side, layout: str) -> None:
    face = _render(CAR, side, layout, seed=3)
    gray = _gray(face.image)
    paper = float(np.median(gray))
    assert paper > 180, "the paper must stay light"
    assert len(face.boxes) >= 8
    for box in face.boxes:
        x0, y0, x1, y1 = box.box
        assert 0 <= x0 < x1 <= CARD_W and 0 <= y0 < y1 <= CARD_H, box
        assert box.text.strip()
        region = gray[y0:y1, x0:x1]
        assert float(region.min()) < 0.7 * paper, f"no ink under {box.text!r}"
        # A tight box: its outer rows and columns touch the glyphs.
        assert 1 < (y1 - y0) < 90 and (x1 - x0) > 3


@pytest.mark.parametrize(("side", "layout"), CASES)
def test_labels_are_the_spec_labels(side: Side, layout: str) -> None:
    for values in (MOTO, CAR):
        face = _render(values, side, layout, seed=11)
        labels = [b.text.rstrip(":").strip() for b in face.boxes if b.kind == "label"]
        assert labels, "a form has labels"
        unknown = [t for t in labels if t not in SPEC_LABELS]
        assert not unknown


def test_front_header_and_title() -> None:
    for layout in LAYOUTS["front"]:
        face = _render(MOTO, "front", layout)
        kinds = {b.kind for b in face.boxes}
        assert {"header", "title", "label", "value"} <= kinds
        issued = [b for b in face.boxes if b.field == "issued_at"]
        assert [b.text for b in issued] == [MOTO.authority]
        assert any("MÔ TÔ" in b.text for b in face.boxes if b.kind == "title")
        car = _render(CAR, "front", layout)
        assert any("Ô TÔ" in b.text and "MÔ TÔ" not in b.text for b in car.boxes if b.kind == "title")


@pytest.mark.parametrize(("side", "layout"), CASES)
def test_long_address_wraps_onto_two_lines(side: Side, layout: str) -> None:
    values = dataclasses.replace(CAR, address=LONG_ADDRESS)
    face = _render(values, side, layout)
    lines = [b for b in face.boxes if b.field == "address"]
    assert len(lines) == 2
    assert " ".join(b.text for b in lines) == LONG_ADDRESS
    assert lines[1].box[1] > lines[0].box[3] - 4, "the second line is below the first"


@pytest.mark.parametrize(("side", "layout"), CASES)
def test_same_seed_same_bytes(side: Side, layout: str) -> None:
    a = _render(MOTO, side, layout, seed=5)
    b = _render(MOTO, side, layout, seed=5)
    c = _render(MOTO, side, layout, seed=6)
    assert a.image.tobytes() == b.image.tobytes()
    assert a.boxes == b.boxes
    assert a.image.tobytes() != c.image.tobytes()


@pytest.mark.parametrize("layout", LAYOUTS["back"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stamp_overlaps_part_of_the_dated_line(layout: str, seed: int) -> None:
    face = _render(MOTO, "back", layout, seed=seed)
    (dated,) = [b for b in face.boxes if b.field == "last_issue_date"]
    x0, y0, x1, y1 = dated.box
    region = face.image[y0:y1, x0:x1].astype(np.int32)
    b, g, r = region[..., 0], region[..., 1], region[..., 2]
    red = (r > g + 40) & (r > b + 40)
    assert red.sum() >= 15, "the stamp reaches the dated line"
    columns = red.any(axis=0)
    assert columns.mean() < 0.7, "the stamp covers only part of the dated line"


def test_values_are_offset_from_the_form() -> None:
    """Values are printed a few pixels off: across seeds their positions differ for fixed labels."""
    starts = set()
    for seed in range(6):
        face = _render(MOTO, "back", "single_column", seed=seed)
        (chassis,) = [b for b in face.boxes if b.field == "chassis"]
        (label,) = [b for b in face.boxes if b.kind == "label" and b.text.startswith("Số khung")]
        starts.add((chassis.box[0] - label.box[2], chassis.box[1] - label.box[1]))
    assert len(starts) >= 3


def test_heldout_split_draws_only_heldout_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real = fonts.load

    def spy(file: str, size: int) -> object:
        used.append(file)
        return real(file, size)

    monkeypatch.setattr(fonts, "load", spy)
    for side, layout in CASES:
        _render(CAR, side, layout, font_split="heldout")
    heldout = {f.file for f in fonts.FONTS if f.split == "heldout"}
    assert used and set(used) <= heldout


def test_unknown_layout_is_a_clear_error() -> None:
    with pytest.raises(SynthError, match="unknown front layout"):
        _render(MOTO, "front", "no_such_layout")
    with pytest.raises(SynthError):
        _render(MOTO, "back", "moto_classic")


def test_guilloche_is_light_and_patterned() -> None:
    img = guilloche(np.random.default_rng(0), 320, 200)
    assert img.shape == (200, 320, 3) and img.dtype == np.uint8
    gray = _gray(img)
    assert gray.mean() > 190
    assert gray.std() > 2.0, "security lines are visible"
    again = guilloche(np.random.default_rng(0), 320, 200)
    assert np.array_equal(img, again)


def test_stamp_and_signature_clip_and_ink() -> None:
    img = np.full((60, 200, 3), 240, np.uint8)
    draw_stamp(img, (100, 90), 70, np.random.default_rng(1), "CÔNG AN TỈNH NGHỆ AN - PHÒNG CSGT")
    b, g, r = (img[..., i].astype(np.int32) for i in range(3))
    assert ((r > g + 40) & (r > b + 40)).sum() > 50
    sig = np.full((100, 300, 3), 240, np.uint8)
    draw_signature(sig, (50, 20, 250, 80), np.random.default_rng(2))
    dark = _gray(sig) < 180
    ys, xs = np.nonzero(dark)
    assert xs.size > 100
    assert xs.min() >= 40 and xs.max() <= 260 and ys.min() >= 10 and ys.max() <= 90
