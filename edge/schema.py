"""The result types and error codes of the seed API: one source of truth for every caller.

The server, the CLI, the kiosk and the cloud client all build and parse results through these
models, so the JSON on the wire has one shape: ``{"data": [...], "errorCode": "0",
"errorMessage": "Success"}`` with ``info`` holding each field and its ``X_confidence``.
"""

from __future__ import annotations

import json
import unicodedata
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from edge.errors import DataError

Source = Literal["edge", "cloud", "operator"]


class ErrorCode(StrEnum):
    """The provider's published error table (``errorCode`` is a string on the wire)."""

    SUCCESS = "0"
    NO_CONTENT = "1"
    URL_UNAVAILABLE = "2"
    BAD_IMAGE = "3"
    OUT_OF_REQUESTS = "4"
    BAD_CREDENTIALS = "5"
    BAD_FORMAT_TYPE = "6"

    @property
    def message(self) -> str:
        return ERROR_MESSAGES[self]


ERROR_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.SUCCESS: "Success",
    ErrorCode.NO_CONTENT: "The photo does not contain content",
    ErrorCode.URL_UNAVAILABLE: "Url is unavailable",
    ErrorCode.BAD_IMAGE: "Incorrect image format",
    ErrorCode.OUT_OF_REQUESTS: "Out of requests",
    ErrorCode.BAD_CREDENTIALS: "Incorrect Api_key or api_secret",
    ErrorCode.BAD_FORMAT_TYPE: "Incorrect format type",
}


class SideType(StrEnum):
    FRONT = "vehicle_registration_front"
    BACK = "vehicle_registration_back"


FRONT_FIELDS: tuple[str, ...] = ("name", "address", "id", "plate", "issued_at")
BACK_FIELDS: tuple[str, ...] = (
    "name",
    "address",
    "engine",
    "chassis",
    "brand",
    "model",
    "color",
    "capacity",
    "issued_at",
    "last_issue_date",
    "first_issue_date",
    "plate",
    "pay_load",
)
SIDE_FIELDS: dict[SideType, tuple[str, ...]] = {SideType.FRONT: FRONT_FIELDS, SideType.BACK: BACK_FIELDS}
CONFIDENCE_SUFFIX = "_confidence"


class FieldValue(BaseModel):
    """One extracted value, how sure we are of it, and who produced it."""

    model_config = ConfigDict(frozen=True)

    text: str
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)  # None: the source gave none
    source: Source = "edge"

    @field_validator("text")
    @classmethod
    def _nfc(cls, v: str) -> str:
        return unicodedata.normalize("NFC", v)


class SideResult(BaseModel):
    """One side of the card as the API reports it."""

    type: SideType
    info: dict[str, FieldValue]
    image: str | None = None  # base64 JPEG of the aligned card, only when a thumbnail was asked for

    def field_names(self) -> list[str]:
        """The side's API fields in the seed's order, then any extra ones."""
        known = SIDE_FIELDS[self.type]
        return list(known) + [k for k in self.info if k not in known]

    def text(self, name: str) -> str:
        value = self.info.get(name)
        return value.text if value else ""

    def to_seed(self, confidences: bool = True) -> dict[str, Any]:
        """The seed's item shape: every field of the side (empty when not read), ``image`` last."""
        info: dict[str, Any] = {}
        for name in self.field_names():
            value = self.info.get(name)
            info[name] = value.text if value else ""
            if confidences:
                conf = value.confidence if value and value.confidence is not None else 0.0
                info[name + CONFIDENCE_SUFFIX] = round(conf, 4)
        if self.image is not None:
            info["image"] = self.image
        return {"type": self.type.value, "info": info}

    @classmethod
    def from_seed(cls, item: dict[str, Any], source: Source = "cloud") -> Self:
        """Parse one ``data`` item of a seed response (ours or the provider's)."""
        try:
            side = SideType(item["type"])
            raw = item.get("info") or {}
            if not isinstance(raw, dict):
                raise TypeError("info is not an object")
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(f"not a vehicle registration item: {exc}") from exc
        info: dict[str, FieldValue] = {}
        for key, value in raw.items():
            if key == "image" or key.endswith(CONFIDENCE_SUFFIX):
                continue
            conf = raw.get(key + CONFIDENCE_SUFFIX)
            info[key] = FieldValue(
                text="" if value is None else str(value),
                confidence=float(conf) if isinstance(conf, int | float) else None,
                source=source,
            )
        image = raw.get("image")
        return cls(type=side, info=info, image=image if isinstance(image, str) and image else None)

    @classmethod
    def from_texts(cls, side: SideType, texts: dict[str, str], confidence: float | None = None,
                   source: Source = "edge") -> Self:
        return cls(type=side, info={k: FieldValue(text=v, confidence=confidence, source=source)
                                    for k, v in texts.items()})


class Envelope(BaseModel):
    """The API's response: the sides found, and an error code with its message."""

    data: list[SideResult] = Field(default_factory=list)
    errorCode: ErrorCode = ErrorCode.SUCCESS
    errorMessage: str = ERROR_MESSAGES[ErrorCode.SUCCESS]

    @classmethod
    def success(cls, sides: list[SideResult]) -> Self:
        return cls(data=sides)

    @classmethod
    def error(cls, code: ErrorCode) -> Self:
        return cls(data=[], errorCode=code, errorMessage=code.message)

    @property
    def ok(self) -> bool:
        return self.errorCode == ErrorCode.SUCCESS

    def side(self, side: SideType) -> SideResult | None:
        return next((s for s in self.data if s.type == side), None)

    def to_seed(self, confidences: bool = True) -> dict[str, Any]:
        return {
            "data": [s.to_seed(confidences) for s in self.data],
            "errorCode": self.errorCode.value,
            "errorMessage": self.errorMessage,
        }

    def to_json(self, confidences: bool = True, indent: int | None = None) -> str:
        return json.dumps(self.to_seed(confidences), ensure_ascii=False, indent=indent)

    @classmethod
    def from_seed(cls, payload: Any, source: Source = "cloud") -> Self:
        """Parse a seed response; unknown error codes and malformed bodies raise DataError."""
        if not isinstance(payload, dict):
            raise DataError("response is not a JSON object")
        try:
            code = ErrorCode(str(payload.get("errorCode")))
        except ValueError as exc:
            raise DataError(f"unknown errorCode {payload.get('errorCode')!r}") from exc
        data = payload.get("data")
        data = [] if data is None else data
        if not isinstance(data, list):
            raise DataError("data is not a list")
        message = payload.get("errorMessage")
        return cls(
            data=[SideResult.from_seed(item, source) for item in data if isinstance(item, dict)],
            errorCode=code,
            errorMessage=message if isinstance(message, str) else code.message,
        )
