"""Words read as no Vietnamese syllable are re-marked from the recogniser's own probabilities;
mixed case is put right."""

from __future__ import annotations

import pytest

from edge.ocr.casing import consistent_case
from edge.ocr.charset import charset
from edge.ocr.dates import correct_dates
from edge.ocr.syllables import Letter, correct_words, is_syllable
from tests.ocr.frames import frames as _frames


@pytest.mark.parametrize("word", ["TRƯỞNG", "Phường", "Quốc", "QUỲNH", "quýt", "gìn", "giêng", "khuya",
                                  "nguệch", "thuở", "Hưng", "Sơn", "yếm", "Ba"])
def test_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["TRUỞNG", "Phuờng", "Quôc", "Quồc", "HONDA", "Model", "hòả", "Bă", "Lắk"])
def test_not_syllables(word: str) -> None:
    assert not is_syllable(word)


def _text(letters: list[Letter]) -> str:
    return "".join(letter.char for letter in letters)


def test_horn_on_u_before_horned_o() -> None:
    letters, probs = _frames("PHÓ TRUỞNG PHÒNG")
    assert _text(correct_words(letters, probs, charset())) == "PHÓ TRƯỞNG PHÒNG"


def test_missing_tone_on_a_stop_from_the_runner_up() -> None:
    text = "H. Quôc Oai"
    letters, probs = _frames(text, {text.index("ô"): ("ố", 0.3)})
    fixed = correct_words(letters, probs, charset())
    assert _text(fixed) == "H. Quốc Oai"
    assert min(letter.prob for letter in fixed) == pytest.approx(0.3)  # the confidence says so


def test_a_sure_read_is_not_forced_into_a_syllable() -> None:
    text = "Ia Bă"
    letters, probs = _frames(text, {text.index("ă"): ("a", 0.001)})
    assert _text(correct_words(letters, probs, charset())) == text


@pytest.mark.parametrize(("read", "twice", "fixed"), [
    ("Phường Thạanh Bình", "a", "Phường Thạnh Bình"),
    ("TháGi Nguyên", "G", "Thái Nguyên"),
    # a word that loses a letter shortens the line: the words after it keep theirs
    ("thiôn Vân Trình, Xã Quảng Thành", "i", "thôn Vân Trình, Xã Quảng Thành"),
])
def test_a_letter_read_twice_is_dropped_where_its_frame_holds_the_blank(read: str, twice: str, fixed: str) -> None:
    letters, probs = _frames(read, {read.index(twice, 1): ("", 0.3)})
    assert _text(correct_words(letters, probs, charset())) == fixed


def test_no_letter_dropped_from_a_code_in_plain_capitals_nor_where_a_change_will_do() -> None:
    letters, probs = _frames("EXCITER VVA", {len("EXCITER V"): ("", 0.4)})
    assert _text(correct_words(letters, probs, charset())) == "EXCITER VVA"
    text = "Long Huơng"  # "Hung" (the ơ dropped) would cost less than the horn on the u
    letters, probs = _frames(text, {text.index("u"): ("ư", 0.2), text.index("ơ"): ("", 0.45)})
    assert _text(correct_words(letters, probs, charset())) == "Long Hương"


@pytest.mark.parametrize("text", ["HONDA WAVE", "29A1-123.45", "RLHJC5A1", "Owner's name", "Quôc2", "TP. HCM"])
def test_codes_and_foreign_words_left_alone(text: str) -> None:
    letters, probs = _frames(text)
    assert _text(correct_words(letters, probs, charset())) == text


@pytest.mark.parametrize(("read", "fixed"), [
    ("TRò - RIỆT TRẦN", "TRÒ - RIỆT TRẦN"),  # a line of capitals
    ("Thôn LỘc Thủy, Phường An Xuân", "Thôn Lộc Thủy, Phường An Xuân"),  # title case
    ("RLHJc5308JY280554", "RLHJC5308JY280554"),  # a word alone: its own majority
    ("NGUYỄn VĂN AN", "NGUYỄn VĂN AN"),  # n and N differ: left as read
    ("Vộc - CHOỌNG", "Vộc - CHOỌNG"),  # each word in one case already
    ("CÔNG TY cỔ PHẦN", "CÔNG TY CỔ PHẦN"),  # two letters in a line of capitals
    ("ừỦ", "ừỦ"),  # two letters alone: an abbreviation as often as a word
])
def test_a_word_in_one_case(read: str, fixed: str) -> None:
    letters, _ = _frames(read)
    assert _text(consistent_case(letters)) == fixed


@pytest.mark.parametrize(("read", "runner_up", "fixed"), [
    ("29/00/2010", (4, "9"), "29/09/2010"),
    ("Hà Nội, ngày 30 tháng 02 năm 2006", (13, "1"), "Hà Nội, ngày 10 tháng 02 năm 2006"),
    ("15/08/2010", (0, "7"), "15/08/2010"),  # a calendar date already: kept
    ("o8/01/2004", (0, "0"), "08/01/2004"),  # a digit read as a letter like it
    ("Long An, ngày 1e tháng 05 năm 2015", (15, "6"), "Long An, ngày 16 tháng 05 năm 2015"),  # ... in a dated line
    ("ngày 11 tháng 04 năm 20i0", (23, "1"), "ngày 11 tháng 04 năm 2010"),
    ("n guy 11 cháng 04 năn 20i0", (24, "1"), "n guy 11 cháng 04 năn 2010"),  # "tháng", "năm" misread
])
def test_a_date_read_from_runner_up_digits(read: str, runner_up: tuple[int, str], fixed: str) -> None:
    letters, probs = _frames(read, {runner_up[0]: (runner_up[1], 0.2)})
    assert _text(correct_dates(letters, probs, charset())) == fixed


def test_a_longer_word_may_have_a_letter_re_read_an_abbreviation_only_its_marks() -> None:
    text = "Nguyễn Khỏc"  # a stop with the hook tone is no syllable: the runner-up "e" makes "Khỏe"
    letters, probs = _frames(text, {text.index("c"): ("e", 0.3)})
    assert _text(correct_words(letters, probs, charset())) == "Nguyễn Khỏe"
    text = "Q. 4"  # "Q" is no syllable and "a" would be, but a letter alone is not re-read
    letters, probs = _frames(text, {0: ("a", 0.3)})
    assert _text(correct_words(letters, probs, charset())) == "Q. 4"
