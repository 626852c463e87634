"""An owner's name re-marked from the words names are made of, using the recogniser's probabilities."""

from __future__ import annotations

import json
from importlib import resources

from edge.document.names import name_words, remark_name
from edge.ocr.charset import charset
from edge.ocr.recognizer import LineRead
from tests.ocr.frames import frames


def _read(text: str, second: dict[int, tuple[str, float]] | None = None) -> LineRead:
    """A line read as ``text``, with a runner-up letter at the given places."""
    letters, probs = frames(text, second)
    assert "".join(letter.char for letter in letters) == text
    return LineRead(text, 0.5, tuple(letter.prob for letter in letters), tuple(letters), probs, charset())


def test_a_word_in_no_list_takes_the_runner_up_mark_that_makes_a_name() -> None:
    text = "PHAN VÂN ĐĂNG HẠU"
    read = _read(text, {text.index("Ạ"): ("Ậ", 0.2), text.index("Â"): ("Ă", 0.2)})
    # HẠU is a syllable but no name: HẬU; VÂN is a name itself, so it stays as read
    assert remark_name(text, [read]) == "PHAN VÂN ĐĂNG HẬU"


def test_the_word_is_found_in_the_line_it_was_read_from() -> None:
    line = "Tên chủ xe: NGUYỄN CẨM NGUYẾT"
    read = _read(line, {line.index("Ế"): ("Ệ", 0.1)})
    assert remark_name("NGUYỄN CẨM NGUYẾT", [None, read]) == "NGUYỄN CẨM NGUYỆT"


def test_sure_reads_words_with_digits_and_lines_without_probabilities_stay_as_read() -> None:
    text = "TRẦN VĂN THÌN"  # a rare name, read surely: not made a common one
    assert remark_name(text, [_read(text)]) == text
    text = "NGUYỄN XU5N HẠU"
    assert remark_name(text, [_read(text, {text.index("5"): ("Â", 0.3)})]) == "NGUYỄN XU5N HẠU"
    assert remark_name("PHAN VĂN HẠU", [LineRead("PHAN VĂN HẠU", 0.9, ())]) == "PHAN VĂN HẠU"


def test_every_name_word_the_generator_prints_is_in_the_list() -> None:
    """A name read right is never changed: each of its words is a name word."""
    data = resources.files("edge.synth.data")
    names = json.loads(data.joinpath("names.json").read_text(encoding="utf-8"))
    companies = json.loads(data.joinpath("places.json").read_text(encoding="utf-8"))["companies"]
    words = {w for name, _ in names["family"] for w in name.split()}
    words |= {w for part in ("middle", "given") for group in names[part].values() for n in group for w in n.split()}
    words |= {w for kind in ("forms", "trades", "names") for n in companies[kind] for w in n.split()}
    assert {w.lower() for w in words} <= name_words()


def test_a_word_in_no_list_takes_a_name_word_its_probabilities_hold_even_far_behind() -> None:
    # VIÊT is no name (nor a syllable): Ệ at a thousandth of Ê's probability is still held
    text = "TRẦN TIẾN VIÊT HẬU"
    read = _read(text, {text.index("Ê"): ("Ệ", 0.001)})
    assert remark_name(text, [read]) == "TRẦN TIẾN VIỆT HẬU"
    # a name word read so stays, however close its runner-up: TIẾN and TIÊN are both names
    text = "TRẦN TIẾN VIỆT HẬU"
    assert remark_name(text, [_read(text, {text.index("Ế"): ("Ê", 0.45)})]) == text


def test_a_name_word_read_in_two_pieces_is_joined_but_two_name_words_are_not() -> None:
    assert remark_name("NGU YỄN HỮU TRƯỜNG", []) == "NGUYỄN HỮU TRƯỜNG"
    assert remark_name("CÔNG TY CP ĐẦU TƯ PHÁT TRIỂN HƯNG THỊ NH", []) == "CÔNG TY CP ĐẦU TƯ PHÁT TRIỂN HƯNG THỊNH"
    assert remark_name("LÊ VĂN AN", []) == "LÊ VĂN AN"  # LÊ, VĂN and AN are each a name word


def test_the_name_word_may_lie_behind_several_other_marks() -> None:
    text = "NGUYỄN THANH ÁNH GÂM"
    letters, probs = frames(text, {text.index("Â"): ("Ấ", 0.002)})
    index = {ch: i + 1 for i, ch in enumerate(charset())}
    for other in "ẬẦẨẪ":  # four other marks read likelier than the name's: none makes a name word
        probs[2 * text.index("Â"), index[other]] = 0.01
    read = LineRead(text, 0.5, tuple(letter.prob for letter in letters), tuple(letters), probs, charset())
    assert remark_name(text, [read]) == "NGUYỄN THANH ÁNH GẤM"


def test_a_word_in_no_list_a_letter_short_or_long_of_exactly_one_name_word_is_that_word() -> None:
    assert remark_name("HỒ KI PHƯỢNG", []) == "HỒ KIM PHƯỢNG"
    assert remark_name("VŨ QUÚANG SƠN", []) == "VŨ QUANG SƠN"
    assert remark_name("NGÔ ĐÌNH TRUN", []) == "NGÔ ĐÌNH TRUNG"
    assert remark_name("TRẦN VĂN MI", []) == "TRẦN VĂN MI"  # MAI, MỊ ...: more than one, as read



def test_a_word_in_no_list_spelt_as_one_name_word_with_its_marks_aside_is_that_word() -> None:
    # no probabilities to re-mark it from (the word was joined from two pieces, or its line lost)
    assert remark_name("LÂM NHU YẾN", []) == "LÂM NHƯ YẾN"
    # NGUYẾN spells NGUYỄN and NGUYÊN alike: a family name where the name starts, else as read
    assert remark_name("NGU YẾN TUẤN VINH", []) == "NGUYỄN TUẤN VINH"
    assert remark_name("NGUYẾN VĂN AN", []) == "NGUYỄN VĂN AN"
    assert remark_name("TRẦN NGUYẾN", []) == "TRẦN NGUYẾN"


def test_a_long_word_in_no_list_one_letter_off_one_name_word_is_that_word() -> None:
    assert remark_name("NƠUYỄN NHẬT SÂM", []) == "NGUYỄN NHẬT SÂM"
    assert remark_name("LÊ VĂN TÙNF", []) == "LÊ VĂN TÙNF"  # a short word: TÙNG, TÙNH ... not guessed
