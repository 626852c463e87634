"""Label-anchored extraction and validation on hand-placed lines: the geometry rules, without a model."""

from __future__ import annotations

from edge.document.fields import Line, Raw, classify, extract, joined, match_label, side_scores, split_label
from edge.document.normalize import dated_line
from edge.document.validate import INVALID, cross_sides, side_result
from edge.schema import SideType


def L(x0: int, y0: int, x1: int, y1: int, text: str, conf: float = 0.99) -> Line:
    return Line((x0, y0, x1, y1), text, conf)


def test_labels_match_plain_bilingual_and_misread_wordings() -> None:
    assert match_label("Tên chủ xe (Owner's full name)") == ("name", 100.0)
    assert match_label("Số máy / Engine No")[0] == "engine"  # type: ignore[index]
    assert match_label("Nhán hiêu:")[0] == "brand"  # type: ignore[index]
    assert match_label("Số:") == ("id", 100.0)
    assert match_label("NGUYỄN VĂN AN") is None
    assert match_label("Số 12 ngõ 45 Nguyễn Trãi") is None


def test_a_label_read_together_with_its_value_is_split_even_without_the_colon() -> None:
    label, key, value = split_label(L(0, 0, 300, 20, "Số khung: RLHJC5207AY123456"))  # type: ignore[misc]
    assert key == "chassis" and value is not None and value.text == "RLHJC5207AY123456"
    assert label.box[2] <= value.box[0]
    _, key, value = split_label(L(0, 0, 300, 20, "Biển số, 29A1-123.45"))  # type: ignore[misc]
    assert key == "plate" and value is not None and value.text == "29A1-123.45"
    _, key, value = split_label(L(0, 0, 300, 20, "Số máy JC52E-1234567"))  # type: ignore[misc]
    assert key == "engine" and value is not None and value.text == "JC52E-1234567"
    assert split_label(L(0, 0, 300, 20, "Số 12 ngõ 45")) is None  # an address, not the "Số" label


def test_values_on_the_label_row_then_under_the_label_in_a_box() -> None:
    lines = [
        L(60, 100, 130, 118, "Chủ xe:"), L(150, 96, 450, 120, "NGUYỄN VĂN AN"),
        L(60, 140, 140, 158, "Số máy:"), L(160, 138, 330, 158, "JC52E-1234567"),
        L(540, 140, 630, 158, "Số khung:"), L(650, 138, 900, 158, "RLHJC5207AY123456"),
        # a ruled box: the label at the top left, the value below it
        L(52, 220, 200, 236, "Nhãn hiệu (Brand)"), L(66, 246, 160, 270, "HONDA"),
        L(360, 220, 520, 236, "Số loại (Model code)"), L(372, 246, 480, 270, "WAVE RSX"),
    ]
    raw = extract(lines)
    assert raw["name"].text == "NGUYỄN VĂN AN"
    assert raw["engine"].text == "JC52E-1234567"
    assert raw["chassis"].text == "RLHJC5207AY123456"
    assert raw["brand"].text == "HONDA" and raw["model"].text == "WAVE RSX"


def test_an_address_runs_onto_the_line_below_but_not_into_the_next_row() -> None:
    lines = [
        L(60, 100, 130, 118, "Địa chỉ:"), L(150, 96, 900, 120, "Số 12 ngõ 45 Nguyễn Trãi, P. Thượng Đình,"),
        L(62, 150, 400, 174, "Q. Thanh Xuân, Hà Nội"),
        L(60, 200, 160, 218, "Nhãn hiệu:"), L(180, 198, 300, 218, "HONDA"),
    ]
    raw = extract(lines)
    assert raw["address"].text == "Số 12 ngõ 45 Nguyễn Trãi, P. Thượng Đình, Q. Thanh Xuân, Hà Nội"
    assert raw["brand"].text == "HONDA"


def test_dated_line_title_number_and_issuing_unit_need_no_label() -> None:
    lines = [
        L(100, 36, 340, 56, "CÔNG AN TỈNH LAI CHÂU"), L(510, 36, 890, 56, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        L(120, 120, 930, 150, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY Số: 741459"),
        L(580, 460, 950, 480, "Hà Nội, ngày 05 tháng 06 năm 2020"),
    ]
    raw = extract(lines)
    assert raw["authority"].text == "CÔNG AN TỈNH LAI CHÂU"
    assert raw["id"].text == "741459"
    assert raw["last_issue_date"].text.startswith("Hà Nội")
    front, _ = side_scores(classify(lines), raw)
    assert front > 0
    # "số" read in lower case after the title; the unit's first word faded ("AN TP HÀ NỘI")
    title = classify([L(250, 110, 770, 140, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ số: 628657")])
    assert [v.text for v in title.values] == ["628657"] and title.labels[0][1] == "id"
    comma = classify([L(120, 120, 930, 150, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY số, 878675")])
    assert [v.text for v in comma.values] == ["878675"]  # the colon read as a comma
    front_result = side_result(SideType.FRONT, {"authority": Raw("AN TP HÀ NỘI", 0.9)})
    assert front_result.info["issued_at"].text == "CÔNG AN TP HÀ NỘI"
    blurred = side_result(SideType.FRONT, {"authority": Raw("CONG AH TN0I L0NG AN", 0.9)})  # 80 % like it
    assert blurred.info["issued_at"].text == "CÔNG AN TỈNH LONG AN"
    assert side_result(SideType.BACK, {"capacity": Raw("TẤ. h: 110", 0.9)}).info["capacity"].text == "110"
    assert side_result(SideType.BACK, {"capacity": Raw("1.998 cm3", 0.9)}).info["capacity"].text == "1.998 cm3"
    assert side_result(SideType.BACK, {"capacity": Raw("125 ng", 0.9)}).info["capacity"].text == "125"
    assert side_result(SideType.BACK, {"capacity": Raw("1.200 W", 0.9)}).info["capacity"].text == "1.200 W"
    # a digit read as its look-alike, the thousands dot as a comma; a capacity cut short is no capacity
    assert side_result(SideType.BACK, {"capacity": Raw("I50", 0.9)}).info["capacity"].text == "150"
    assert side_result(SideType.BACK, {"capacity": Raw("1,998 cm3", 0.9)}).info["capacity"].text == "1.998 cm3"
    short = side_result(SideType.BACK, {"capacity": Raw("I.4", 0.9)}).info["capacity"]
    assert short.text == "1.4" and (short.confidence or 0.0) < 0.5
    # a payload without the specks read beside it
    assert side_result(SideType.BACK, {"pay_load": Raw("1.400 kg 3", 0.9)}).info["pay_load"].text == "1.400 kg"
    assert side_result(SideType.BACK, {"pay_load": Raw("1.400kg", 0.9)}).info["pay_load"].text == "1.400 kg"
    # the title's end read apart from its start still gives the number
    tail = classify([L(100, 100, 500, 120, "MÔ TÔ, XE MÁY Số: 882895")])
    assert [v.text for v in tail.values] == ["882895"] and tail.labels[0][1] == "id"


def test_an_owner_s_name_in_capitals_is_never_taken_for_a_label_like_it() -> None:
    # "THÁI TRỌNG PHƯỚC" reads like "Tải trọng" + a value (tuning 905/60): labels are in small letters
    lines = [L(56, 46, 112, 58, "Chủ xe:"), L(135, 45, 341, 67, "THÁI TRỌNG PHƯỚC"),
             L(56, 360, 126, 377, "Tải trọng:")]
    found = extract(lines)
    assert found["name"].text == "THÁI TRỌNG PHƯỚC" and "pay_load" not in found
    assert classify([L(56, 360, 126, 377, "Tải trọng:")]).labels[0][1] == "pay_load"


def test_an_empty_payload_does_not_take_the_plate_row_under_it() -> None:
    # "Tải trọng:" left blank, the plate's label under it misread into its value's line (906/108)
    lines = [L(56, 360, 127, 377, "Tải trọng:"), L(57, 387, 345, 417, "Bán ố đăng ý 61K8-126.31")]
    found = extract(lines)
    assert "pay_load" not in found and found["plate"].text == "61K8-126.31"
    # a weight under it is its value
    weight = extract([L(56, 360, 127, 377, "Tải trọng:"), L(60, 385, 160, 402, "1.400 kg")])
    assert weight["pay_load"].text == "1.400kg"
    result = side_result(SideType.BACK, weight)
    assert result.info["pay_load"].text == "1.400 kg"


def test_the_issuing_unit_read_into_the_national_heading_beside_it_is_split_off() -> None:
    # the two headings printed level and boxed as one line (tuning 903/34)
    lines = [L(104, 28, 993, 50, "CÔNG AN THỊ XÃ NGHI SƠN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
             L(177, 110, 847, 140, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY")]
    c = classify(lines)
    assert [h.text for h in c.headings["national"]] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert extract(lines)["authority"].text == "CÔNG AN THỊ XÃ NGHI SƠN"
    # the heading alone, or a unit alone, stays whole
    assert classify([L(510, 36, 890, 56, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]).headings["national"][0].box[0] == 510
    assert extract([L(100, 36, 340, 56, "CÔNG AN TỈNH LAI CHÂU")])["authority"].text == "CÔNG AN TỈNH LAI CHÂU"


def test_back_side_from_dated_line_and_date_order_checked() -> None:
    raw = {
        "last_issue_date": Raw("Hà Nội, ngày 05 tháng 06 năm 2020", 0.9),
        "first_issue_date": Raw("12/03/2015", 0.95),
        "plate": Raw("29-B1 123.45", 0.9),
        "address": Raw("Số 12 ngõ 45 Nguyễn Trãi, Q. Thanh Xuân, Hà Nội", 0.9),
        "brand": Raw("HONDAA", 0.9),
    }
    side = side_result(SideType.BACK, raw)
    assert side.text("last_issue_date") == "05/06/2020" and side.text("issued_at") == "Hà Nội"
    assert side.text("plate") == "29B1-123.45" and side.text("brand") == "HONDA"
    assert side.info["plate"].confidence == 0.9  # the code 29 belongs to Hà Nội
    assert side.text("engine") == "" and side.to_seed()["info"]["engine_confidence"] == 0.0


def test_an_invalid_date_or_plate_keeps_its_text_with_a_low_confidence() -> None:
    raw = {
        "first_issue_date": Raw("31/02/2015", 0.99),  # no 31st of February
        "last_issue_date": Raw("Hà Nội, ngày 05 tháng 06 năm 2020", 0.99),
        "plate": Raw("29I1-123.45", 0.99),  # series letters never use I
    }
    side = side_result(SideType.BACK, raw)
    assert side.text("first_issue_date") == "31/02/2015"
    assert side.info["first_issue_date"].confidence <= 0.99 * INVALID  # type: ignore[operator]
    assert side.info["plate"].confidence <= 0.99 * INVALID  # type: ignore[operator]
    late = side_result(SideType.BACK, {**raw, "first_issue_date": Raw("12/03/2021", 0.99)})
    assert late.info["first_issue_date"].confidence <= 0.99 * INVALID  # type: ignore[operator]


def test_a_certificate_number_read_with_letters_like_digits_is_its_digits() -> None:
    for read in ("526s70", "526S70", "52657o"):
        side = side_result(SideType.FRONT, {"id": Raw(read, 0.9)})
        assert side.text("id") == "526570" and side.info["id"].confidence == 0.9
    misread = side_result(SideType.FRONT, {"id": Raw("52k570", 0.9)}).info["id"].confidence
    assert misread is not None and misread < 0.9


def test_both_sides_agreeing_raise_confidence_and_disagreeing_lower_it() -> None:
    front = side_result(SideType.FRONT, {"name": Raw("NGUYỄN VĂN AN", 0.8), "plate": Raw("29B1-123.45", 0.8)})
    back = side_result(SideType.BACK, {"name": Raw("NGUYỄN VĂN AN", 0.8), "plate": Raw("29B1-123.46", 0.8)})
    f, b = cross_sides(front, back)
    assert f.info["name"].confidence > 0.8 and b.info["name"].confidence > 0.8  # type: ignore[operator]
    assert f.info["plate"].confidence < 0.8 and b.info["plate"].confidence < 0.8  # type: ignore[operator]


def test_a_big_plate_in_the_other_column_is_not_the_address_on_its_row() -> None:
    """Moto fronts print the plate large, level with "Địa chỉ" but far right, under "Biển số"."""
    lines = [
        L(69, 216, 163, 233, "Tên chủ xe"), L(776, 237, 836, 253, "Biển số"),
        L(71, 250, 287, 271, "MAI ĐĂNG NGHĨA"),
        L(28, 321, 129, 347, "Địa chỉ"), L(675, 314, 924, 339, "89Y8-206.59"),
        L(71, 357, 618, 383, "Đội 4, Xã Nghi Phú, Huyện Ân Thi, Tỉnh"), L(72, 399, 186, 421, "Hưng Yên"),
    ]
    raw = extract(lines)
    assert raw["plate"].text == "89Y8-206.59"
    assert raw["address"].text == "Đội 4, Xã Nghi Phú, Huyện Ân Thi, Tỉnh Hưng Yên"


def test_a_shaped_field_skips_a_misread_label_and_a_speck_for_the_value_that_has_its_shape() -> None:
    # "Tên chủ xe (Owner's full name)" misread past matching sits right of "Biển số …" on its row,
    # a speck lies between the label and its plate below
    lines = [
        L(53, 213, 278, 234, "Biển số đăng ký (No plate)"), L(399, 214, 667, 231, "Tàn đầ ae (Crngei's faame)"),
        L(408, 241, 792, 267, "NGUYỄN TRUNG MINH XUÂN"), L(15, 262, 46, 281, " I"),
        L(115, 293, 329, 328, "61B4-3028"),
    ]
    assert extract(lines)["plate"].text == "61B4-3028"
    # a plate printed a little above its label's row is still that label's value
    lines = [L(57, 51, 186, 70, "Biển số đăng ký:"), L(218, 35, 385, 59, "16A-922.65"),
             L(56, 101, 116, 114, "Chủ xe:"), L(150, 82, 380, 112, "NGUYỄN BẢO MẠNH")]
    raw = extract(lines)
    assert raw["plate"].text == "16A-922.65" and raw["name"].text == "NGUYỄN BẢO MẠNH"


def test_a_value_by_shape_starts_at_a_word_never_inside_an_engine_number() -> None:
    lines = [L(61, 468, 421, 508, "B 35D7-813.91"), L(60, 300, 300, 320, "HA08E-5781151")]
    raw = extract(lines)
    assert raw["plate"].text == "35D7-813.91"
    assert raw["engine"].text == "HA08E-5781151"


def test_a_large_plate_well_under_its_label_is_found_past_a_speck_on_its_row() -> None:
    lines = [
        L(53, 217, 248, 233, "Biển số đăng ký (No plate)"), L(400, 216, 627, 232, "Tên chủ xe (Owner's full name)"),
        L(401, 244, 624, 267, "NGUYỄN HƯƠNG Ỷ"), L(14, 283, 46, 307, "B "), L(109, 295, 319, 325, "37F-4420"),
        L(53, 350, 181, 366, "Địa chỉ (Address)"),
    ]
    assert extract(lines)["plate"].text == "37F-4420"


def test_a_short_value_inside_a_heading_is_not_that_heading() -> None:
    from edge.document.fields import heading_of

    assert heading_of("Xe máy") is None  # the back's vehicle type, a piece of the front's title
    assert heading_of("GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE") == "title"
    assert heading_of("TRƯỞNG CỘÔNG AN") == "officer"


def test_an_address_whose_label_is_misread_is_found_by_its_shape() -> None:
    lines = [
        L(60, 273, 186, 293, "Tên chủ xe:"), L(206, 266, 369, 291, "LÊ MỸ DUNG"),
        L(18, 325, 143, 369, " Đa di:"), L(173, 334, 704, 359, "Số 31, Tổ 5, Khu phố 1, Phường Xuân Phú,"),
        L(175, 372, 480, 396, "Quận Tân Bình, TP. Hồ Chí Minh"),
        L(540, 453, 970, 478, "Hà Nội, ngày 10 tháng 08 năm 2020"),
    ]
    raw = extract(lines)
    assert raw["address"].text == "Số 31, Tổ 5, Khu phố 1, Phường Xuân Phú, Quận Tân Bình, TP. Hồ Chí Minh"
    assert raw["name"].text == "LÊ MỸ DUNG"


def test_a_date_read_with_its_label_is_not_taken_for_an_english_gloss() -> None:
    found = extract([L(540, 50, 880, 72, "Đăng ký lần đầu ngày: 24/07/2018")])
    assert found["first_issue_date"].text == "24/07/2018"
    assert match_label("Màu sơn/Color") == ("color", 100.0)


def test_a_speck_under_a_label_is_passed_over_for_the_value() -> None:
    found = extract([
        L(53, 213, 278, 234, "Biển số đăng ký (No plate)"), L(399, 214, 667, 231, "Tên chủ xe (Owner's full name)"),
        L(491, 236, 500, 244, "5"), L(408, 241, 792, 267, "NGUYỄN TRUNG MINH XUÂN"),
        L(115, 293, 329, 328, "61B4-3028 I"),  # and a speck read after the plate
    ])
    assert found["name"].text == "NGUYỄN TRUNG MINH XUÂN"
    assert found["plate"].text == "61B4-3028"


def test_a_value_level_with_its_own_label_is_not_taken_by_the_empty_row_above() -> None:
    found = extract([
        L(56, 360, 136, 380, "Tải trọng:"),
        L(55, 400, 120, 415, "Biển số:"), L(153, 389, 298, 411, "18K-240.66"),
    ])
    assert "pay_load" not in found and found["plate"].text == "18K-240.66"


def test_an_owner_whose_label_is_misread_is_the_line_in_capitals_above_the_address() -> None:
    found = extract([
        L(114, 121, 822, 151, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY"),
        L(65, 84 + 150, 433, 116 + 150, "Chó e TRẦN ÁNH KHÁNH TUYẾT"),
        L(58, 320, 130, 340, "Địa chỉ:"), L(150, 318, 728, 342, "Số 5, P. 11, Q. Bình Thạnh, TP Hồ Chí Minh"),
    ])
    assert found["name"].text == "TRẦN ÁNH KHÁNH TUYẾT"
    assert "name" not in extract([L(58, 320, 130, 340, "Địa chỉ:"), L(150, 250, 500, 270, "Số loại: CAMRY 2.4G")])


def test_the_dated_line_survives_a_misread_day_word() -> None:
    found = extract([L(580, 462, 1010, 488, "Hà Nội, TVày 15 tháng 05 năm 2010 H")])
    assert found["last_issue_date"].text.startswith("Hà Nội")
    _, when = dated_line(found["last_issue_date"].text)  # type: ignore[misc]
    assert when.text == "15/05/2010"


def test_a_plate_read_with_an_edge_speck_stuck_to_it_is_still_the_plate() -> None:
    for text in ("51F9-6352I", "L43D5-0023", "94S6-707.44I"):
        found = extract([L(751, 235, 884, 253, "Biển số đăng ký"), L(682, 270, 1010, 305, text)])
        assert found["plate"].text == text.strip("IL"), text
    # a trailing digit is part of a five-digit plate, not a speck
    found = extract([L(751, 235, 884, 253, "Biển số đăng ký"), L(682, 270, 1010, 305, "51F9-63521")])
    assert found["plate"].text == "51F9-63521"


def test_a_label_cut_short_by_a_faded_word_still_anchors_its_value() -> None:
    assert match_label("Biển") == ("plate", 80.0) and match_label("Dung")[0] == "capacity"  # type: ignore[index]
    assert match_label("Đăng ký") is None  # first registration or expiry: ambiguous
    assert match_label("Địa") is None and match_label("Số") == ("id", 100.0)
    found = extract([
        L(49, 357, 130, 374, "Tải trọng:"),
        L(49, 396, 87, 411, "Biển"), L(130, 397, 315, 417, "16D1-827.75"),
    ])
    assert "pay_load" not in found and found["plate"].text == "16D1-827.75"


def test_in_a_bilingual_grid_the_value_is_under_its_label_not_the_next_columns_label() -> None:
    found = extract([
        L(364, 191, 493, 203, "Số loại (Mod:l coder)"), L(678, 192, 760, 224, "Ôố non"),
        L(367, 207, 520, 225, "ACCENT 1.4 AT"),
        L(364, 254, 493, 267, "Dung tích (Capacity)"), L(678, 254, 751, 265, "Số chủ ngcs"),
        L(370, 271, 467, 288, "1.368 cm3"),
    ])
    assert found["model"].text == "ACCENT 1.4 AT" and found["capacity"].text == "1.368 cm3"
    # a glossed label with its value close beside it keeps that value
    found = extract([L(52, 100, 200, 116, "Số máy (Engine No)"), L(215, 98, 400, 118, "JC52E-1234567")])
    assert found["engine"].text == "JC52E-1234567"


def test_the_issuing_unit_is_the_header_line_most_like_a_known_unit_not_an_edge_read_as_letters() -> None:
    found = extract([
        L(14, 14, 274, 26, "u-uuu"),  # the card's edge, the rectification a little off
        L(531, 31, 889, 51, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        L(78, 44, 332, 63, "CÔNG AN HUYỆN THANH TRÌ"),
        L(114, 121, 821, 151, "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY"),
    ])
    assert found["authority"].text == "CÔNG AN HUYỆN THANH TRÌ"


def test_a_misread_or_lost_registration_place_on_the_back_comes_from_the_owners_province() -> None:
    address = Raw("Xóm 4, X. Yên Thường, H. Hậu Lộc, Thanh Hóa", 0.95, ())
    misread = side_result(SideType.BACK, {"address": address,
                                          "last_issue_date": Raw("Tran BGa, ngày 12 tháng 03 năm 2019", 0.9, ())})
    assert misread.info["issued_at"].text == "Thanh Hóa"
    assert misread.info["last_issue_date"].text == "12/03/2019"
    # another province read clearly stays as read
    other = side_result(SideType.BACK, {"address": address,
                                        "last_issue_date": Raw("Hà Nội, ngày 12 tháng 03 năm 2019", 0.9, ())})
    assert other.info["issued_at"].text == "Hà Nội"
    # the dated line lost: the owner's province, with a confidence that says it was not read
    lost = side_result(SideType.BACK, {"address": address})
    assert lost.info["issued_at"].text == "Thanh Hóa"
    assert (lost.info["issued_at"].confidence or 0) <= INVALID
    assert "issued_at" not in side_result(SideType.BACK, {"address": Raw("Xóm 4, X. Yên Thường", 0.95, ())}).info
    # the place read as a speck under the stamp, the date clear: as if lost
    speck = side_result(SideType.BACK, {"address": address,
                                        "last_issue_date": Raw("H, ngày 12 tháng 03 năm 2019", 0.9, ())})
    assert speck.info["issued_at"].text == "Thanh Hóa" and (speck.info["issued_at"].confidence or 0) <= INVALID
    assert speck.info["last_issue_date"].text == "12/03/2019"
    # the end of the province read closely, its start under the stamp
    part = side_result(SideType.BACK, {"address": Raw("Xóm 10, X. Tân Lập, H. Yên Lạc, Vĩnh Phúc", 0.95, ()),
                                       "last_issue_date": Raw("húc, ngày 12 tháng 03 năm 2019", 0.9, ())})
    assert part.info["issued_at"].text == "Vĩnh Phúc"


def test_a_misread_or_lost_registration_place_comes_first_from_the_plates_code() -> None:
    """A vehicle is registered where its plate's code says (43: Đà Nẵng), whatever the owner's address."""
    plate = Raw("43A-123.45", 0.9, ())
    address = Raw("Xóm 4, X. Yên Thường, H. Hậu Lộc, Thanh Hóa", 0.95, ())
    misread = side_result(SideType.BACK, {"plate": plate, "address": address,
                                          "last_issue_date": Raw("nà Ang, ngày 27 tháng 07 năm 2020", 0.9, ())})
    assert misread.info["issued_at"].text == "Đà Nẵng"
    lost = side_result(SideType.BACK, {"plate": plate, "address": address})
    assert lost.info["issued_at"].text == "Đà Nẵng" and (lost.info["issued_at"].confidence or 0) <= INVALID
    # a place read as no place at all: inferred too, not kept as read
    kam = Raw("Kam, ngày 27 tháng 07 năm 2020", 0.9)
    nowhere = side_result(SideType.BACK, {"plate": plate, "last_issue_date": kam})
    assert nowhere.info["issued_at"].text == "Đà Nẵng" and (nowhere.info["issued_at"].confidence or 0) <= INVALID
    # a plate that is no plate says nothing: the owner's province, as before
    bad_plate = side_result(SideType.BACK, {"plate": Raw("4", 0.9, ()), "address": address})
    assert bad_plate.info["issued_at"].text == "Thanh Hóa"


def test_a_speck_read_as_one_before_a_value_is_not_part_of_it() -> None:
    found = extract([
        L(57, 254, 114, 272, "Số máy:"), L(130, 255, 291, 273, "1 F10A748375"),
        L(57, 400, 177, 416, "Biển số đăng ký:"), L(200, 394, 353, 415, "132P3-0704"),
    ])
    assert found["engine"].text == "F10A748375" and found["plate"].text == "32P3-0704"
    assert side_result(SideType.BACK, {"color": Raw("1 Đỏ", 0.9, ())}).info["color"].text == "Đỏ"


def test_a_known_brand_on_a_line_of_its_own_is_the_brand_when_its_label_is_misread() -> None:
    found = extract([L(49, 193, 94, 202, "Nhúãn h"), L(60, 215, 147, 233, "VINFAST"), L(374, 214, 419, 232, "VF 6")])
    assert found["brand"].text == "VINFAST"
    # the gloss read after a label's colon is no value either
    glossed = classify([L(50, 40, 280, 55, "Tên chủ xe: lOwner's full nane)")])
    assert glossed.labels[0][1] == "name" and not glossed.values
    # a word that is no brand's name stays out of it
    assert "brand" not in extract([L(49, 193, 94, 202, "Nhúãn h"), L(60, 215, 147, 233, "VIỆT NAM")])


def test_a_letter_split_off_its_word_is_joined_back() -> None:
    label = L(57, 43, 118, 59, "Chủ xe:")
    parts = [L(140, 48, 150, 61, "N"), L(153, 42, 307, 61, "GUYỄN BÁ LÂM")]
    assert joined(parts) == "NGUYỄN BÁ LÂM"
    assert extract([label, *parts])["name"].text == "NGUYỄN BÁ LÂM"
    # a word apart, or a speck of a digit after the last letter, stays apart
    assert joined([L(140, 48, 190, 61, "LÊ"), L(200, 48, 290, 61, "VĂN")]) == "LÊ VĂN"
    assert joined([L(140, 48, 290, 61, "NGỌC LỆ"), L(292, 50, 297, 61, "2")]) == "NGỌC LỆ 2"


def test_the_rest_of_a_value_row_under_its_label_is_kept_past_a_gap() -> None:
    # the address under a bilingual label, split by the detector at a faint comma two heights wide
    label = L(40, 345, 170, 357, "Địa chỉ (Address)")
    first, rest = L(55, 371, 208, 391, "Xóm Cầu Gỗ,"), L(250, 372, 843, 397, "Xã Phật Tích, Huyện Tiên Du")
    assert extract([label, first, rest])["address"].text == "Xóm Cầu Gỗ, Xã Phật Tích, Huyện Tiên Du"
    # the next column's value on the same row stays the next column's
    brand, model = L(40, 190, 180, 203, "Nhãn hiệu (Brand)"), L(363, 190, 497, 206, "Số loại (Model code)")
    found = extract([brand, model, L(50, 218, 120, 232, "TOYOTA"), L(366, 220, 518, 234, "INNOVA G")])
    assert found["brand"].text == "TOYOTA" and found["model"].text == "INNOVA G"


def test_an_address_row_split_into_overlapping_pieces_keeps_every_piece() -> None:
    # a faint thin face: the detector split both rows where a letter broke apart (903/34), the
    # second piece starting inside the first's box, the wrapped row in three pieces
    label = L(53, 327, 106, 340, "Địa chỉ")
    rows = [L(61, 347, 200, 364, "Số 23 đườ"), L(196, 348, 567, 368, "ng Lê Thánh Tông, P. Đông"),
            L(61, 387, 203, 405, "Thành, TX."), L(232, 387, 259, 406, "Ng"), L(262, 387, 507, 406, "hi Sơn, Thanh Hóa")]
    want = "Số 23 đường Lê Thánh Tông, P. Đông Thành, TX. Nghi Sơn, Thanh Hóa"
    assert extract([label, *rows])["address"].text == want


def test_an_address_beside_its_label_keeps_the_rest_of_its_row_past_where_a_value_may_start() -> None:
    # the row split at a faint gap, its second piece 500 px right of the label (907/8)
    lines = [L(56, 139, 123, 160, "Địa chỉ:"), L(144, 133, 602, 154, "54C Ngô Quyền, Phường Hoàng Văn Thụ,"),
             L(624, 133, 920, 162, "Thành phố Bến Cát, Bình"), L(64, 175, 127, 192, "Dương")]
    assert extract(lines)["address"].text == "54C Ngô Quyền, Phường Hoàng Văn Thụ, Thành phố Bến Cát, Bình Dương"
    # a piece past a wide gap is another column's
    far = [L(56, 139, 123, 160, "Địa chỉ:"), L(144, 133, 402, 154, "Thôn 3, Xã An Bình"),
           L(700, 133, 800, 154, "HONDA")]
    assert extract(far)["address"].text == "Thôn 3, Xã An Bình"


def test_a_piece_of_a_row_inside_the_line_before_it_is_not_read_twice() -> None:
    # the detector boxed the name's first word again a few pixels lower (6262/40)
    label = L(39, 31, 294, 54, "Tên chủ xe (Owner's full name)")
    rows = [L(39, 54, 280, 75, "NGUYỄN TUẤN HOÀNG"), L(39, 60, 137, 82, "NGUYỄN")]
    assert joined(rows) == "NGUYỄN TUẤN HOÀNG"
    assert extract([label, *rows])["name"].text == "NGUYỄN TUẤN HOÀNG"
    # a wrapped row starts inside the row above's extent, but on a row of its own
    assert joined([L(61, 347, 567, 368, "Số 23 đường Lê Thánh Tông, P. Đông"), L(61, 387, 203, 405, "Thành")]) \
        == "Số 23 đường Lê Thánh Tông, P. Đông Thành"


def test_a_letter_read_twice_through_touching_crops_is_kept_once() -> None:
    # each crop takes a margin past its box: the letter at the seam is read by both
    assert joined([L(142, 76, 292, 92, "Thôn 16, Xã P"), L(286, 71, 788, 93, "Phước Thạnh, Huyện Cam Lâm")]) \
        == "Thôn 16, Xã Phước Thạnh, Huyện Cam Lâm"
    assert joined([L(399, 241, 475, 264, "NGUYỄn"), L(478, 243, 667, 264, "N THANH KIÊN")]) == "NGUYỄN THANH KIÊN"
    # up to three letters read by both, marks aside (906/0)
    assert joined([L(100, 40, 160, 60, "TRAN"), L(161, 40, 300, 60, "RẦN MAI DIỄM")]) == "TRẦN MAI DIỄM"
    # a code split in two keeps a doubled letter (no word in it), and parts a word apart keep theirs
    assert joined([L(100, 40, 160, 55, "RLHH"), L(161, 40, 300, 55, "HC1219Y")]) == "RLHHHC1219Y"
    assert joined([L(140, 48, 190, 61, "XUÂN"), L(200, 48, 290, 61, "NAM HÀ")]) == "XUÂN NAM HÀ"


def test_model_next_to_the_brand_when_its_label_is_unreadable() -> None:
    lines = [L(49, 191, 159, 203, "Nhãn hiệu (Brand)"), L(364, 192, 494, 202, "Sối loạli c(Munủl nạdo)"),
             L(678, 192, 720, 202, "Loại xe"),
             L(51, 216, 128, 231, "YAMAHA"), L(368, 217, 483, 233, "SIRIUS FI"), L(682, 218, 758, 236, "Xe máy")]
    found = extract(lines)
    assert found["brand"].text == "YAMAHA" and found["model"].text == "SIRIUS FI"
    # a labelled value between the brand and the next value: that value is not taken for the model
    lines = [L(49, 191, 159, 203, "Nhãn hiệu:"), L(170, 191, 260, 203, "HONDA"),
             L(300, 191, 380, 203, "Màu sơn:"), L(390, 191, 470, 203, "Đỏ")]
    assert "model" not in extract(lines)


def test_a_colour_whose_label_is_lost_is_the_line_of_colour_words_only() -> None:
    """"Màu sơn" printed too faint to read ("M1"): the line "Trắnq - Đen" is still the colour,
    put right word by word; a line with another word in it, or a speck, is not."""
    found = extract([
        L(58, 142, 253, 162, "Nhãn hiệu: HONDA"), L(58, 220, 72, 230, "M1"),
        L(157, 212, 282, 235, "Trắnq - Đen"), L(158, 247, 329, 265, "HC12E-0614867"),
    ])
    assert found["color"].text == "Trắng - Đen"
    assert "color" not in extract([L(58, 142, 253, 162, "Nhãn hiệu: HONDA"), L(157, 212, 282, 235, "Trắng xe Đen"),
                                   L(160, 300, 180, 312, "Be")])


def test_a_dated_line_read_in_part_takes_the_first_registration_date_it_agrees_with() -> None:
    raw = {"last_issue_date": Raw("Tanh(ệ 2y16 tháng 04 năm 200:", 0.8), "first_issue_date": Raw("16/04/2005", 0.95)}
    info = side_result(SideType.BACK, raw).info
    assert info["last_issue_date"].text == "16/04/2005"
    assert info["last_issue_date"].confidence is not None and info["last_issue_date"].confidence <= 0.5
    other = side_result(SideType.BACK, {**raw, "first_issue_date": Raw("16/05/2005", 0.95)}).info
    assert "last_issue_date" not in other or other["last_issue_date"].text != "16/05/2005"


def test_an_address_end_read_badly_is_spelt_as_the_province_of_the_side_s_plate() -> None:
    read = "Số 2, Ấp Phú Long, X. Tiến Thắng, H. Bình Đại, Bắn Tra"
    raw = {"plate": Raw("71B2-345.67", 0.95), "address": Raw(read, 0.7)}
    for side in (SideType.FRONT, SideType.BACK):
        assert side_result(side, raw).info["address"].text.endswith("H. Bình Đại, Bến Tre")
    unplated = side_result(SideType.FRONT, {"address": raw["address"]}).info["address"].text
    assert unplated.endswith("Bắn Tra")


def test_a_card_date_before_the_first_registration_in_its_month_is_the_first_registration_s() -> None:
    raw = {"last_issue_date": Raw("Hà Nội, ngày 03 tháng 06 năm 2014", 0.9),  # a day misread: 20 -> 03
           "first_issue_date": Raw("20/06/2014", 0.95)}
    side = side_result(SideType.BACK, raw)
    assert side.text("last_issue_date") == "20/06/2014"
    assert (side.info["last_issue_date"].confidence or 1.0) <= 0.9 * 0.5
    assert side.info["first_issue_date"].confidence == 0.95


def test_a_piece_of_the_dated_line_with_a_word_misread_still_anchors_its_second_reading() -> None:
    from edge.document.pipeline import _dated_words

    assert _dated_words("Hà Nội, ngày 05 tháng 06 năm 2020") == 3
    assert _dated_words("2ội, này 29 :") == 1  # "ngày" lost its g under the stamp
    assert _dated_words("thág 05 nă") == 1
    for other in ("TRƯỞNG PHÒNG", "CÁN BỘ ĐĂNG KÝ", "Trung tá Trần Thị Sơn", "Đại tá Đặng Đức Tuấn"):
        assert _dated_words(other) == 0, other
