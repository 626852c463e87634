"""Every font the generator uses draws every Vietnamese letter (no tofu boxes)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from PIL import Image, ImageDraw

from edge.errors import SynthError
from edge.ocr.charset import charset, tone_marked_letters, vietnamese_letters
from edge.synth import fonts


def test_charset_has_every_tone_on_every_vowel() -> None:
    letters = vietnamese_letters()
    assert len(letters) == 186  # 12 vowels x 6 tones + 21 consonants, both cases
    for word in ("ặ", "ữ", "ỵ", "Đ", "Ở", "ẫ", "Ỷ"):
        assert word in letters
    assert all(unicodedata.is_normalized("NFC", c) for c in charset())
    assert len(set(charset())) == len(charset())


@pytest.mark.parametrize("spec", fonts.FONTS, ids=lambda f: f.file)
def test_font_covers_every_vietnamese_letter(spec: fonts.FontSpec) -> None:
    assert fonts.missing_glyphs(spec.file, charset()) == ""


@pytest.mark.parametrize("spec", fonts.FONTS, ids=lambda f: f.file)
def test_tone_marks_are_drawn_not_dropped(spec: fonts.FontSpec) -> None:
    font = fonts.load(spec.file, 40)

    def ink(text: str) -> np.ndarray:
        img = Image.new("L", (80, 80), 0)
        ImageDraw.Draw(img).text((10, 10), text, font=font, fill=255)
        return np.asarray(img)

    for ch in tone_marked_letters():
        base = {"đ": "d", "Đ": "D"}.get(ch) or unicodedata.normalize("NFD", ch)[0]
        assert not np.array_equal(ink(ch), ink(base)), f"{spec.file} draws {ch!r} like {base!r}"


def test_checker_detects_a_font_that_lacks_letters() -> None:
    # DejaVu Sans Mono lacks the hook-above letters (ả, ẩ ...): the check must notice.
    gaps = fonts.missing_glyphs("DejaVuSansMono.ttf", tone_marked_letters())
    assert "ả" in gaps and "Ở" in gaps


def test_both_roles_and_both_splits_exist() -> None:
    role: fonts.Role
    for role in ("label", "value"):
        assert fonts.select(role, "train") and fonts.select(role, "heldout")
        assert fonts.select(role, "train", bold=True)


def test_missing_font_names_the_package() -> None:
    fonts.font_path.cache_clear()
    with pytest.raises(SynthError, match="not found"):
        fonts.font_path("NoSuchFont-Regular.ttf")


def test_same_named_files_of_other_packages_are_not_taken() -> None:
    """fonts-liberation 1.x (pulled in by chromium) has LiberationSerif-Regular.ttf too, without ơ ư ạ."""
    for spec in fonts.FONTS:
        want = fonts.PACKAGE_DIRS.get(spec.package)
        if want is not None:
            assert fonts.font_path(spec.file).parent.name == want, spec.file


def test_wide_adds_the_extra_faces_and_nothing_held_out() -> None:
    role: fonts.Role
    for role in ("label", "value"):
        train = {f.file for f in fonts.select(role, "train")}
        wide = {f.file for f in fonts.select(role, "wide")}
        heldout = {f.file for f in fonts.select(role, "heldout")}
        assert train < wide and not wide & heldout
        assert all(f.split == "extra" for f in fonts.FONTS if f.file in wide - train)
