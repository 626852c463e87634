"""Normalisers: canonical forms, look-alike repair where the position fixes the class, validation."""

from __future__ import annotations

import numpy as np
import pytest

from edge.document import normalize as nz
from edge.synth.values import dated_line, random_values


@pytest.mark.parametrize(("raw", "canonical"), [
    ("29-B1 123.45", "29B1-123.45"), ("29B1 12345", "29B1-123.45"), ("29b1-123,45", "29B1-123.45"),
    ("29A-1234", "29A-1234"), ("51G-678.90", "51G-678.90"), ("29-AA 123.45", "29AA-123.45"),
    ("30A12345", "30A-123.45"), ("29B1-1234", "29B1-1234"), ("5lG-678.9O", "51G-678.90"),
    ("JI53Y8-6470", "53Y8-6470"),  # specks read as letters before the province code
])
def test_plates_are_printed_canonically(raw: str, canonical: str) -> None:
    checked = nz.plate(raw)
    assert checked.text == canonical and checked.valid


@pytest.mark.parametrize("raw", ["29I1-123.45", "29O-123.45", "29W-1234", "ABC", "29A-12"])
def test_impossible_plates_are_flagged(raw: str) -> None:
    assert not nz.plate(raw).valid


def test_every_generated_plate_and_date_validates() -> None:
    rng = np.random.default_rng(4)
    for _ in range(300):
        v = random_values(rng)
        assert nz.plate(v.plate) == nz.Checked(v.plate, True)
        assert nz.calendar_date(v.first_issue_date).valid and nz.dates_in_order(v.first_issue_date, v.last_issue_date)
        place, when = nz.dated_line(dated_line(v)) or (None, None)
        assert place is not None and place.text == v.place and when is not None and when.text == v.last_issue_date
        assert nz.vin(v.chassis).valid and nz.engine(v.engine).valid
        assert nz.plate_matches_address(v.plate, v.address) is True


def test_dates() -> None:
    assert nz.calendar_date("1/3/2015").text == "01/03/2015"
    assert not nz.calendar_date("31/02/2015").valid
    assert not nz.calendar_date("12/13/2015").valid
    assert not nz.dates_in_order("02/01/2020", "01/01/2020")


def test_vin_engine_brand_name() -> None:
    assert nz.vin("RLHJC52O7AY123456").text == "RLHJC5207AY123456"
    assert nz.vin("RLHJC5207AY12345").valid  # 16 characters: an older frame number is allowed
    assert not nz.vin("RLHJC5207AY12345!").valid
    assert nz.vin("R1HHC1218BY188215").text == "RLHHC1218BY188215"  # "L" read as "1" in the maker code
    assert not nz.engine("JC5").valid
    # a mark read on a letter of an engine or frame number (none has a Vietnamese letter)
    assert nz.engine("G4LẠDG909503").text == "G4LADG909503" and nz.vin("RLHGM6541FÀ029134").valid
    assert nz.brand("H0NDA")[0].text == "HONDA" and nz.brand("TOYTA")[0].text == "TOYOTA"
    assert not nz.brand("ZXQW")[0].valid
    assert nz.brand("KIA 2")[0].text == "KIA" and nz.brand("1 VINFAST")[0].text == "VINFAST"  # specks beside it
    assert not nz.brand("2 5")[0].valid
    assert nz.name("NGUYỄN  VĂN AN").text == "NGUYỄN VĂN AN" and not nz.name("NGUYEN 123").valid
    assert nz.name("1 VŨ QUANG SƠN .").text == "VŨ QUANG SƠN"  # specks either side
    assert nz.name("IVŨ HẢI NGA").text == "VŨ HẢI NGA" and nz.name("TLÊ MAI PHƯƠNG").text == "LÊ MAI PHƯƠNG"
    assert nz.name("L CÔNG TY TNHH AN PHÁT").text == "CÔNG TY TNHH AN PHÁT"  # a speck before a company
    assert nz.name("KHA VĂN AN").text == "KHA VĂN AN" and nz.name("Y MOAN ÊBAN").text == "Y MOAN ÊBAN"
    assert nz.name("NGUyỄN VĂN AN").text == "NGUYỄN VĂN AN"  # printed in capitals
    assert nz.name("Nguyễn Văn An").text == "Nguyễn Văn An"
    assert nz.name("NGUYÊN HƯƠNG Ỷ").text == "NGUYỄN HƯƠNG Ỷ"  # a common family name's marks
    assert nz.name("TRAN VAN AN").text == "TRẦN VAN AN"
    assert nz.name("CÔNG TY TNHH AN PHÁT").text == "CÔNG TY TNHH AN PHÁT"
    assert nz.name("DOÃN THU THƯ").text == "DOÃN THU THƯ" and nz.name("DOAN THU THƯ").text == "ĐOÀN THU THƯ"


def test_every_printed_owner_name_is_left_as_it_is() -> None:
    from edge.synth.places import random_company_name, random_person_name

    rng = np.random.default_rng(3)
    for _ in range(3000):
        printed = (random_person_name(rng) if rng.random() < 0.7 else random_company_name(rng)).upper()
        assert nz.name(printed).text == printed


def test_plate_province_against_address() -> None:
    assert nz.plate_matches_address("29A1-123.45", "Số 12 ngõ 45 Nguyễn Trãi, Q. Thanh Xuân, Hà Nội") is True
    assert nz.plate_matches_address("51G-678.90", "X. Yên Phong, H. Yên Phong, Bắc Ninh") is False
    assert nz.plate_matches_address("00A-123.45", "Hà Nội") is None


def test_address_ends_are_corrected_to_known_provinces_districts_and_wards() -> None:
    from edge.document.normalize import address

    fixed, known = address("Ngõ 68 Trưng N Vượng, P. Hăng Mă, Q. Hoàn Kiện, TR. Hà Nội")
    assert fixed.text == "Ngõ 68 Trưng Nữ Vương, P. Hàng Mã, Q. Hoàn Kiếm, TP. Hà Nội" and known == 3  # the street too
    fixed, known = address("Tổ 6, Khối 3, P. Vĩnh Trung, Q. Thanh Khê, Đà C Năng")
    assert fixed.text.endswith("Q. Thanh Khê, Đà Nẵng") and known >= 2
    untouched = "Số 5 đường Lê Lợi, Khu X, Nơi Không Có"  # no province at the end: left as read
    assert address(untouched) == (type(fixed)(untouched, True), 0)


@pytest.mark.parametrize(("raw", "place", "when", "valid"), [
    ("Hà Nội, ngày 05 tháng 06 năm 2020", "Hà Nội", "05/06/2020", True),
    ("Bắc Ninh: ngáày 28 tháng 07 năm 2022", "Bắc Ninh", "28/07/2022", True),  # a letter too many, a colon
    ("Thái Nguyên, ngay 5 thang 5 nam 2O10", "Thái Nguyên", "05/05/2010", True),  # "Nguy..." is not "ngày"
    ("Tây Ninh, ngày n tháng 03 năm 2022", "Tây Ninh", "n/03/2022", False),  # the day lost under the stamp
    ("19 tháng 10 năm 2016", "", "19/10/2016", True),  # the place and "ngày" lost: the day in digits
    ("Hà Nội, 19 tháng 10 năm 2016", "Hà Nội", "19/10/2016", True),
    ("gày 19 tháng 10 năm 2016", "", "19/10/2016", True),  # what is left of "ngày" is no place
    ("Hà Tây, 19 tháng 10 năm 2016", "Hà Tây", "19/10/2016", True),  # ... but a place before a comma is
    ("Lạng Sơn, nhày 21 thăng 02 năn 2025", "Lạng Sơn", "21/02/2025", True),  # "năm" read "năn" under the stamp
    ("Lạng Sơn, ngày 21 tháng 02 nm 2025", "Lạng Sơn", "21/02/2025", True),  # ... or its vowel lost
])
def test_dated_line_survives_misread_letters_and_keeps_the_place(raw: str, place: str, when: str,
                                                                 valid: bool) -> None:
    parsed = nz.dated_line(raw)
    assert parsed is not None
    assert parsed[0].text == place and parsed[1].text == when and parsed[1].valid is valid
    assert nz.dated_line("Đăng ký lần đầu ngày: 15/09/2019") is None


def test_a_capital_misread_inside_an_address_word_is_lowered() -> None:
    fixed = nz.address("Thôn 24, Phường Tân LậP, Thị xã Cửa Lò, Tỉnh Nghệ An")[0].text
    assert fixed.startswith("Thôn 24, Phường Tân Lập")
    assert nz.address("Xóm 8, Thị trấn VIệt Yên, PHường 5, Bắc Giang")[0].text.startswith(
        "Xóm 8, Thị trấn Việt Yên, Phường 5")  # a second capital before small letters
    kept = "Lô H25, KCN Hóc Môn, 1/16A Nguyễn Khuyến, TP Hồ Chí Minh"
    assert nz.address(kept)[0].text == kept


def test_address_keywords_misread_in_a_mark_are_spelt_as_printed_but_street_names_are_not() -> None:
    from edge.document.normalize import address

    assert address("Tố 15, Ẩp Mỹ Hưng, X. Tam Hưng, H. Vĩnh Lợi, Bạc Liêu")[0].text.startswith("Tổ 15, Ấp Mỹ Hưng")
    assert address("Sỗ nhà 73, ngõ 35, đường Công Hòa, Hải Phòng")[0].text.startswith("Số nhà 73, ngõ 35, đường")
    assert address("72 Dường số 1, P. An Thới")[0].text == "72 Đường số 1, P. An Thới"
    assert address("Tổ đần phố 1, Thị trân Cái Nước")[0].text == "Tổ dân phố 1, Thị trấn Cái Nước"
    # the surnames streets are named after keep their spelling: only a number makes "Tô" a "Tổ"
    assert address("Tô Hiến Thành, Ngô Quyền, Phương Mai")[0].text == "Tô Hiến Thành, Ngô Quyền, Phương Mai"
    assert address("Ngõ 5 Tô Hiến Thành, Quốc lộ 13")[0].text == "Ngõ 5 Tô Hiến Thành, Quốc lộ 13"


def test_a_ward_the_district_does_not_list_and_a_street_are_spelt_as_known_by_their_letters() -> None:
    # a commune not among its district's listed wards, with a mark misread: every known ward spells it
    assert nz.address("Thôn 17, Xã Nghí Phú, Huyện Yên Khánh, Ninh Bình")[0].text == (
        "Thôn 17, Xã Nghi Phú, Huyện Yên Khánh, Ninh Bình")
    # a street name ending the first part, a mark or a case misread; an address opens with a capital
    assert nz.address("số 15D phố Nguyễn Đình Chiếu, P. An Biên, Q. Lê Chân, Hải Phòng")[0].text == (
        "Số 15D phố Nguyễn Đình Chiểu, P. An Biên, Q. Lê Chân, Hải Phòng")
    assert nz.address("Số 3 đường No Trang long, X. Xuân Phú, H. Nga Sơn, Thanh Hóa")[0].text.startswith(
        "Số 3 đường Nơ Trang Long, ")
    # not touched: a numbered ward, an industrial park named for its district, letters that spell no known name
    for kept in ("Số 4 Lê Lợi, Phường 1, Quận 5, TP Hồ Chí Minh",
                 "Lô H28, KCN Phù Mỹ, X. Quảng Thành, H. Phù Mỹ, Bình Định",
                 "Số 9 Nguyễn Văn Kép, X. Lâm Thao, H. Lương Tài, Bắc Ninh"):
        assert nz.address(kept)[0].text == kept


def test_a_comma_lost_before_a_ward_district_or_province_is_put_back_but_not_in_a_street_name() -> None:
    assert nz.address("Thôn 25 Xã Hòa Lợi, Huyện Vũ Thư, Tỉnh Thái Bình")[0].text == (
        "Thôn 25, Xã Hòa Lợi, Huyện Vũ Thư, Tỉnh Thái Bình")
    assert nz.address("Số 32 đường Yết Kiêu, P. Quan Hoa, Q. Cầu Giấy. TP. Hà Nội")[0].text == (
        "Số 32 đường Yết Kiêu, P. Quan Hoa, Q. Cầu Giấy, TP. Hà Nội")  # a comma read as a full stop
    assert nz.address("Số 60, Ấp Tân Thành, Xã Thạnh Phú Đông, Huyện Mồ Cày Nam Bến Tre")[0].text == (
        "Số 60, Ấp Tân Thành, Xã Thạnh Phú Đông, Huyện Mỏ Cày Nam, Bến Tre")  # ... and before the province
    for street in ("Số 35 đường Xã Đàn, Phường Minh Khai, Thành phố Chí Linh, Hải Dương",
                   "5/244 Xã Đàn, Phường Phú Sơn, Thành phố Sa Đéc, Đồng Tháp"):
        assert nz.address(street)[0].text == street


def test_every_printed_address_is_left_as_it_is() -> None:
    """What the corrections put right must never move a correct read: 3,000 addresses as printed."""
    from edge.synth.places import provinces, random_address

    rng = np.random.default_rng(7)
    every = provinces()
    for _ in range(3000):
        province = every[int(rng.integers(len(every)))]
        printed, _district = random_address(rng, province, company=bool(rng.random() < 0.2))
        assert nz.address(printed)[0].text == printed
        other = every[int(rng.integers(len(every)))]  # the plate's province, the owner's or another
        assert nz.address(printed, home=province.name)[0].text == printed
        assert nz.address(printed, home=other.name)[0].text == printed


def test_the_address_label_misread_into_the_value_is_dropped_but_a_place_is_kept() -> None:
    assert nz.address("Địu chi Kiệt 35/26 Bà Triệu, P. Phước Long")[0].text == "Kiệt 35/26 Bà Triệu, P. Phước Long"
    assert nz.address("Bịa chỉ: Số 8 Ấp Thới Hòa, Tây Ninh")[0].text == "Số 8 Ấp Thới Hòa, Tây Ninh"
    assert nz.address("Địa nh 108/92 Đường số 5, P. 11")[0].text == "108/92 Đường số 5, P. 11"
    assert nz.address("Địa d: Xóm 11, X. Đa Tốn, H. Gia Lâm")[0].text == "Xóm 11, X. Đa Tốn, H. Gia Lâm"
    assert nz.address("ĐH nhi Xóm Xuân Ổ, P. Trần Hưng Đạo")[0].text == "Xóm Xuân Ổ, P. Trần Hưng Đạo"
    assert nz.address("Căn hộ 305, Lô E6, P. 3")[0].text == "Căn hộ 305, Lô E6, P. 3"  # no label: kept
    # not followed by how an address opens: a place's name, kept
    assert nz.address("Đình Chu, Xã Tân Lập, Vĩnh Phúc")[0].text.startswith("Đình Chu, ")
    assert nz.address("Đa Chi Lăng, Hà Nội")[0].text.startswith("Đa Chi Lăng")
    # the label's two words read as one
    assert nz.address("Địacti: Số 159 đường Khương Đình, P. Khương Mai")[0].text.startswith("Số 159 đường")


def test_a_ward_a_letter_off_exactly_one_known_ward_or_commune_is_that_one() -> None:
    # "Đức Hợp" is in no list of Lạng Giang's: known as a commune elsewhere, read "Đún Họp" (902/84)
    assert nz.address("Xóm Ngoại, X. Đún Họp, H. Lạng Giang, Bắc Giang")[0].text == \
        "Xóm Ngoại, X. Đức Hợp, H. Lạng Giang, Bắc Giang"
    # a short name is not guessed at
    assert nz.address("Thôn 3, X. Ba Vỉ, H. Nam Sách, Hải Dương")[0].text.startswith("Thôn 3, X. Ba V")


def test_a_group_s_word_run_into_its_number_or_a_dot_read_for_the_space_is_spaced() -> None:
    assert nz.address("Thôn.5, X. Kim Đồng, H. Tuy Phước, Bình Định")[0].text.startswith("Thôn 5, X. Kim")
    assert nz.address("Số 46 tổ2, Đinh Tiên Hoàng, X. Tản Lĩnh")[0].text.startswith("Số 46 tổ 2, Đinh")
    assert nz.address("Xóm. 3, X. Kim Đồng")[0].text.startswith("Xóm 3, X.")


def test_a_speck_read_before_an_address_s_own_opening_word_is_dropped_but_a_lot_is_kept() -> None:
    assert nz.address("7 Xóm Tiền Phong, TT. Thanh Liêm, H. Thanh Liêm, Hà Nam")[0].text.startswith("Xóm Tiền")
    assert nz.address("Tn 8 Thôn 30, X. Mỹ Hòa, H. Nam Sách, Hải Dương")[0].text.startswith("Thôn 30, X. Mỹ")
    assert nz.address("Lô 7 Thôn 3, X. Mỹ Hòa, H. Nam Sách")[0].text.startswith("Lô 7 Thôn 3")
    assert nz.address("Số 7 Xóm Bến, X. Mỹ Hòa, H. Nam Sách")[0].text.startswith("Số 7 Xóm Bến")
    assert nz.address("12 Tổ 3, X. Mỹ Hòa, H. Nam Sách")[0].text.startswith("12 Tổ 3")  # a house number
    assert nz.address("ILA . Đội 4, Xã Nghi Phú, Huyện Ân Thi")[0].text.startswith("Đội 4, Xã")  # letters: a speck


def test_the_province_of_an_address_as_the_dated_line_names_it() -> None:
    from edge.document.normalize import province_place

    assert province_place("Số 8, Q. Ba Đình, TP. Hà Nội") == "Hà Nội"
    assert province_place("Xóm 4, X. Yên Thường, H. Hậu Lộc, Thanh Hóa") == "Thanh Hóa"
    assert province_place("Số 8, Q. Ba Đình") is None


def test_a_speck_read_as_a_letter_before_a_family_name_is_dropped_but_a_one_letter_given_name_is_not() -> None:
    from edge.document.normalize import name

    assert name("E MAI ĐĂNG NGHĨA").text == "MAI ĐĂNG NGHĨA"
    assert name("NGUYỄN VĂN A").text == "NGUYỄN VĂN A"
    assert name("CÔNG TY TNHH A").text == "CÔNG TY TNHH A"
    # a speck read stuck to the family name, alone or after another speck
    assert name("TPHẠM MINH HUYỀN PHƯỢNG").text == "PHẠM MINH HUYỀN PHƯỢNG"
    assert name("H ỊMAI ĐĂNG NGHĨA").text == "MAI ĐĂNG NGHĨA"
    # a family name of its own (or too short to tell) stays whole
    assert name("KHA VĂN AN").text == "KHA VĂN AN"
    assert name("ĐINH VĂN AN").text == "ĐINH VĂN AN"


def test_a_colour_misread_or_broken_by_a_gap_is_its_colour_word_unless_unknown_or_ambiguous() -> None:
    assert nz.color("Gh i - Đen").text == "Ghi - Đen"
    assert nz.color("Trắnq").text == "Trắng" and nz.color("đỏ").text == "Đỏ"
    assert nz.color("Đỏ đô").text == "Đỏ đô" and nz.color("Trắng ngọc trai").text == "Trắng ngọc trai"
    assert nz.color("Màu lạ").text == "Màu lạ"  # words that are no colour: as read
    assert nz.color("Đạc").text == "Đạc"  # too far from any colour (Bạc?): as read
    assert nz.color("Móng").text == "Hồng"  # one letter of four misread
    assert nz.color("Xanh n- Đỏ").text == "Xanh - Đỏ"  # a speck beside a word is no part of it
    assert nz.color("Bạc trắng vàng hồng").text == "Bạc trắng vàng hồng"  # junk, not a colour: as read


def test_the_dated_lines_place_is_read_past_specks_beside_it() -> None:
    assert nz.place("- Bắn Tre")[0].text == "Bến Tre" and nz.place("Bà Rịa - Vũng Tàu ,")[0].text == "Bà Rịa - Vũng Tàu"
    assert not nz.place("Kam")[0].valid


def test_a_house_number_s_letter_is_a_capital_and_a_name_has_no_colon() -> None:
    assert nz.address("14c Tôn Đức Thắng, P. 2, Q. 5, TP Hồ Chí Minh")[0].text.startswith("14C Tôn Đức Thắng")
    assert nz.address("Số 125b phố Võ Thị Sáu, P. Thanh Nhàn, Q. Hai Bà Trưng, Hà Nội")[0].text.startswith("Số 125B")
    assert nz.address("5/244 Xã Đàn, P. Nam Đồng, Q. Đống Đa, TP. Hà Nội")[0].text.startswith("5/244 Xã Đàn")
    assert nz.name("NGUYỄN CẨM NGUYỆT:").text == "NGUYỄN CẨM NGUYỆT"
    assert nz.name("LÂM NHƯ YẾN: Ỷ").text == "LÂM NHƯ YẾN Ỷ"


def test_a_dated_line_read_in_part_agrees_with_a_date_on_two_parts_and_contradicts_it_on_none() -> None:
    from datetime import date

    assert nz.agrees_in_part("Phu Thơ, ngày (gNng 12 nămn 20o3", date(2003, 12, 12))  # month and year
    assert nz.agrees_in_part("Tanh(ệ 2y16 tháng 04 năm 200:", date(2005, 4, 16))  # day and month
    assert nz.agrees_in_part("Bn Bĩ, ngày 30 tháng 0I năn S00", date(2005, 1, 30))
    assert not nz.agrees_in_part("Hà Nội, ngày 24 tháng 08 năm 20:", date(2010, 7, 31))  # another day
    assert not nz.agrees_in_part("ngày 16 tháng 04 năm 2006", date(2005, 4, 16))  # another year
    assert not nz.agrees_in_part("Tảy Nih, ngày H tăng 01 năm s0n2", date(2021, 1, 11))  # one part only
    assert not nz.agrees_in_part("Chí xịnh, ngày, 1 thaông", date(2004, 9, 21))


def test_an_address_end_read_badly_or_cut_short_is_the_plate_province_it_reads_like() -> None:
    read = "Số 2, Ấp Phú Long, X. Tiến Thắng, H. Bình Đại, Bắn Tra"
    assert nz.address(read, home="Bến Tre")[0].text == "Số 2, Ấp Phú Long, X. Tiến Thắng, H. Bình Đại, Bến Tre"
    assert nz.address(read, home="Hà Nội")[0].text == read  # nothing like the plate's province: as read
    assert nz.address(read)[0].text == read
    cut = "Tổ dân phố 3, X. Minh Đức, H. Mường Ẳng, Điện"  # the line ends under the frame: the district too
    assert nz.address(cut, home="Điện Biên")[0].text == "Tổ dân phố 3, X. Minh Đức, H. Mường Ảng, Điện Biên"
    assert nz.plate_province("27B1-123.45") == "Điện Biên" and nz.plate_province("X") is None


def test_a_date_that_lost_the_slash_between_day_and_month_is_read_whole() -> None:
    assert nz.calendar_date("0903/2019") == nz.Checked("09/03/2019", True)
    assert nz.calendar_date("2204/2015").text == "22/04/2015"
    assert not nz.calendar_date("2019/2020").valid  # no day and month in it


def test_a_syllable_read_with_a_space_after_its_consonants_is_joined_again() -> None:
    assert nz.rejoin_split_words("Xóm C ầu Gỗ, X. Ngh ĩa Trung", lower_after=True) == "Xóm Cầu Gỗ, X. Nghĩa Trung"
    # a capital opens a word of its own in an address: a ward's "P" that lost its full stop stays
    assert nz.rejoin_split_words("P Hàng Mã, TP Hồ Chí Minh, Lô B 4", lower_after=True) == \
        "P Hàng Mã, TP Hồ Chí Minh, Lô B 4"
    assert nz.name("PHẠM C HÍ LUÂN").text == "PHẠM CHÍ LUÂN"
    assert nz.name("CÔNG TY TNHH MTV XUẤT NHẬP KHẨU").text == "CÔNG TY TNHH MTV XUẤT NHẬP KHẨU"  # no syllable joined


def test_a_whole_date_read_with_a_speck_beside_it_is_the_date() -> None:
    assert nz.calendar_date("11/06/2013n.5") == nz.Checked("11/06/2013", True)
    assert nz.calendar_date("1 24/07/2018") == nz.Checked("24/07/2018", True)
    assert not nz.calendar_date("11 06 2013 5").valid  # no whole date among four numbers


def test_an_address_word_printed_in_small_letters_is_spelt_as_printed_whatever_mark_was_read() -> None:
    read = "Số 189 dường Lũy Bán Bích, X. Nghi Phú, H. Sóc Sơn, Hà Nội"
    assert nz.address(read)[0].text == "Số 189 đường Lũy Bán Bích, X. Nghi Phú, H. Sóc Sơn, Hà Nội"
    read = "Số 117 ngõ 10 phỗ Trần Khát Chân, X. Quế Nham, H. Đan Phượng, Hà Nội"
    assert nz.address(read)[0].text == "Số 117 ngõ 10 phố Trần Khát Chân, X. Quế Nham, H. Đan Phượng, Hà Nội"
    # a name in capitals with the same letters is a name: the street Dương Quảng Hàm stays
    read = "Số 12 Đường Dương Quảng Hàm, Phường Quan Hoa, Quận Cầu Giấy, Hà Nội"
    assert nz.address(read)[0].text == read


def test_a_header_read_too_badly_for_any_unit_is_the_plate_province_s_unit_it_is_like() -> None:
    assert not nz.authority("CÔNG N P NÀ SỘN")[0].valid  # like no unit enough among all of them
    unit, score = nz.authority("CÔNG N P NÀ SỘN", home="Hà Nội")
    assert unit.text == "CÔNG AN TP HÀ NỘI" and score < 0.8  # a likeness, carried into its confidence
    assert not nz.authority("XE MÔ TÔ", home="Hà Nội")[0].valid  # no unit's likeness at all


def test_a_colour_of_the_catalogue_read_without_its_dash_or_with_a_wrong_mark_is_that_colour() -> None:
    assert nz.color("Trắng đen").text == "Trắng - Đen"
    assert nz.color("Đô - Đen").text == "Đỏ - Đen"
    assert nz.color("Ghi bạc").text == "Ghi bạc" and nz.color("Xanh dương").text == "Xanh dương"


def test_a_speck_read_as_a_number_inside_a_person_s_name_is_dropped_but_not_in_a_company_s() -> None:
    assert nz.name("TRẦN 1 TRÚC NGÂN").text == "TRẦN TRÚC NGÂN"
    assert nz.name("LÊ PHƯỚC ĐĂNG THỊNH C.13").text == "LÊ PHƯỚC ĐĂNG THỊNH"
    assert not nz.name("LÊ PHƯỚC ĐĂNG THỊNH C.13").valid  # flagged: a low confidence
    assert nz.name("CÔNG TY 36 XÂY DỰNG").text == "CÔNG TY 36 XÂY DỰNG"



def test_an_address_s_lot_or_number_split_by_a_gap_and_commas_read_as_full_stops_are_put_right() -> None:
    assert nz.address("Lô C 16, KCN Bắc Ninh, P. Vệ An, TP. Bắc Ninh, Bắc Ninh")[0].text.startswith("Lô C16, ")
    assert nz.address("Thôn 1 3, Xã Mỹ Hòa, Huyện Hậu Lộc, Thanh Hóa")[0].text.startswith("Thôn 13, ")
    read = "Số 99, Tổ 1. Khu phố 1. Xã Tân Phú Trung, Huyện Dầu Tiếng, Tỉnh Bình Dương"
    assert nz.address(read)[0].text.startswith("Số 99, Tổ 1, Khu phố 1, Xã Tân Phú Trung")
    assert nz.address("Số 6 P. 11, Q. 3, TP Hồ Chí Minh")[0].text.startswith("Số 6 P. 11")  # a ward's P. kept


def test_a_date_in_a_year_to_come_is_no_card_s_date() -> None:
    from datetime import date

    assert not nz.calendar_date("01/01/2031").valid  # "21/11/2017" read under a stamp
    assert nz.calendar_date(f"01/01/{date.today().year}").valid and nz.calendar_date("17/10/2020").valid


def test_a_street_name_read_a_letter_off_exactly_one_known_street_is_that_street() -> None:
    read = "79A Yắt Kiêu, Phường Nam Sơn, Thành phố Bến Tre, Bến Tre"
    assert nz.address(read)[0].text == "79A Yết Kiêu, Phường Nam Sơn, Thành phố Bến Tre, Bến Tre"

