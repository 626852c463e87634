"""The seed's JSON shape: serialisation, parsing, error table."""

from __future__ import annotations

import json

import pytest

from edge.errors import DataError
from edge.schema import (
    BACK_FIELDS,
    ERROR_MESSAGES,
    FRONT_FIELDS,
    Envelope,
    ErrorCode,
    FieldValue,
    SideResult,
    SideType,
)


def test_error_table_matches_the_provider() -> None:
    assert [c.value for c in ErrorCode] == ["0", "1", "2", "3", "4", "5", "6"]
    assert ERROR_MESSAGES[ErrorCode.NO_CONTENT] == "The photo does not contain content"
    assert ErrorCode.BAD_CREDENTIALS.message == "Incorrect Api_key or api_secret"
    assert Envelope.error(ErrorCode.BAD_FORMAT_TYPE).to_seed() == {
        "data": [],
        "errorCode": "6",
        "errorMessage": "Incorrect format type",
    }


def test_front_serialises_every_field_with_confidence_and_no_image_by_default() -> None:
    side = SideResult.from_texts(SideType.FRONT, {"plate": "29A1-123.45", "name": "NGUYỄN VĂN AN"}, 0.9)
    item = side.to_seed()
    assert item["type"] == "vehicle_registration_front"
    keys = list(item["info"])
    assert keys == [k for f in FRONT_FIELDS for k in (f, f + "_confidence")]
    assert item["info"]["plate"] == "29A1-123.45"
    assert item["info"]["plate_confidence"] == 0.9
    assert item["info"]["id"] == "" and item["info"]["id_confidence"] == 0.0
    assert "image" not in item["info"]


def test_image_only_when_a_thumbnail_was_asked_for() -> None:
    side = SideResult(type=SideType.BACK, info={}, image="/9j/AAA=")
    info = side.to_seed()["info"]
    assert info["image"] == "/9j/AAA="
    assert list(info)[-1] == "image"
    assert [k for k in info if not k.endswith("_confidence") and k != "image"] == list(BACK_FIELDS)


def test_text_is_nfc() -> None:
    decomposed = "NGUYE\u0302\u0303N"
    assert FieldValue(text=decomposed).text == "NGUYỄN"


def test_confidence_must_be_between_0_and_1() -> None:
    with pytest.raises(ValueError):
        FieldValue(text="x", confidence=1.5)


def test_round_trip_through_the_wire() -> None:
    env = Envelope.success(
        [
            SideResult.from_texts(SideType.FRONT, dict.fromkeys(FRONT_FIELDS, "A"), 0.5),
            SideResult.from_texts(SideType.BACK, dict.fromkeys(BACK_FIELDS, "B"), 0.25),
        ]
    )
    wire = json.loads(env.to_json())
    parsed = Envelope.from_seed(wire, source="cloud")
    assert parsed.to_seed() == wire
    back = parsed.side(SideType.BACK)
    assert back is not None and back.info["engine"].source == "cloud"
    assert back.info["engine"].confidence == 0.25


def test_provider_answer_without_confidences_parses() -> None:
    wire = {"data": [{"type": "vehicle_registration_front", "info": {"name": "LÊ VĂN B", "image": ""}}],
            "errorCode": "0", "errorMessage": "Success"}
    env = Envelope.from_seed(wire)
    front = env.side(SideType.FRONT)
    assert front is not None
    assert front.info["name"].confidence is None
    assert front.image is None


@pytest.mark.parametrize("payload", [[], {"errorCode": "9"}, {"errorCode": "0", "data": {}},
                                     {"errorCode": "0", "data": [{"type": "id_card"}]}])
def test_malformed_answers_raise_data_error(payload: object) -> None:
    with pytest.raises(DataError):
        Envelope.from_seed(payload)


def test_json_keeps_vietnamese_unescaped() -> None:
    env = Envelope.success([SideResult.from_texts(SideType.FRONT, {"name": "TRẦN THỊ ỶẾN"})])
    assert "TRẦN THỊ ỶẾN" in env.to_json()
