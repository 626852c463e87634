"""Random card values, places and vehicles: realistic, self-consistent, in the recogniser's charset."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from datetime import date
from functools import cache

import numpy as np
import pytest

from edge.ocr.charset import charset
from edge.synth import places, vehicles
from edge.synth import values as V
from edge.synth.types import CardValues

N_CARDS = 1500
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
PLATE_CAR = re.compile(r"^\d{2}[A-HK-NPS-VX-Z]-(\d{4}|\d{3}\.\d{2})$")
PLATE_MOTO = re.compile(r"^\d{2}([A-HK-NPS-VX-Z][1-9]|[A-HK-NPS-VX-Z]{2})-(\d{4}|\d{3}\.\d{2})$")


@cache
def cards() -> tuple[CardValues, ...]:
    rng = np.random.default_rng(20240611)
    return tuple(V.random_values(rng) for _ in range(N_CARDS))


def _date(s: str) -> date:
    assert DATE_RE.match(s), s
    d, m, y = s.split("/")
    return date(int(y), int(m), int(d))  # raises on an impossible calendar date


def _strings(v: CardValues) -> list[str]:
    return [x for x in dataclasses.astuple(v) if isinstance(x, str)]


def test_same_seed_same_values() -> None:
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    assert [V.random_values(a) for _ in range(50)] == [V.random_values(b) for _ in range(50)]
    c = np.random.default_rng(8)
    assert V.random_values(c) != V.random_values(np.random.default_rng(7))


def test_vehicle_argument_is_obeyed_and_both_kinds_occur() -> None:
    rng = np.random.default_rng(1)
    assert {V.random_values(rng, "car").vehicle for _ in range(20)} == {"car"}
    assert {V.random_values(rng, "moto").vehicle for _ in range(20)} == {"moto"}
    share = Counter(v.vehicle for v in cards())
    assert 0.55 < share["moto"] / N_CARDS < 0.75
    assert share["car"] > 0


def test_every_character_is_in_the_charset_and_nfc() -> None:
    allowed = set(charset())
    for v in cards():
        for s in _strings(v):
            assert set(s) <= allowed, (s, set(s) - allowed)
            assert s == unicodedata.normalize("NFC", s)
            assert s == s.strip() and "  " not in s, repr(s)


def test_plates_follow_the_printed_formats_and_the_owner_province() -> None:
    letters_seen: set[str] = set()
    for v in cards():
        regex = PLATE_MOTO if v.vehicle == "moto" else PLATE_CAR
        assert regex.match(v.plate), v.plate
        series = vehicles.PLATE_RE.match(v.plate)
        assert series is not None
        letters = re.sub(r"\d", "", series.group(2))
        assert not set(letters) & set("IJOQRW")
        letters_seen |= set(letters)
        if len(letters) == 2:  # two-letter motorcycle series only since 15/08/2023
            assert _date(v.last_issue_date) >= date(2023, 8, 15)
        prov = places.province_of_plate(v.plate)
        assert prov is not None, v.plate
        assert v.plate[:2] in prov.codes
        assert v.address.endswith(prov.address_names), (v.plate, v.address)
        assert v.place == prov.place
        district_units = {d.authority for d in prov.districts}
        assert v.authority == prov.authority or (v.vehicle == "moto" and v.authority in district_units)
    assert len(letters_seen) > 12
    assert any(PLATE_MOTO.match(v.plate) and re.match(r"^\d{2}[A-Z]{2}-", v.plate) for v in cards())
    assert any(re.search(r"-\d{4}$", v.plate) for v in cards())  # some older 4-digit plates


def test_province_table_is_complete() -> None:
    provinces = places.provinces()
    assert len(provinces) == 63
    codes = [c for p in provinces for c in p.codes]
    assert len(codes) == len(set(codes))
    by_name = {p.name: p for p in provinces}
    assert set(by_name["Hà Nội"].codes) == {"29", "30", "31", "32", "33", "40"}
    assert set(by_name["Hồ Chí Minh"].codes) == {"41", *(str(c) for c in range(50, 60))}
    assert set(by_name["Hải Phòng"].codes) == {"15", "16"}
    assert by_name["Đà Nẵng"].codes == ("43",) and by_name["Cần Thơ"].codes == ("65",)
    assert by_name["Bắc Ninh"].authority == "CÔNG AN TỈNH BẮC NINH"
    assert by_name["Hà Nội"].authority == "CÔNG AN TP HÀ NỘI"
    assert by_name["Hồ Chí Minh"].place == "TP Hồ Chí Minh"
    assert sum(p.city for p in provinces) == 5
    assert all(len(p.districts) >= 4 for p in provinces)
    assert len(by_name["Hà Nội"].districts) >= 20


def test_dates_are_valid_and_ordered() -> None:
    expiring = 0
    for v in cards():
        first, last = _date(v.first_issue_date), _date(v.last_issue_date)
        assert date(2000, 1, 1) <= first <= last <= date(2025, 12, 31)
        if v.expiry_date:
            expiring += 1
            assert v.vehicle == "car" and _date(v.expiry_date) > last
    assert 0 < expiring < N_CARDS * 0.2
    v = cards()[0]
    d, m, y = v.last_issue_date.split("/")
    assert V.dated_line(v) == f"{v.place}, ngày {d} tháng {m} năm {y}"


def test_numbers_ids_and_vins() -> None:
    for v in cards():
        assert re.fullmatch(r"\d{6}", v.id)
        assert VIN_RE.match(v.chassis), v.chassis
        assert re.fullmatch(r"[A-Z0-9-]{8,16}", v.engine), v.engine
    assert any(v.id.startswith("0") for v in cards())
    honda = [v for v in cards() if v.brand == "HONDA" and v.vehicle == "moto"]
    assert honda
    assert all(v.chassis.startswith("RLH") and re.fullmatch(r"[A-Z]{2}\d{2}E-\d{7}", v.engine) for v in honda)
    assert all(v.chassis[3:7] == v.engine[:4] for v in honda)  # JF58E-... goes with RLHJF58...


def test_vin_templates_all_give_17_characters() -> None:
    rng = np.random.default_rng(3)
    for model in vehicles.vehicle_models():
        for tpl in model.chassis:
            assert VIN_RE.match(vehicles.expand_template(rng, tpl, 2015)), (model.brand, tpl)
        assert model.models and model.types and model.seats and model.pay_loads


def test_values_look_like_real_cards() -> None:
    all_cards = cards()
    assert all(v.name == v.name.upper() and len(v.name.split()) >= 3 for v in all_cards)
    assert sum(v.name.startswith("NGUYỄN ") for v in all_cards) > N_CARDS * 0.25
    companies = [v for v in all_cards if v.name.startswith(("CÔNG TY", "DOANH NGHIỆP", "HỢP TÁC XÃ"))]
    assert companies and all(v.vehicle == "car" for v in companies)
    lengths = [len(v.address) for v in all_cards]
    assert max(lengths) <= 110 and sum(n > 60 for n in lengths) > N_CARDS * 0.1
    assert any(v.address != v.address.upper() for v in all_cards)
    motos = [v for v in all_cards if v.vehicle == "moto"]
    assert all(v.seats == "2" and v.pay_load == "" and "cm3" not in v.capacity for v in motos)
    cars = [v for v in all_cards if v.vehicle == "car"]
    assert all(v.vehicle_type.startswith("Ô tô") for v in cars)
    assert any(re.fullmatch(r"\d\.\d{3} cm3", v.capacity) for v in cars)
    assert any(re.fullmatch(r"[\d.]+ kg", v.pay_load) for v in cars)
    assert sum(v.pay_load == "" for v in cars) > len(cars) / 2
    assert {"HONDA", "YAMAHA", "TOYOTA", "HYUNDAI"} <= {v.brand for v in all_cards}
    assert any(" - " in v.color for v in motos)
    assert any(v.authority.startswith(("CÔNG AN QUẬN", "CÔNG AN HUYỆN")) for v in motos)


def test_labels_and_headers() -> None:
    keys = {"name", "address", "plate", "engine", "chassis", "brand", "model", "color", "capacity",
            "pay_load", "first_issue_date", "vehicle_type", "seats", "expiry_date", "id"}
    assert set(V.LABELS) == keys and V.labels() == V.LABELS
    assert "Tên chủ xe (Owner's full name)" in V.LABELS["name"] and "Chủ xe" in V.LABELS["name"]
    assert "Số máy (Engine No)" in V.LABELS["engine"]
    texts = [t for variants in V.LABELS.values() for t in variants]
    texts += [*V.HEADERS, *V.TITLES.values()]
    for t in texts:
        assert set(t) <= set(charset()), t
    assert V.title("moto") == "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY"
    assert V.NATIONAL_NAME == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.mark.parametrize(
    ("plate", "printed"),
    [("29B1-123.45", "29-B1 123.45"), ("38HB-474.40", "38-HB 474.40"), ("30A-1234", "30A-1234"), ("x", "x")],
)
def test_printed_plate_variant(plate: str, printed: str) -> None:
    assert vehicles.printed_plate_variant(plate) == printed
