"""A company owner's legal form and trades put right phrase by phrase (misreads seen on tuning photos)."""

from __future__ import annotations

import pytest

from edge.document.companies import company_phrases, is_company, respell_company
from edge.document.fields import Line, Raw
from edge.document.validate import side_result
from edge.schema import SideType


@pytest.mark.parametrize(("read", "fixed"), [
    # marks misread into other words (THỤC is a given name, so the name list passes it)
    ("CÔNG TY TNHH MỘT THÀNH VIÊN THIẾT BỊ Y TÊ VÀ THỤC PHẤM ĐẠI NAM",
     "CÔNG TY TNHH MỘT THÀNH VIÊN THIẾT BỊ Y TẾ VÀ THỰC PHẨM ĐẠI NAM"),
    # a letter off a long phrase, a word split at a gap, a comma's speck
    ("CÔNG TY TNHH MTV LOGTSTICS NGUYỄN GIA", "CÔNG TY TNHH MTV LOGISTICS NGUYỄN GIA"),
    ("CÔNG TY TNHH MTV XUẢ T NHẬP KHẨU SAO MAI", "CÔNG TY TNHH MTV XUẤT NHẬP KHẨU SAO MAI"),
    ("CÔNG TY TNHH MỘT THÀNH VIÊN THƠNG MẠI DỊCH. VỤ HOÀNG PHÁT",
     "CÔNG TY TNHH MỘT THÀNH VIÊN THƯƠNG MẠI DỊCH VỤ HOÀNG PHÁT"),
    # the form itself, and its first word lost at the line's start
    ("CÔNG TẾ CP VÂN TẢI HOÀNG PHÁT", "CÔNG TY CP VẬN TẢI HOÀNG PHÁT"),
    ("TY TNHH MTV LOGISTICS NGUYỄN GIA", "CÔNG TY TNHH MTV LOGISTICS NGUYỄN GIA"),
    # a short form a letter off, read as no Vietnamese word
    ("CÔNG TY TNHM MỘT THÀNH VIÊN DU LỊCH QUỲNH ANH", "CÔNG TY TNHH MỘT THÀNH VIÊN DU LỊCH QUỲNH ANH"),
    ("CÔNG TY TNHH MTY VẬN TẢI SAO MAI", "CÔNG TY TNHH MTV VẬN TẢI SAO MAI"),
    # a phrase of two words with one a letter off in place (not "TV" made "MTV": a letter short)
    ("CÔNG TY CỔ PHẦN ĐẦU TV PHÁT TRIỂN VÀ NÔNG SẢN LỘC PHÁT",
     "CÔNG TY CỔ PHẦN ĐẦU TƯ PHÁT TRIỂN VÀ NÔNG SẢN LỘC PHÁT"),
])
def test_a_company_s_form_and_trades_are_put_right(read: str, fixed: str) -> None:
    assert respell_company(read) == fixed


@pytest.mark.parametrize("name", [
    "CÔNG TY CP DỊOHI VỤ VẬN TẢI HOÀNG PHÁT",  # VẬN TẢI read whole: "VỤ VẬN" is no "TƯ VẤN" a word off
    "NGUYỄN VĂN THỤC",  # a person: no legal form, nothing changed
    "TRẦN THỊ VÂN",
    "CÔNG TY TNHH DUY LINH",  # the company's own name, a letter off "DU LỊCH": its own
    "CÔNG TY CP THÀNH CÔNG",
    "HỢP TÁC XÃ VẬN TẢI HOA SEN",
])
def test_people_and_a_company_s_own_name_are_left_as_read(name: str) -> None:
    assert respell_company(name) == name


def test_forms_are_recognised_and_phrases_come_longest_first() -> None:
    assert is_company("DOANH NGHIỆP TƯ NHÂN THỰC PHẨM VIỆT Á") and not is_company("LÊ CÔNG PHONG")
    phrases = company_phrases()
    assert phrases.index("TỔNG CÔNG TY") < phrases.index("CÔNG TY")
    assert all(p == p.upper() for p in phrases)


def test_a_digit_misread_in_a_trade_no_longer_flags_the_owner() -> None:
    read = "CÔNG TY TNHH MỘT THÀNH VIÊN TH1ẾT BỊ Y TẾ ĐẠI NAM"
    line = Line((60, 236, 700, 261), read, 0.9)
    result = side_result(SideType.FRONT, {"name": Raw(read, 0.9, (line,))})
    assert result.text("name") == "CÔNG TY TNHH MỘT THÀNH VIÊN THIẾT BỊ Y TẾ ĐẠI NAM"
    assert (result.info["name"].confidence or 0.0) > 0.5  # not flagged as a name with a digit
