"""Fonts the generator draws with, found by file path (never by family name).

Debian's ``fonts-liberation`` 1.x shares family names with ``fonts-liberation2`` but lacks
several Vietnamese letters, so fonts are located by file name inside known directories and
every font is checked for glyph coverage by the tests.  ``split`` keeps some fonts out of
training so the OCR bench can measure generalisation to unseen typefaces; the ``extra`` group
widens only the recogniser's training lines (``wide``) and never changes the cards that the
pipeline is tuned and benchmarked on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

from edge.errors import SynthError

Role = Literal["label", "value"]
Group = Literal["train", "heldout", "extra"]  # what a font is kept for
Split = Literal["train", "heldout", "wide"]  # what is drawn from: wide = train + extra (recogniser lines)

PACKAGE_DIRS = {  # the folder each package installs its fonts into, where names clash across packages
    "fonts-liberation2": "liberation2",
    "fonts-dejavu-core": "dejavu",
    "fonts-dejavu-extra": "dejavu",
    "fonts-freefont-ttf": "freefont",
}
FONT_DIRS = (
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts/opentype"),
    Path("/usr/share/texmf/fonts/opentype/public/tex-gyre"),
    Path("/usr/local/share/fonts"),
)


@dataclass(frozen=True)
class FontSpec:
    file: str
    package: str  # the Debian package that ships it (installed by deploy/setup.sh)
    role: Role  # label = pre-printed form, value = printer
    split: Group
    bold: bool = False


FONTS: tuple[FontSpec, ...] = (
    # Pre-printed form labels: Times-like serifs and plain sans.
    FontSpec("LiberationSerif-Regular.ttf", "fonts-liberation2", "label", "train"),
    FontSpec("LiberationSerif-Bold.ttf", "fonts-liberation2", "label", "train", bold=True),
    FontSpec("DejaVuSerif.ttf", "fonts-dejavu-core", "label", "train"),
    FontSpec("DejaVuSerif-Bold.ttf", "fonts-dejavu-core", "label", "train", bold=True),
    FontSpec("FreeSerif.ttf", "fonts-freefont-ttf", "label", "train"),
    FontSpec("FreeSerifBold.ttf", "fonts-freefont-ttf", "label", "train", bold=True),
    FontSpec("NotoSans-Regular.ttf", "fonts-noto-core", "label", "train"),
    FontSpec("NotoSans-Bold.ttf", "fonts-noto-core", "label", "train", bold=True),
    FontSpec("texgyrepagella-regular.otf", "fonts-texgyre", "label", "train"),
    FontSpec("texgyrepagella-bold.otf", "fonts-texgyre", "label", "train", bold=True),
    FontSpec("texgyreschola-regular.otf", "fonts-texgyre", "label", "train"),
    FontSpec("texgyreschola-bold.otf", "fonts-texgyre", "label", "train", bold=True),
    FontSpec("texgyrebonum-regular.otf", "fonts-texgyre", "label", "train"),
    FontSpec("texgyrebonum-bold.otf", "fonts-texgyre", "label", "train", bold=True),
    FontSpec("NotoSerif-Regular.ttf", "fonts-noto-core", "label", "heldout"),
    FontSpec("NotoSerif-Bold.ttf", "fonts-noto-core", "label", "heldout", bold=True),
    FontSpec("texgyretermes-regular.otf", "fonts-texgyre", "label", "heldout"),
    FontSpec("texgyretermes-bold.otf", "fonts-texgyre", "label", "heldout", bold=True),
    # Printer fonts for the values: monospaced and plain sans.
    FontSpec("LiberationMono-Regular.ttf", "fonts-liberation2", "value", "train"),
    FontSpec("LiberationMono-Bold.ttf", "fonts-liberation2", "value", "train", bold=True),
    FontSpec("FreeMono.ttf", "fonts-freefont-ttf", "value", "train"),
    FontSpec("FreeMonoBold.ttf", "fonts-freefont-ttf", "value", "train", bold=True),
    FontSpec("NotoSansMono-Regular.ttf", "fonts-noto-mono", "value", "train"),
    FontSpec("NotoSansMono-Bold.ttf", "fonts-noto-mono", "value", "train", bold=True),
    FontSpec("LiberationSans-Regular.ttf", "fonts-liberation2", "value", "train"),
    FontSpec("LiberationSans-Bold.ttf", "fonts-liberation2", "value", "train", bold=True),
    FontSpec("FreeSans.ttf", "fonts-freefont-ttf", "value", "train"),
    FontSpec("FreeSansBold.ttf", "fonts-freefont-ttf", "value", "train", bold=True),
    FontSpec("DejaVuSans.ttf", "fonts-dejavu-core", "value", "train"),
    FontSpec("DejaVuSans-Bold.ttf", "fonts-dejavu-core", "value", "train", bold=True),
    FontSpec("texgyreadventor-regular.otf", "fonts-texgyre", "value", "train"),
    FontSpec("texgyreadventor-bold.otf", "fonts-texgyre", "value", "train", bold=True),
    FontSpec("NotoMono-Regular.ttf", "fonts-noto-mono", "value", "train"),
    FontSpec("texgyrecursor-regular.otf", "fonts-texgyre", "value", "heldout"),
    FontSpec("texgyrecursor-bold.otf", "fonts-texgyre", "value", "heldout", bold=True),
    FontSpec("texgyreheros-regular.otf", "fonts-texgyre", "value", "heldout"),
    FontSpec("texgyreheros-bold.otf", "fonts-texgyre", "value", "heldout", bold=True),
    # More faces for the recogniser's training lines only (none a clone of a held-out design):
    # condensed, light and humanist shapes, each with its own horns and hooks.
    FontSpec("DejaVuSerifCondensed.ttf", "fonts-dejavu-extra", "label", "extra"),
    FontSpec("DejaVuSerifCondensed-Bold.ttf", "fonts-dejavu-extra", "label", "extra", bold=True),
    FontSpec("Carlito-Regular.ttf", "fonts-crosextra-carlito", "label", "extra"),
    FontSpec("Carlito-Bold.ttf", "fonts-crosextra-carlito", "label", "extra", bold=True),
    FontSpec("DejaVuSansCondensed.ttf", "fonts-dejavu-extra", "value", "extra"),
    FontSpec("DejaVuSansCondensed-Bold.ttf", "fonts-dejavu-extra", "value", "extra", bold=True),
    FontSpec("DejaVuSans-ExtraLight.ttf", "fonts-dejavu-extra", "value", "extra"),
    FontSpec("Roboto-Regular.ttf", "fonts-roboto-unhinted", "value", "extra"),
    FontSpec("Roboto-Light.ttf", "fonts-roboto-unhinted", "value", "extra"),
    FontSpec("Roboto-Medium.ttf", "fonts-roboto-unhinted", "value", "extra", bold=True),
    FontSpec("Roboto-Bold.ttf", "fonts-roboto-unhinted", "value", "extra", bold=True),
    FontSpec("RobotoCondensed-Regular.ttf", "fonts-roboto-unhinted", "value", "extra"),
    FontSpec("RobotoCondensed-Bold.ttf", "fonts-roboto-unhinted", "value", "extra", bold=True),
)


def font_packages() -> list[str]:
    """Debian packages that provide the fonts (the set-up script installs these)."""
    return sorted({f.package for f in FONTS})


@cache
def font_path(file: str) -> Path:
    """Absolute path of a font file, or a SynthError naming the package to install."""
    spec = next((f for f in FONTS if f.file == file), None)
    want = PACKAGE_DIRS.get(spec.package) if spec else None
    hits: list[Path] = []
    for root in FONT_DIRS:
        if root.is_dir():
            hits += [root / file] if (root / file).is_file() else []
            hits += [h for h in sorted(root.rglob(file)) if h not in hits]
    # fonts-liberation (1.x, no ơ ư ạ …) ships files of the same names as fonts-liberation2: take the package's own
    for hit in hits:
        if want is None or hit.parent.name == want:
            return hit
    hint = f" (install the Debian package {spec.package}, or run deploy/setup.sh)" if spec else ""
    raise SynthError(f"font file {file} not found under {', '.join(map(str, FONT_DIRS))}{hint}")


def select(role: Role, split: Split | None = "train", bold: bool | None = None) -> list[FontSpec]:
    """Fonts of one role; split None means every group, ``wide`` the train and extra groups."""
    groups: tuple[Group, ...] = ("train", "extra") if split == "wide" else (split,) if split else ()
    return [
        f
        for f in FONTS
        if f.role == role and (not groups or f.split in groups) and (bold is None or f.bold == bold)
    ]


@cache
def load(file: str, size: int) -> ImageFont.FreeTypeFont:
    """A FreeType font at a pixel size, with the basic layout engine (same bytes on every machine)."""
    return ImageFont.truetype(str(font_path(file)), size, layout_engine=ImageFont.Layout.BASIC)


def missing_glyphs(file: str, chars: str, size: int = 32) -> str:
    """The characters a font draws as its .notdef box (tofu) or not at all."""
    font = load(file, size)
    tofu = bytes(font.getmask("\ue000"))  # a private-use code point: no font here maps it
    missing = []
    for ch in chars:
        if ch.isspace():
            continue
        mask = font.getmask(ch)
        if mask.getbbox() is None or bytes(mask) == tofu:
            missing.append(ch)
    return "".join(missing)
