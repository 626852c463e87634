"""Field extraction anchored on the printed labels, never on the pixel boxes of one layout.

Every recognised line is first classified: a label of a field (fuzzy-matched against the
wordings of SPEC §3, plain or bilingual), a heading, or a value.  A value then belongs to the
label on its own row to its left ("Số máy: JC52E-1234567", on a dotted rule), or else to the
label just above it in the same column (the ruled boxes of grid forms); an address runs on to a
continuation line directly below.  The dated line ("…, ngày 05 tháng 06 năm 2020") and the
issuing unit at the top left of the front have no label and are found by their shape and place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from edge.document.normalize import BRANDS, color_words, fold_marks
from edge.document.normalize import DATED_WORDS as DATED_WORDS_PATTERN
from edge.document.normalize import address as known_address
from edge.document.normalize import authority as known_authority
from edge.ocr.charset import normalize_text
from edge.ocr.recognizer import LineRead
from edge.synth.types import CARD_H, CARD_W

# Label wordings per field (SPEC §3).  Bilingual cards add an English gloss in brackets or
# after a slash; the Vietnamese part alone decides the field.
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("Tên chủ xe", "Chủ xe"),
    "address": ("Địa chỉ",),
    "plate": ("Biển số đăng ký", "Biển số"),
    "engine": ("Số máy",),
    "chassis": ("Số khung",),
    "brand": ("Nhãn hiệu",),
    "model": ("Số loại",),
    "color": ("Màu sơn",),
    "capacity": ("Dung tích", "Dung tích xi lanh"),
    "pay_load": ("Tải trọng", "Tải trọng hàng hóa"),
    "first_issue_date": ("Đăng ký lần đầu ngày", "Ngày đăng ký lần đầu"),
    # rows the API does not return: recognised so that their values are not taken for another field
    "vehicle_type": ("Loại xe",),
    "seats": ("Số chỗ ngồi", "Số người cho phép chở"),
    "expiry_date": ("Đăng ký xe có giá trị đến ngày", "Có giá trị đến ngày"),
    "id": ("Số",),
}
ENGLISH: dict[str, tuple[str, ...]] = {
    "name": ("Owner's full name",), "address": ("Address",), "plate": ("No plate",),
    "engine": ("Engine No",), "chassis": ("Chassis No",), "brand": ("Brand",), "model": ("Model code",),
    "color": ("Color",), "capacity": ("Capacity",), "pay_load": ("Pay load",),
    "first_issue_date": ("Date of first registration",), "vehicle_type": ("Type",), "seats": ("Seats",),
    "expiry_date": ("date of expiry",), "id": ("No",),
}
HEADINGS: dict[str, tuple[str, ...]] = {
    "national": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",),
    "motto": ("Độc lập - Tự do - Hạnh phúc",),
    "title": ("GIẤY CHỨNG NHẬN ĐĂNG KÝ XE", "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY",
              "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ", "CERTIFICATE OF VEHICLE REGISTRATION"),
    "officer": ("TRƯỞNG PHÒNG", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG CÔNG AN", "CÁN BỘ ĐĂNG KÝ"),
}
MULTILINE = frozenset({"address"})
OFTEN_EMPTY = frozenset({"pay_load"})  # left blank on most cards: the row under it is its only when it is a weight
LABEL_MIN_SCORE = 80.0
SHAPE_EVIDENCE = 0.75
DATED_WORDS = re.compile(DATED_WORDS_PATTERN, re.IGNORECASE)
# where a bilingual label's English gloss starts: a bracket, or a slash that is not a date's
MIN_ID_DIGITS = 4  # of a certificate number's (usually six) characters, read as digits
SO_WORD = r"[Ss][ốoóồ0]"  # "Số", the certificate number's label, as it is read
GLOSS = re.compile(r"\(|(?<!\d)/|/(?!\d)")



@dataclass(frozen=True)
class Line:
    """One recognised line on the rectified card (card pixels; x1 / y1 exclusive)."""

    box: tuple[int, int, int, int]
    text: str
    confidence: float
    read: LineRead | None = field(default=None, repr=False, compare=False)  # the recogniser's, if any

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True)
class Raw:
    """A field's text as read, before normalisation, and the weakest line confidence behind it."""

    text: str
    confidence: float
    lines: tuple[Line, ...] = ()


@dataclass
class Classified:
    labels: list[tuple[Line, str]] = field(default_factory=list)  # (the label's line, its field)
    values: list[Line] = field(default_factory=list)
    headings: dict[str, list[Line]] = field(default_factory=dict)


def fold(text: str) -> str:
    """Lower case without tone marks or the colon, for matching wordings a misread mark cannot break."""
    return re.sub(r"\s+", " ", fold_marks(normalize_text(text)).replace(":", " ")).strip(" .")


def is_dated(text: str) -> bool:
    """The dated line's shape ("ngày dd tháng mm năm yyyy"), matched on the letters without tone marks."""
    return DATED_WORDS.search(fold(text)) is not None


def _label_table() -> tuple[list[str], list[str]]:
    keys, words = [], []
    for key, wordings in LABELS.items():
        for w in wordings:
            keys.append(key)
            words.append(fold(w))
    return keys, words


_KEYS, _WORDS = _label_table()


def match_label(text: str) -> tuple[str, float] | None:
    """The field whose label this text is (score 0..100), or None; the English gloss is ignored."""
    # the gloss starts at a bracket or a slash, never at a date's slash ("ngày: 24/07/2018")
    t = fold(GLOSS.split(text)[0])
    if not t or len(t) > 40:
        return None
    if t in ("so", "s0"):
        return "id", 100.0
    hit = process.extractOne(t, _WORDS, scorer=fuzz.ratio)
    if hit is None or hit[1] < LABEL_MIN_SCORE:
        return _truncated_label(t)
    key = _KEYS[hit[2]]
    return (key, float(hit[1])) if key != "id" else None


def _truncated_label(t: str) -> tuple[str, float] | None:
    """A label cut short by a faded or lost word ("Biển" for "Biển số"): whole leading words of
    one field's wordings only, at least four letters, never the bare "Số"."""
    if len(t.replace(" ", "")) < 4:
        return None
    keys = {k for k, w in zip(_KEYS, _WORDS, strict=True) if w.startswith(t + " ")}
    return (keys.pop(), float(LABEL_MIN_SCORE)) if len(keys) == 1 and "id" not in keys else None


def heading_of(text: str) -> str | None:
    t = fold(text)
    for kind, wordings in HEADINGS.items():
        for w in wordings:
            fw = fold(w)
            # at least half of the heading: "Xe máy" (a back's vehicle type) is not the front's title
            if max(6, 0.5 * len(fw)) <= len(t) <= len(fw) + 12 and fuzz.partial_ratio(t, fw) >= 85:
                return kind
    return None


def _part(line: Line, text: str, start: int, stop: int) -> Line:
    """The part of a line holding ``text[start:stop]``, its box cut in proportion to the characters."""
    x0, y0, x1, y1 = line.box
    n = max(1, len(text))
    a = x0 + round((x1 - x0) * start / n)
    b = x0 + round((x1 - x0) * stop / n)
    return Line((a, y0, max(a + 1, b), y1), text[start:stop].strip(" :;,"), line.confidence, line.read)


def split_label(line: Line) -> tuple[Line, str, Line | None] | None:
    """``"Số máy: JC52E"`` read as one line -> the label part, its field, and the value part.

    The colon may be read as a comma or semicolon, or lost: then the longest run of leading
    words that is a label (closely) is taken, never the bare "Số" (an address may start so).
    """
    text = line.text
    m = re.search(r"[:;,]", text)
    if m is not None:
        hit = match_label(text[: m.start()])
        if hit is not None:
            value = _part(line, text, m.end(), len(text)) if text[m.end():].strip() else None
            return _part(line, text, 0, m.end()), hit[0], value
    words = list(re.finditer(r"\S+", text))
    for k in range(min(7, len(words) - 1), 0, -1):
        cut = words[k - 1].end()
        hit = match_label(text[:cut])
        if hit is not None and hit[0] != "id" and hit[1] >= 90:
            return _part(line, text, 0, cut), hit[0], _part(line, text, words[k].start(), len(text))
    return None


def classify(lines: list[Line]) -> Classified:
    out = Classified()
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        unit = UNIT_BEFORE_NATIONAL.match(fold_marks(text))
        if unit is not None:  # "CÔNG AN THỊ XÃ NGHI SƠN CỘNG HÒA …": the issuing unit run into the heading
            out.values.append(_part(line, text, 0, unit.end(1)))
            line = _part(line, text, unit.end(1), len(text))
            text = line.text
        kind = heading_of(text)
        if kind is not None and not is_dated(text):
            out.headings.setdefault(kind, []).append(line)
            # "GIẤY CHỨNG NHẬN … Số: 741459": the number read together with the title
            # (the red number read pale: a digit or two may come out as letters like them, "S84870")
            m = re.search(SO_WORD + r"\s*[:;,.]?\s*(\w\S*)\s*$", text)
            if kind == "title" and m and sum(c.isdigit() for c in m.group(1)) >= MIN_ID_DIGITS:
                cut = line.box[0] + round((line.box[2] - line.box[0]) * m.start() / len(text))
                label = Line((cut, line.box[1], cut + 1, line.box[3]), "Số:", line.confidence)
                out.labels.append((label, "id"))
                out.values.append(_part(line, text, m.start(1), len(text)))
            continue
        if _in_capitals(text):  # labels are printed in small letters: "THÁI TRỌNG PHƯỚC" is no "Tải trọng"
            out.values.append(line)
            continue
        hit = match_label(text)
        if hit is not None and hit[1] >= 88:
            out.labels.append((line, hit[0]))
            continue
        split = split_label(line)
        if split is not None:
            label, key, value = split
            out.labels.append((label, key))
            if value is not None and value.text and not _gloss(value.text):
                out.values.append(value)
            continue
        if hit is not None:
            out.labels.append((line, hit[0]))
            continue
        m = NUMBER_AT_END.search(text)
        if m is not None:  # "… MÔ TÔ, XE MÁY Số: 882895": the title's end read apart from its start
            out.labels.append((_part(line, text, m.start(), m.start(1)), "id"))
            out.values.append(_part(line, text, m.start(1), len(text)))
        elif not _gloss(text):
            out.values.append(line)
    return out


# the front's two headings printed level, the unit's at the left, read as one line
UNIT_BEFORE_NATIONAL = re.compile(r"\s*(cong an\b.*?)\s+cong hoa\b")


def _in_capitals(text: str) -> bool:
    """Two words or more, all in capitals, with no colon: an owner's name, never a label."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and len(text.split()) >= 2 and ":" not in text and all(c.isupper() for c in letters)


NUMBER_AT_END = re.compile(SO_WORD + r"\s*[:;,.]\s*(\d{5,8})\s*$")  # on any line: a separator and a whole number


_GLOSSES = [fold(w) for wordings in ENGLISH.values() for w in wordings if len(w) >= 5]
GLOSS_MIN_SCORE = 80.0


def _gloss(text: str) -> bool:
    """A bilingual label's English gloss read as a line of its own ("lOwner's fu nane)"): no value."""
    if "(" not in text and ")" not in text:
        return False
    t = fold(text.replace("(", " ").replace(")", " "))
    hit = process.extractOne(t, _GLOSSES, scorer=fuzz.partial_ratio) if len(t) >= 4 else None
    return hit is not None and hit[1] >= GLOSS_MIN_SCORE


# A value on its label's row starts within this many card pixels of the label's end: text further
# right on that row is another column's (a big plate printed level with "Địa chỉ" on moto fronts).
MAX_ROW_GAP = 300
# A value printed off its line (a misaligned printer) may overlap its label's row by less.
VALUE_ROW_OVERLAP = 0.3
# How far under its label (in label heights) a value with a shape is looked for; others: 3.5.
FAR_REACH = 5.5


def _glossed(label: Line) -> bool:
    """A bilingual label: the English gloss in brackets or after a slash follows the Vietnamese."""
    return GLOSS.search(label.text) is not None


def _speck(value: Line, label: Line) -> bool:
    """A mark read as a character or two, smaller than the label's letters: never a value."""
    return len(value.text.strip()) <= 2 and value.height < 0.7 * label.height


def same_row(a: Line, b: Line, share: float = 0.45) -> bool:
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    return overlap >= share * min(a.height, b.height)


WORDY = frozenset({"name", "address"})  # the fields of words: an owner's name and address


def rows_of(parts: Iterable[Line]) -> list[list[Line]]:
    """Parts grouped by the row they share, top to bottom, each row in the order its parts are
    found from the top."""
    rows: list[list[Line]] = []
    for v in sorted(parts, key=lambda v: v.box[1]):
        row = next((r for r in rows if same_row(v, r[0])), None)
        if row is None:
            rows.append([v])
        else:
            row.append(v)
    return rows


def _rest_of_row(row: list[Line], cands: Iterable[Line]) -> list[Line]:
    """The pieces among ``cands`` that continue ``row`` to its right, piece by piece: on its row,
    each starting within ROW_GAP text heights past the row's end so far, or overlapping it by at
    most OVERLAP (a letter both pieces took a bit of)."""
    first = row[0]
    end = max(p.box[2] for p in row)
    out: list[Line] = []
    for v in sorted(cands, key=lambda v: v.box[0]):
        if not same_row(v, first) or v.box[0] < end - OVERLAP * first.height:
            continue
        if v.box[0] - end >= ROW_GAP * first.height:
            break
        out.append(v)
        end = max(end, v.box[2])
    return out


def _beside(value: Line, label: Line) -> bool:
    """On the label's row, starting after it and within MAX_ROW_GAP of it."""
    gap = value.box[0] - label.box[2]
    return same_row(value, label, VALUE_ROW_OVERLAP) and -6 <= gap < MAX_ROW_GAP


def extract(lines: list[Line]) -> dict[str, Raw]:
    """Raw text per field key found on the card (labelled fields, dated line, issuing unit)."""
    c = classify(lines)
    taken: set[int] = set()
    found: dict[str, Raw] = {}
    labels = sorted(c.labels, key=lambda lk: (lk[0].box[1], lk[0].box[0]))
    values = c.values
    for label, key in labels:
        row_right = min((o.box[0] for o, _ in labels if o is not label and same_row(o, label)
                         and o.box[0] > label.box[2] - 4), default=CARD_W)
        same = [i for i, v in enumerate(values)
                if i not in taken and not _speck(v, label) and _beside(v, label) and v.cx < row_right]
        same.sort(key=lambda i: values[i].box[0])
        if same and key in WORDY:  # the rest of a long value's row, past where a value may start
            cands = [(i, v) for i, v in enumerate(values) if i not in taken and i not in same and v.cx < row_right]
            rest = {id(v) for v in _rest_of_row([values[i] for i in same], (v for _, v in cands))}
            same += sorted((i for i, v in cands if id(v) in rest), key=lambda i: values[i].box[0])
        parts = [values[i] for i in same]
        if parts and _glossed(label) and parts[0].box[0] - label.box[2] > 2 * label.height:
            # a bilingual grid prints values under their labels: what lies far to the right of a
            # glossed label is the next column's label misread, when a row sits right under it
            rows = _below(label, labels, values, taken)
            if rows and abs(rows[0][0].box[0] - label.box[0]) < 2 * label.height:
                parts, same = rows[0], [values.index(p) for p in rows[0]]
        if not parts or (key in SHAPE_OF and not _fits(key, parts)):
            # nothing to its right, or something that cannot be this field (a label misread as text):
            # the box below, when what is there has the field's shape
            rows = _below(label, labels, values, taken)
            # a field with a shape may look further down: a plate is printed large, well under its label
            far = _below(label, labels, values, taken, FAR_REACH) if key in SHAPE_OF else []
            shaped = [row for row in far if _fits(key, row)]
            below = shaped[0] if shaped else rows[0] if rows and not parts and key not in OFTEN_EMPTY else []
            if below:
                parts = below
                same = [values.index(p) for p in parts]
        if not parts:
            continue
        taken.update(same)
        if key in MULTILINE:
            parts += _continuation(parts, labels, values, taken)
        if key not in found:
            text = joined(parts)
            if key in SHAPE_OF:  # a speck or a misread label on the value's row is not part of it
                text = _shaped(SHAPE_OF[key], text) or text
            found[key] = Raw(text, min(p.confidence for p in parts), tuple(parts))
    for i, v in enumerate(values):
        if i in taken:
            continue
        if is_dated(v.text) and "last_issue_date" not in found:
            found["last_issue_date"] = Raw(v.text, v.confidence, (v,))
            taken.add(i)
    _by_shape(found, values, taken)
    if "brand" not in found:
        _brand_by_name(found, values, taken)
    if "model" not in found and "brand" in found:
        _model_after_brand(found, labels, values, taken)
    if "color" not in found:
        _color_by_words(found, values, taken)
    if "address" not in found:
        _address_by_shape(found, labels, values, taken)
    if "name" not in found:
        _name_by_shape(found, labels, values, taken, c)
    if "id" not in found:  # "Số:" lost or read into the title: the number is the lone run of digits up top
        for i, v in enumerate(values):
            m = re.fullmatch(r"[\s:;.,]*(?:S[ốo]\s*[:;.]?\s*)?(\d{5,8})\s*", v.text)
            if i not in taken and m is not None and v.cy < 0.36 * CARD_H:
                found["id"] = Raw(m.group(1), v.confidence, (v,))
                taken.add(i)
                break
    authority = _authority(values, taken, c)
    if authority is not None:
        found["authority"] = authority
    return found


SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # a plate never ends in a letter, so an edge speck read as "I" after it is not part of it;
    # nor does it start with one ("L43D5-0023": the card's edge again) or with three digits
    # ("132P3-0704": a speck read as "1")
    ("plate", re.compile(r"[ILJl|1]?(?P<value>\d{2}-?[A-Z]{1,2}\d?-?(\d{3}\.\d{2}|\d{4,5}))(?![0-9.])")),
    ("chassis", re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")),
    ("engine", re.compile(r"^(?=.*\d{5})[A-Z0-9]{2,8}-?[A-Z0-9]{5,10}$")),
    ("first_issue_date", re.compile(r"^\d{2}/\d{2}/\d{4}$")),
    # a payload is a weight: the row under an empty "Tải trọng" is the next field's (a plate)
    ("pay_load", re.compile(r"^(?P<value>\d[\d.,]*kg)$")),
)


SHAPE_OF = dict(SHAPES)


def _shaped(shape: re.Pattern[str], text: str) -> str | None:
    """The value of ``shape`` starting at one of the text's words (a misread label may come first,
    never inside a word: a plate is not the tail of an engine number), spaces ignored."""
    words = text.split()
    for start in range(len(words)):
        for stop in range(len(words), start, -1):  # the most words first; a speck may follow the value
            m = shape.match("".join(words[start:stop]))
            if m is not None:
                if len(words[start]) == 1 and stop - start > 1:  # a speck before it ("1 F10A748375")?
                    rest = _shaped(shape, " ".join(words[start + 1 : stop]))
                    if rest is not None:
                        return rest
                return m.group("value") if "value" in shape.groupindex else m.group(0)
    return None


def joined(parts: list[Line]) -> str:
    """The text of line parts in order: a part all but touching the one before it (a letter the
    line detector split off, "N" + "GUYỄN") continues its word, other parts are words apart.

    Two touching parts of words (one has a space) that end and start with the same letter read
    it twice, each through the margin its crop takes beyond its box ("Xã P" + "Phước Thạnh",
    "NGUYỄn" + "N THANH"): it is kept once, from the part it starts. A part wholly inside the one
    before it on its row is that print read twice, and left out.
    """
    text = ""
    for prev, part in zip([None, *parts[:-1]], parts, strict=True):
        if prev is not None and same_row(prev, part) and prev.box[0] - 2 <= part.box[0] \
                and part.box[2] <= prev.box[2] + 2:
            continue  # a piece of the row inside the line before it: the same print read twice
        here = part.text.strip()
        touching = prev is not None and same_row(prev, part) and \
            part.box[0] - prev.box[2] < TOUCHING * max(prev.height, part.height) and \
            prev.text[-1:].isalpha() and part.text[:1].isalpha()
        if touching and prev is not None and (" " in prev.text.strip() or " " in here):
            text = text[:len(text) - _seam(text, here)]
        text += ("" if touching or not text else " ") + here
    return text


TOUCHING = 0.2  # a gap under this share of the line height is inside a word
SEAM = 3  # letters at most that two touching parts both read at their seam


def _seam(text: str, here: str) -> int:
    """How many letters at the end of ``text`` the next touching part reads again at its start
    ("Xã P" + "Phước", "TRAN" + "RẦN MAI"), marks and case aside."""
    for k in range(SEAM, 0, -1):
        end, start = text[-k:], here[:k]
        if len(end) == k and end.replace(" ", "") == end and fold_marks(end) == fold_marks(start):
            return k
    return 0


def _fits(key: str, parts: list[Line]) -> bool:
    return _shaped(SHAPE_OF[key], " ".join(p.text for p in parts)) is not None


def _by_shape(found: dict[str, Raw], values: list[Line], taken: set[int]) -> None:
    """A label read too badly to match: its value may still have the one shape its field takes."""
    for key, shape in SHAPES:
        if key in found:
            continue
        for i, v in enumerate(values):
            value = _shaped(shape, v.text) if i not in taken else None
            if value is not None:
                found[key] = Raw(value, v.confidence * 0.9, (v,))
                taken.add(i)
                break


BRAND_MIN_SCORE = 90.0


def _brand_by_name(found: dict[str, Raw], values: list[Line], taken: set[int]) -> None:
    """A brand label read too badly to match: a line that is a known brand's name, on its own
    ("VINFAST"), is the brand."""
    for i, v in enumerate(values):
        text = re.sub(r"\s+", " ", v.text).strip(" .:;,").upper()
        hit = process.extractOne(text, BRANDS, scorer=fuzz.ratio) if i not in taken and len(text) >= 3 else None
        if hit is not None and hit[1] >= BRAND_MIN_SCORE:
            found["brand"] = Raw(text, v.confidence * 0.9, (v,))
            taken.add(i)
            return


def _model_after_brand(found: dict[str, Raw], labels: list[tuple[Line, str]], values: list[Line],
                       taken: set[int]) -> None:
    """A model label read too badly to match: every layout prints "Số loại" after "Nhãn hiệu", so
    the nearest value on the brand's row to its right (a grid's next column), when nothing
    labelled lies between, is the model."""
    if not found["brand"].lines:
        return
    brand = found["brand"].lines[-1]
    row = [i for i, v in enumerate(values) if i not in taken and same_row(v, brand)
           and 0 <= v.box[0] - brand.box[2] < MODEL_REACH and sum(c.isalnum() for c in v.text) >= 2]
    if not row:
        return
    i = min(row, key=lambda k: values[k].box[0])
    if any(same_row(label, brand) and brand.box[2] <= label.box[0] < values[i].box[0] for label, _ in labels):
        return
    found["model"] = Raw(values[i].text.strip(" .:;,"), values[i].confidence * 0.8, (values[i],))
    taken.add(i)


MODEL_REACH = 400  # card pixels from the brand's end: one column of a grid


def _color_by_words(found: dict[str, Raw], values: list[Line], taken: set[int]) -> None:
    """A colour label read too badly to match: a line of colour words only ("Trắng - Đen"), of at
    least three letters, is the colour."""
    for i, v in enumerate(values):
        if i in taken or sum(c.isalpha() for c in v.text) < 3:
            continue
        words = color_words(v.text)
        if words is not None:
            found["color"] = Raw(words, v.confidence * 0.9, (v,))
            taken.add(i)
            return


def _address_by_shape(found: dict[str, Raw], labels: list[tuple[Line, str]], values: list[Line],
                      taken: set[int]) -> None:
    """"Địa chỉ" misread beyond matching: the address is still the line of comma-separated parts
    that ends in a known province (with the line it wraps onto)."""
    for i, v in enumerate(values):
        if i in taken or v.text.count(",") < 2 or is_dated(v.text):
            continue
        trial = taken | {i}
        parts = [v, *_continuation([v], labels, values, trial)]
        text = " ".join(p.text for p in parts)
        if known_address(text)[1] >= 1:
            taken.update(trial)
            found["address"] = Raw(text, min(p.confidence for p in parts) * 0.9, tuple(parts))
            return


# How far above the address (card pixels) an owner's name read without its label is looked for.
NAME_ABOVE_ADDRESS = 170


def _capitals_run(text: str) -> str | None:
    """The words in capitals that end a line (two at least): a name after a misread label."""
    run: list[str] = []
    for word in reversed(text.split()):
        if not (word.isalpha() and word.isupper()):
            break
        run.insert(0, word)
    return " ".join(run) if len(run) >= 2 else None


def _name_by_shape(found: dict[str, Raw], labels: list[tuple[Line, str]], values: list[Line],
                   taken: set[int], c: Classified) -> None:
    """"Chủ xe" misread beyond matching (or read into another label): the owner's name is still
    the closest line of words in capitals above the address, under the title."""
    anchors = [lab.box[1] for lab, k in labels if k == "address"]
    anchors += [p.box[1] for p in found["address"].lines] if "address" in found else []
    if not anchors:
        return
    top = min(anchors)
    floor = max((t.box[3] for t in c.headings.get("title", [])), default=0)
    cands = [(i, v) for i, v in enumerate(values) if i not in taken and v.box[3] <= top + 4
             and top - v.box[1] < NAME_ABOVE_ADDRESS and v.box[1] >= floor - 2 and not is_dated(v.text)]
    for i, v in sorted(cands, key=lambda iv: -iv[1].box[1]):
        run = _capitals_run(v.text)
        if run is not None:
            found["name"] = Raw(run, v.confidence * 0.9, (v,))
            taken.add(i)
            return


def _below(label: Line, labels: list[tuple[Line, str]], values: list[Line],
           taken: set[int], reach_heights: float = 3.5) -> list[list[Line]]:
    """Values under a label in a ruled box: below it, before the next label, inside its column;
    row by row from the top (a speck may come first: a field with a shape takes the row that has it)."""
    right = min((o.box[0] for o, _ in labels if same_row(o, label) and o.box[0] > label.box[2] - 4),
                default=CARD_W)
    left = max((o.box[2] for o, _ in labels if same_row(o, label) and o.box[2] < label.box[0] + 4),
               default=0)
    nxt = min((o.box[1] for o, _ in labels if o is not label and o.box[1] > label.box[3] - 2
               and label.box[0] - 60 < o.box[0] < label.box[2] + 60), default=CARD_H)  # the next label under it
    reach = label.box[3] + reach_heights * max(label.height, 12)
    out: list[Line] = []
    further: list[Line] = []
    for i, v in enumerate(values):
        if i in taken or _speck(v, label) or v.box[1] < label.box[1] + 0.5 * label.height \
                or v.box[1] > min(reach, nxt):
            continue
        if any(o is not label and o.box[0] >= label.box[0] - 40 and _beside(v, o) for o, _ in labels):
            continue  # the value of the label on its own row (a plate level with "Biển số" under "Tải trọng")
        if v.cy > nxt or v.cx < left or v.cx > right or v.box[0] < label.box[0] - 40:
            continue
        if v.box[0] > label.box[0] + 120 and abs(v.cx - label.cx) > 40:
            further.append(v)  # not a row's start, but maybe the rest of one
            continue
        out.append(v)
    rows = rows_of(out)
    for row in rows:  # the rest of a row past a gap the detector split it at (a faint comma)
        row += _rest_of_row(row, further)
    return [sorted(row, key=lambda v: v.box[0]) for row in rows]


ROW_GAP = 3.0  # text heights: a piece of a value's row this far past its end is the rest of it
OVERLAP = 0.5  # text heights: ... or overlapping its end this far (a letter both pieces took a bit of)


def _continuation(parts: list[Line], labels: list[tuple[Line, str]], values: list[Line],
                  taken: set[int]) -> list[Line]:
    """The line(s) an address wraps onto: just below, starting at the margin, no label between."""
    out: list[Line] = []
    last = parts[-1]
    left = min(p.box[0] for p in parts)
    for _ in range(2):
        cands = [(i, v) for i, v in enumerate(values) if i not in taken and v.box[1] > last.box[1] + 0.5 * last.height
                 and v.box[1] - last.box[3] < 1.6 * max(last.height, 14) and v.box[0] < left + 60
                 and not is_dated(v.text)]
        # a line on a label's row is that label's value, and a label in between ends the address
        cands = [(i, v) for i, v in cands if not any(same_row(o, v) or last.box[3] <= o.cy <= v.box[1]
                                                       for o, _ in labels)]
        if not cands:
            break
        _, v = min(cands, key=lambda iv: iv[1].box[1])
        row = sorted(((j, w) for j, w in enumerate(values) if j not in taken and same_row(w, v)
                      and w.box[0] >= v.box[0]), key=lambda jw: jw[1].box[0])
        end = v.box[2]
        for j, w in row:  # each piece of the row within a few letters of the one before it
            if w.box[0] - end >= ROW_GAP * v.height:
                break
            taken.add(j)
            out.append(w)
            end = max(end, w.box[2])
        last = v
    return out


def _authority(values: list[Line], taken: set[int], c: Classified) -> Raw | None:
    """The issuing police unit: the unlabelled line at the top left of the front, above the title."""
    title = c.headings.get("title", [])
    top = min((t.box[1] for t in title), default=int(0.2 * CARD_H))
    cands = [v for i, v in enumerate(values) if i not in taken and v.box[3] <= top + 4 and v.cx < 0.5 * CARD_W
             and v.height >= 8 and len(v.text.strip()) >= 4]
    if not cands:
        return None
    # the line most like a known unit's name; a bit of the card's edge read as letters is not one
    best = max(cands, key=lambda v: (round(known_authority(v.text)[1], 1), v.box[2] - v.box[0]))
    row = [v for v in cands if same_row(v, best)]
    row.sort(key=lambda v: v.box[0])
    return Raw(" ".join(v.text for v in row), min(v.confidence for v in row), tuple(row))


def side_scores(c: Classified, found: dict[str, Raw]) -> tuple[float, float]:
    """(front, back) evidence: headings and labels only one side of the card carries."""
    front = 2.0 * len(c.headings.get("title", [])) + len(c.headings.get("national", [])) \
        + len(c.headings.get("motto", [])) + sum(1 for _, k in c.labels if k == "id")
    back_keys = {"engine", "chassis", "brand", "model", "color", "capacity", "pay_load", "first_issue_date",
                 "vehicle_type", "seats", "expiry_date"}
    back = sum(1.0 for _, k in c.labels if k in back_keys) + 2.0 * ("last_issue_date" in found) \
        + len(c.headings.get("officer", []))
    # values whose shape only one side carries count too, for labels printed too small to read
    front += SHAPE_EVIDENCE * ("id" in found)
    back += SHAPE_EVIDENCE * sum(k in found for k in ("engine", "chassis", "first_issue_date"))
    return front, back
