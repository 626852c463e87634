"""Plain data passed between the generator's stages: values → card face → scene / sequence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

# The field lists are re-exported from edge.schema, the one source of truth.
from edge.schema import BACK_FIELDS as BACK_FIELDS
from edge.schema import FRONT_FIELDS as FRONT_FIELDS
from edge.schema import SideType

Side = Literal["front", "back"]
VehicleKind = Literal["moto", "car"]
BoxKind = Literal["header", "title", "label", "value", "other"]
Quality = Literal["good", "blurred", "glare", "too_small", "cut_off"]
QUALITIES: tuple[Quality, ...] = ("good", "blurred", "glare", "too_small", "cut_off")
SIDE_TYPES: dict[Side, str] = {"front": SideType.FRONT.value, "back": SideType.BACK.value}

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class CardValues:
    """Everything printed on one certificate, both sides; strings exactly as printed (NFC)."""

    vehicle: VehicleKind
    name: str
    address: str
    id: str  # 6-digit certificate number
    plate: str  # canonical printed form, e.g. 29A1-123.45
    authority: str  # issuing police unit in the front header, e.g. CÔNG AN TP HÀ NỘI
    place: str  # place of registration on the dated line of the back, e.g. Hà Nội
    engine: str
    chassis: str
    brand: str
    model: str
    color: str
    capacity: str
    pay_load: str  # may be empty
    first_issue_date: str  # dd/mm/yyyy
    last_issue_date: str  # dd/mm/yyyy, >= first_issue_date
    vehicle_type: str  # "Loại xe" row, not returned by the API
    seats: str  # "Số chỗ ngồi" row, not returned by the API
    expiry_date: str  # "có giá trị đến ngày" row (dd/mm/yyyy) or empty

    def info(self, side: Side) -> dict[str, str]:
        """The API's ``info`` for one side (without ``image`` or confidences)."""
        if side == "front":
            return {
                "name": self.name,
                "address": self.address,
                "id": self.id,
                "plate": self.plate,
                "issued_at": self.authority,
            }
        return {
            "name": self.name,
            "address": self.address,
            "engine": self.engine,
            "chassis": self.chassis,
            "brand": self.brand,
            "model": self.model,
            "color": self.color,
            "capacity": self.capacity,
            "issued_at": self.place,
            "last_issue_date": self.last_issue_date,
            "first_issue_date": self.first_issue_date,
            "plate": self.plate,
            "pay_load": self.pay_load,
        }


@dataclass(frozen=True)
class TextBox:
    """One printed line on the card face, in card pixels (x0, y0, x1, y1; x1/y1 exclusive)."""

    text: str
    box: tuple[int, int, int, int]
    kind: BoxKind
    field: str | None = None  # the API field a value line belongs to (address may span 2 lines)


@dataclass
class CardFace:
    """A rendered, flat, upright card side (BGR) with the position of every line on it."""

    side: Side
    layout: str
    values: CardValues
    image: Image
    boxes: list[TextBox] = field(default_factory=list)

    @property
    def type(self) -> str:
        return SIDE_TYPES[self.side]

    def info(self) -> dict[str, str]:
        return self.values.info(self.side)


@dataclass
class Scene:
    """A card photographed: the photo (BGR) and its ground truth.

    ``corners`` are the card's own top-left, top-right, bottom-right, bottom-left corners in
    image pixels (so an upside-down card has its top-left corner near the bottom right).
    """

    image: Image
    corners: NDArray[np.float64]  # shape (4, 2)
    face: CardFace
    quality: Quality
    conditions: dict[str, float | str | bool]


@dataclass
class FrameTruth:
    """Ground truth of one camera frame."""

    index: int
    t: float  # seconds since the sequence started
    corners: NDArray[np.float64] | None  # (4, 2) or None when no card is in view
    card_visible: bool
    fully_in_frame: bool
    speed_px_s: float  # card centre speed
    fill: float  # card area / frame area
    blur_px: float  # motion + defocus blur length
    acceptable: bool  # a frame the auto-capture may take


@dataclass
class Sequence:
    """A synthetic camera recording: frames (BGR) with per-frame truth."""

    kind: Literal["hold", "no_card", "never_still"]
    fps: float
    frames: list[Image]
    truth: list[FrameTruth]
    face: CardFace | None

# Canonical size of a rendered card face (ID-1 aspect, 85.6 x 54 mm, about 300 dpi).
CARD_W = 1024
CARD_H = 646
