"""The vehicle catalogue: model names spelt as known, the brand a chassis or engine number names."""

from __future__ import annotations

import pytest

from edge.document.fields import Raw
from edge.document.validate import INVALID, side_result
from edge.document.vehicles import brand_of_numbers, model, one_edit_fix
from edge.schema import SideType
from edge.synth.vehicles import vehicle_models


@pytest.mark.parametrize(("read", "brand", "want"), [
    ("SIR1US RC", "YAMAHA", "SIRIUS RC"),  # a digit for a letter
    ("HAVE ALPHA", "HONDA", "WAVE ALPHA"),
    ("SPER ỤRÈAM", "HONDA", "SUPER DREAM"),  # marks and a lost letter
    ("GRAND T10 1.0 MT", "HYUNDAI", "GRAND I10 1.0 MT"),  # a name that goes with one engine only
    ("SORENTO 2.4 GÁT", "KIA", "SORENTO 2.4 GAT"),  # no model bears a tone mark
    ("CÔUNTY", None, "COUNTY"),
    ("E X01TER", "YAMAHA", "EXCITER"),  # a space and digits for letters
    ("WAVE ALPHA 1I0", "HONDA", "WAVE ALPHA 110"),
])
def test_a_misread_model_is_spelt_as_the_catalogue_names_it(read: str, brand: str | None, want: str) -> None:
    checked, score = model(read, brand)
    assert checked.text == want and checked.valid
    assert 0.8 <= score <= 1.0


@pytest.mark.parametrize(("read", "brand", "want"), [
    ("STRU8 RC", "YAMAHA", "SIRIUS RC"),  # 67 like it, 50 like EXCITER RC
    ("SỪP PR, ỤRRAM", "HONDA", "SUPER DREAM"),
    ("FAD8", "VINFAST", "FADIL"),
])
def test_a_model_read_only_somewhat_like_one_of_its_brand_s_and_clearly_less_like_the_rest_is_it(
        read: str, brand: str, want: str) -> None:
    checked, score = model(read, brand)
    assert checked.text == want and 0.55 <= score < 0.8  # carried into the field's confidence
    assert model(read, None)[0].text == read  # the brand unknown: among every model, no such claim


def test_a_model_the_catalogue_lacks_stays_as_read_and_every_known_one_is_kept() -> None:
    assert model("ZX-10R NINJA", "KAWASAKI")[0].text == "ZX-10R NINJA"
    assert model("Q5 quattro", "AUDI")[0].text == "Q5 QUATTRO"
    for family in vehicle_models():  # fixed points: no catalogue name is "corrected" to another
        for name in family.models + tuple(m for e in family.engines for m in e.models):
            assert model(name, family.brand) == (model(name, family.brand)[0], 1.0)
            assert model(name, family.brand)[0].text == name


def test_the_chassis_maker_code_or_the_engine_type_names_the_brand() -> None:
    assert brand_of_numbers("RLHHC1210YY054827", None) == "HONDA"  # RLH: Honda Vietnam
    assert brand_of_numbers("RLCSE3X944Y780271", "E3X9E-498034") == "YAMAHA"
    assert brand_of_numbers("SÀNRLCUE3S1Y165356", "2TR8687047") == "TOYOTA"  # the chassis misread: the engine
    assert brand_of_numbers("WDB1234567", "XYZ-1") is None  # a maker the catalogue lacks
    assert brand_of_numbers(None, None) is None
    for family in vehicle_models():  # every family's own numbers name its brand or none, never another
        for template in family.chassis:
            assert brand_of_numbers(template, None) in (family.brand, None)


def test_a_back_with_its_brand_lost_takes_the_chassis_maker_s_with_a_low_confidence() -> None:
    raw = {"chassis": Raw("RLHHC1210YY054827", 0.95), "model": Raw("SUPER DRE4M", 0.9),
           "brand": Raw("HGẠDA", 0.6)}
    info = side_result(SideType.BACK, raw).info
    assert info["brand"].text == "HONDA"
    assert info["brand"].confidence is not None and info["brand"].confidence <= 0.95 * INVALID
    assert info["model"].text == "SUPER DREAM"
    read = side_result(SideType.BACK, {**raw, "brand": Raw("HONDA", 0.97)}).info["brand"]
    assert read.text == "HONDA" and read.confidence is not None and read.confidence > 0.9


@pytest.mark.parametrize(("read", "kind", "want"), [
    ("RLHHCC1218BY188215", "chassis", "RLHHC1218BY188215"),  # a letter read twice
    ("RLC5B917FY045149", "chassis", "RLCJ5B917FY045149"),  # a letter of the maker's code lost
    ("LCE5P7057Y840377", "chassis", "RLCE5P7057Y840377"),  # the first letter lost
    ("RL4BE3FKSFK633490", "chassis", "RL4BE3FK5FK633490"),  # an S in a digit's place
    ("5B91423684", "engine", "5B91-423684"),  # the dash lost
    ("HE12E-5016831", "engine", "HC12E-5016831"),  # a letter of the engine type misread
    ("LHC12E-1036289", "engine", "HC12E-1036289"),  # a frame's stroke read before it
])
def test_a_number_one_edit_from_its_catalogue_pattern_is_put_right(read: str, kind: str, want: str) -> None:
    assert one_edit_fix(read, kind) == want  # type: ignore[arg-type]


def test_numbers_that_fit_a_pattern_or_fit_several_ways_are_left_alone() -> None:
    assert one_edit_fix("RLHHC1218BY188215", "chassis") is None  # fits already
    assert one_edit_fix("HC12E-59366079", "engine") is None  # a digit too many: which one?
    assert one_edit_fix("JF27E-231349", "engine") is None  # a digit lost: which one?
    assert one_edit_fix("WDB9066331S123456", "chassis") is None  # a maker the catalogue lacks
    assert one_edit_fix("", "engine") is None


def test_a_back_s_chassis_and_engine_numbers_are_put_right_with_a_lower_confidence() -> None:
    info = side_result(SideType.BACK, {"chassis": Raw("RLHHCC1218BY188215", 0.9),
                                       "engine": Raw("HC12E-5016831", 0.9)}).info
    assert info["chassis"].text == "RLHHC1218BY188215"
    assert info["chassis"].confidence is not None and info["chassis"].confidence < 0.9
    assert info["engine"].text == "HC12E-5016831" and info["engine"].confidence == 0.9


def test_every_generated_chassis_and_engine_number_fits_its_pattern_and_is_kept() -> None:
    import numpy as np

    from edge.synth.values import random_values

    for seed in range(400):
        values = random_values(np.random.default_rng([seed, 41]))
        assert one_edit_fix(values.chassis, "chassis") is None, values.chassis
        assert one_edit_fix(values.engine, "engine") is None, values.engine


def test_a_brand_lost_with_no_number_to_name_it_is_the_one_that_makes_the_model() -> None:
    from edge.document.vehicles import brand_of_model

    assert brand_of_model("EXCITER") == "YAMAHA" and brand_of_model("NO SUCH MODEL") is None
    info = side_result(SideType.BACK, {"brand": Raw("YAMAIE", 0.7), "model": Raw("EXCITER", 0.9)}).info
    assert info["brand"].text == "YAMAHA" and (info["brand"].confidence or 1.0) <= 0.9 * INVALID
    unknown = side_result(SideType.BACK, {"brand": Raw("YAMAIE", 0.7), "model": Raw("ZX-10R", 0.9)}).info
    assert unknown["brand"].text == "YAMAIE"


def test_the_capacity_the_catalogue_gives_an_engine_pattern_and_model() -> None:
    from edge.document.vehicles import capacity_of

    assert capacity_of("JF27E-2131349", None) == "108"  # one capacity for this engine's pattern
    assert capacity_of("HC12E-5939911", None) is None  # HC12E comes as 97 and as 100: no claim
    assert capacity_of("XYZ-1", None) is None  # no pattern of the catalogue's


def test_a_capacity_read_as_none_can_be_is_the_engine_s_inferred_with_a_low_confidence() -> None:
    from edge.document.fields import Raw
    from edge.document.validate import side_result
    from edge.schema import SideType

    raw = {"engine": Raw("JF27E-2131349", 0.9), "capacity": Raw("ix2", 0.8)}
    info = side_result(SideType.BACK, raw).info
    confidence = info["capacity"].confidence
    assert info["capacity"].text == "108" and confidence is not None and confidence < 0.5
    raw["capacity"] = Raw("10", 0.8)  # a digit from the engine's capacity: put right
    assert side_result(SideType.BACK, raw).info["capacity"].text == "108"
    raw["capacity"] = Raw("180", 0.8)  # two digits swapped: put right
    assert side_result(SideType.BACK, raw).info["capacity"].text == "108"
    raw["capacity"] = Raw("150", 0.8)  # read as a capacity far from it: kept as read
    assert side_result(SideType.BACK, raw).info["capacity"].text == "150"
    # the engine number misread: the model's own capacity, where the catalogue gives it one
    raw = {"engine": Raw("3461353", 0.9), "model": Raw("JANUS", 0.9), "brand": Raw("YAMAHA", 0.9),
           "capacity": Raw("", 0.5)}
    assert side_result(SideType.BACK, raw).info["capacity"].text == "125"


def test_a_chassis_number_s_misread_code_is_put_right_from_the_engine_number_s_family() -> None:
    from edge.document.vehicles import chassis_for_engine

    assert chassis_for_engine("RL83F4206NY474161", "JF42E-1234567") == "RLHJF4206NY474161"  # two letters
    assert chassis_for_engine("RLC15B017FY045149", "5B91-123456") == "RLCJ5B917FY045149"  # and a look-alike
    assert chassis_for_engine("RLHJF4206NY474161", "JF42E-1234567") is None  # fits already: left
    assert chassis_for_engine("RL83F4206NY474161", "ZZ-1") is None  # an engine of no family: no claim
    assert chassis_for_engine("XXXXX4206NY474161", "JF42E-1234567") is None  # the code too far off


def test_a_capacity_s_lost_thousands_dot_is_put_back() -> None:
    from edge.document.validate import _capacity

    assert _capacity("1248 cm3").text == "1.248 cm3" and _capacity("1200 W").text == "1.200 W"
    assert _capacity("125").text == "125" and _capacity("1.998 cm3").text == "1.998 cm3"

