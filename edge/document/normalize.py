"""Normalise and validate extracted values: plates, dates, the dated line, VIN, engine, brand, province.

Each normaliser returns the canonical text and whether it passed validation, so a value that
reads but cannot be right (a 31st of February, a plate series with an I, a 16-character VIN)
gets a low confidence instead of passing silently.  OCR look-alikes are repaired only where the
position fixes the character class (a digit slot, a letter slot).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from edge.ocr.charset import normalize_text

if TYPE_CHECKING:
    from edge.synth.places import District, Province

SERIES_LETTERS = "ABCDEFGHKLMNPSTUVXYZ"  # plate series: never I J O Q R W
SPECIAL_SERIES = frozenset({"LD", "KT", "NG", "NN", "CV", "CD", "TD", "HC", "DA", "MD", "MK", "NB", "QT", "R"})
VIN_CHARS = frozenset("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")  # no I O Q
VIN_LOOKALIKES = str.maketrans("OQI", "001")
PLATE_RE = re.compile(r"^(\d{2})([A-Z]{1,2}\d?)-(\d{4}|\d{3}\.\d{2})$")
TO_DIGIT = str.maketrans("ODQILZSBG", "000112586")  # look-alikes in a slot that must be a digit
TO_LETTER = str.maketrans("085264", "DBSZGA")  # ... and in a slot that must be a letter
TO_DIGIT_SAFE = str.maketrans("OoIl", "0011")  # in dates, where letters never appear
SMALL_TO_DIGIT = str.maketrans("oslizbgq", "05112699")  # small letters like digits, in a number of digits only
BRANDS = (
    "HONDA", "YAMAHA", "SUZUKI", "SYM", "PIAGGIO", "VINFAST", "KYMCO", "DUCATI", "KAWASAKI", "HARLEY-DAVIDSON",
    "BMW", "TOYOTA", "HYUNDAI", "KIA", "MAZDA", "FORD", "MITSUBISHI", "NISSAN", "CHEVROLET", "MERCEDES-BENZ",
    "AUDI", "LEXUS", "PEUGEOT", "ISUZU", "HINO", "THACO", "SUBARU", "VOLKSWAGEN", "PORSCHE", "LAND ROVER",
    "VOLVO", "MG", "DAEWOO", "FUSO", "DONGFENG", "HOWO", "VEAM", "CUU LONG", "DAEHAN", "TERACO", "SAMCO",
)


# Words the paint colour is written in: colours, and the words that qualify them
COLOR_WORDS = ("Trắng", "Đen", "Đỏ", "Xanh", "Bạc", "Ghi", "Vàng", "Nâu", "Xám", "Cam", "Hồng", "Tím", "Be",
               "Kem", "dương", "ngọc", "trai", "nhám", "đô", "lá", "lục", "rêu", "đậm", "nhạt")
BASE_COLORS = frozenset(w.lower() for w in COLOR_WORDS[:14])  # of which a part names at most two
COLOR_MATCH = 75.0  # a word this like a colour word is it: one letter of four misread ("Móng"), not of three ("Màu")


@dataclass(frozen=True)
class Checked:
    """A value in canonical form and whether it is a possible value for its field."""

    text: str
    valid: bool


def plate(raw: str) -> Checked:
    """``29-B1 123.45``, ``29B1 12345``, ``29b1-123,45`` -> ``29B1-123.45``; checks the series letters."""
    s = normalize_text(raw).upper().replace(",", ".").replace("·", ".")
    s = re.sub(r"[^0-9A-Z.\-\s]", "", s).strip(" -.")
    tokens = [t for t in re.split(r"[\s\-]+", s) if t]
    if len(tokens) >= 2:
        head, number = "".join(tokens[:-1]), tokens[-1]
    else:  # no separator survived: a dot marks the 5-digit form, otherwise 4 digits
        m = re.fullmatch(r"(\w+?)(\d{3}\.\d{2}|\d{4,5})", s)
        if not m:
            return Checked(s, False)
        head, number = m.groups()
    head = re.sub(r"^[A-Z]{1,2}(?=\d{2}[A-Z])", "", head)  # specks read as letters before the province code
    if len(head) < 3:
        return Checked(s, False)
    code, series = head[:2].translate(TO_DIGIT), head[2:]
    letters, digit = (series[:-1], series[-1]) if len(series) > 1 and series[-1].isdigit() else (series, "")
    letters = letters.translate(TO_LETTER)
    number = number.translate(TO_DIGIT)
    if re.fullmatch(r"\d{5}", number):
        number = f"{number[:3]}.{number[3:]}"
    text = f"{code}{letters}{digit}-{number}"
    valid = (bool(PLATE_RE.match(text)) and 1 <= len(letters) <= 2
             and (letters in SPECIAL_SERIES or all(c in SERIES_LETTERS for c in letters)))
    return Checked(text, valid)


def color(raw: str) -> Checked:
    """``Gh i - Đen`` -> ``Ghi - Đen``, ``Trắnq`` -> ``Trắng``: each word put right to the colour
    word it was read as (a word broken by a gap joined first), when every word is one closely and
    only one; a colour of other words, or a word as like two colours ("am": Cam or Xám), is left
    as read."""
    words = color_words(raw)
    text = words if words is not None else _color_text(raw)
    # a colour of the catalogue in these letters, its dash lost or a mark misread ("Trắng đen")
    known = _catalogue_colors().get(_color_key(text))
    if known is not None:
        return Checked(known, True)
    return Checked(text, bool(text))


def _color_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold_marks(text))


@cache
def _catalogue_colors() -> dict[str, str]:
    """The colours the vehicle catalogue lists, by their letters without marks, dashes or spaces."""
    from edge.synth.vehicles import vehicle_data

    colors = {c for pool in vehicle_data().colors.values() for c in pool.items}
    keys: dict[str, set[str]] = {}
    for c in colors:
        keys.setdefault(_color_key(c), set()).add(c)
    return {k: v.pop() for k, v in keys.items() if len(v) == 1}


def _color_text(raw: str) -> str:
    return re.sub(r"\s+", " ", normalize_text(raw)).strip(" .,:;")


def color_words(raw: str) -> str | None:
    """A read spelled as colour words ("Trắnq - Đen" -> "Trắng - Đen"), or None when some word
    is no colour word (or as like two)."""
    parts = [p.strip() for p in re.split(r"\s*-\s*", _color_text(raw)) if p.strip()]
    folded = {fold_marks(w) for w in COLOR_WORDS}
    fixed: list[str] = []
    for part in parts:
        # a speck read as a letter beside a colour word is no word of it ("Xanh n")
        words, out = [w for w in part.split(" ") if len(w) > 1 or " " not in part], list[str]()
        while words:
            if len(words) > 1 and fold_marks(words[0]) not in folded and fold_marks(words[0] + words[1]) in folded:
                words = [words[0] + words[1], *words[2:]]
            word = _color_word(words[0])
            if word is None:
                return None
            out.append(word[0].upper() + word[1:] if not out else word[0].lower() + word[1:])
            words = words[1:]
        if sum(w.lower() in BASE_COLORS for w in out) > 2:  # "Bạc trắng vàng hồng": a line of junk, not a colour
            return None
        fixed.append(" ".join(out))
    return " - ".join(fixed) if fixed else None


def _color_word(read: str) -> str | None:
    """The one colour word ``read`` is closest to (letters first, then marks), or None."""
    scores = [(fuzz.ratio(fold_marks(read), fold_marks(w)), fuzz.ratio(read.lower(), w.lower()), w)
              for w in COLOR_WORDS]
    scores.sort(reverse=True)
    best = scores[0]
    if best[0] < COLOR_MATCH or scores[1][:2] == best[:2]:
        return None
    return best[2]


def plate_province_code(plate_text: str) -> str | None:
    return plate_text[:2] if plate_text[:2].isdigit() else None


def plate_place(plate_text: str) -> str | None:
    """The province a plate was registered in (its two-digit code), as the back's dated line names it."""
    province = _province_of_plate(plate_text)
    return province.place if province else None


def plate_province(plate_text: str) -> str | None:
    """The province a plate's two-digit code names (its name, as ``address``'s ``home``)."""
    province = _province_of_plate(plate_text)
    return province.name if province else None


def _province_of_plate(plate_text: str) -> Province | None:
    from edge.synth.places import province_of_plate

    code = plate_province_code(plate_text)
    return province_of_plate(code) if code else None


def calendar_date(raw: str) -> Checked:
    """Any ``d/m/yyyy``-like reading -> ``dd/mm/yyyy``, valid only for a real date from 1950 to
    this year."""
    safe = normalize_text(raw).translate(TO_DIGIT_SAFE)
    digits = re.findall(r"\d+", safe)
    if len(digits) > 3:  # a speck read beside a whole date ("11/06/2013n.5")
        whole = re.search(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)", safe)
        digits = list(whole.groups()) if whole is not None else digits
    if len(digits) == 1 and len(digits[0]) == 8:
        digits = [digits[0][:2], digits[0][2:4], digits[0][4:]]
    elif len(digits) == 2 and len(digits[0]) == 4 and len(digits[1]) == 4:  # a slash lost: "0903/2019"
        digits = [digits[0][:2], digits[0][2:], digits[1]]
    if len(digits) != 3:
        return Checked(normalize_text(raw), False)
    d, m, y = digits
    text = f"{int(d):02d}/{int(m):02d}/{y}"
    return Checked(text, parse_date(text) is not None)



LATEST_YEAR = 2026  # the last year a date may have where the clock is behind (a Pi without a clock)


def parse_date(text: str) -> date | None:
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
    if not m:
        return None
    d, mo, y = (int(v) for v in m.groups())
    if not 1950 <= y <= max(date.today().year, LATEST_YEAR):  # no card is dated in a year to come
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def dates_in_order(first: str, last: str) -> bool:
    a, b = parse_date(first), parse_date(last)
    return a is not None and b is not None and a <= b


# "ngày dd tháng mm năm yyyy" on letters without tone marks (any case); "năm" also read "năn" or "nm"
_NGAY_DAY = r"(?:n[a-z]{1,3}y|\b[a-z0-9]{1,4}y)\s*(?P<d>[0-9a-z]{1,3})"
_MONTH_YEAR = r"\s*[a-z]{2,5}g\s*(?P<m>[0-9a-z]{1,3})\s*n[a-z]{0,2}[mn]\s*(?P<y>[0-9oisbz]{4})"
# (a dated line may have lost its place and "ngày" under the stamp: then the day is read in digits)
DATED_WORDS = r"(?:" + _NGAY_DAY + r"|\b(?P<dd>\d{1,2}))" + _MONTH_YEAR
DATED_LINE = re.compile(
    # matched on the letters without tone marks, tolerant of a letter misread inside the words
    # ("ngáày", "náng", "TVày") and of digits read as look-alike letters (fixed by calendar_date); a
    # day or month read as junk still leaves the place
    r"^(?P<place>.+?)[,.:;]?\s*" + _NGAY_DAY + _MONTH_YEAR,
    re.IGNORECASE,
)
BARE_DATED_LINE = re.compile(r"^(?P<place>.*?)[,.:;]?\s*\b(?P<d>\d{1,2})" + _MONTH_YEAR, re.IGNORECASE)
NGAY_LEFT = re.compile(r"[,.:;]?\s*\b[a-z]{0,2}[a-z]y$", re.IGNORECASE)  # what is left of "ngày" before the day


def base_letters(text: str) -> str:
    """Each character without its tone mark (same length): a misread mark must not hide a word."""
    return "".join(unicodedata.normalize("NFD", c)[0] if c not in "Đđ" else "d" for c in text)


def dated_line(raw: str) -> tuple[Checked, Checked] | None:
    """``Hà Nội, ngày 05 tháng 06 năm 2020`` -> (place ``Hà Nội``, date ``05/06/2020``)."""
    text = normalize_text(raw)
    letters = base_letters(text)
    m = DATED_LINE.search(letters) or BARE_DATED_LINE.search(letters)
    if not m:
        return None
    end = m.end("place")
    if m.re is BARE_DATED_LINE and not re.search(r"[,.:;]", letters[end:m.start("d")]):
        # a day in digits after what is left of "ngày" ("gày 19 tháng …"), not after a place and its comma
        left = NGAY_LEFT.search(letters[:end])
        end = left.start() if left is not None else end
    place = text[m.start("place"): end].strip(" ,.")
    when = calendar_date(f"{m.group('d')}/{m.group('m')}/{m.group('y')}")
    return Checked(place, bool(place)), when


def agrees_in_part(raw: str, when: date) -> bool:
    """A dated line read too badly to parse ("ngày (gNng 12 nămn 20o3", "ngày 30 tháng 0I năn S00")
    whose numbers read whole agree with ``when`` on at least two of day, month and year and
    contradict it on none: two-digit numbers in order are day then month (one alone is either),
    four-digit ones the year; a digit or three alone is a fragment and says nothing."""
    numbers = [n for n in re.findall(r"\d+", normalize_text(raw).translate(TO_DIGIT_SAFE)) if len(n) in (2, 4)]
    years = [int(n) for n in numbers if len(n) == 4]
    pairs = [int(n) for n in numbers if len(n) == 2 and 1 <= int(n) <= 31]
    if any(y != when.year for y in years) or len(pairs) > 2:
        return False
    if len(pairs) == 2:
        if pairs != [when.day, when.month]:
            return False
        agreed = 2
    elif pairs:
        if pairs[0] not in (when.day, when.month):
            return False
        agreed = 1
    else:
        agreed = 0
    return agreed + bool(years) >= 2


def vin(raw: str) -> Checked:
    """Chassis numbers: 17 VIN characters (no I, O, Q: read as 1, 0, 0); shorter old frames allowed."""
    # a mark read on a letter ("FÀ") is none: no frame number has a Vietnamese letter
    s = re.sub(r"[\s\-.]", "", base_letters(normalize_text(raw)).upper()).translate(VIN_LOOKALIKES)
    if len(s) == 17 and s.startswith("R1"):  # no maker code starts "R1"; Vietnam's start "RL"
        s = "RL" + s[2:]
    valid = 10 <= len(s) <= 17 and set(s) <= VIN_CHARS and (len(s) != 17 or s[0] != "0")
    return Checked(s, valid)


def engine(raw: str) -> Checked:
    """Engine numbers: letters, digits and one dash or dot as printed; 6 to 20 characters."""
    s = re.sub(r"\s+", "", base_letters(normalize_text(raw)).upper())  # a mark read on a letter ("G4LẠDG") is none
    valid = 6 <= len(s) <= 20 and re.fullmatch(r"[A-Z0-9][A-Z0-9\-.]*[A-Z0-9]", s) is not None
    return Checked(s, valid)


def brand(raw: str, threshold: float = 80.0) -> tuple[Checked, float]:
    """The closest known brand (rapidfuzz) and the match score 0..1; unknown brands stay as read.
    A word without a letter read beside it ("KIA 2") is a speck: no brand has one."""
    words = [w for w in normalize_text(raw).upper().split() if any(c.isalpha() for c in w)]
    return _closest(" ".join(words), BRANDS, threshold)


@cache
def _gazetteer() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(places as on the dated line, police units as in the front header) of every province and district."""
    from edge.synth.places import provinces

    places = tuple(p.place for p in provinces())
    units = tuple(sorted({p.authority for p in provinces()} | {d.authority for p in provinces() for d in p.districts}))
    return places, units


HOME_UNIT_MATCH = 60.0  # a header this like one of the plate's province's units is that unit


@cache
def _units_of() -> dict[str, tuple[str, ...]]:
    """Each province's police units (its own and its districts'), by the province's name."""
    from edge.synth.places import provinces

    return {p.name: tuple(sorted({p.authority} | {d.authority for d in p.districts})) for p in provinces()}


def _closest(text: str, choices: tuple[str, ...], threshold: float) -> tuple[Checked, float]:
    hit = process.extractOne(text, choices, scorer=fuzz.ratio, processor=fold_marks)
    if hit and hit[1] >= threshold:
        return Checked(str(hit[0]), True), float(hit[1]) / 100
    return Checked(text, False), float(hit[1]) / 100 if hit else 0.0


def province_place(address_text: str) -> str | None:
    """The province an address ends in, as the dated line names it ("TP. Hà Nội" -> "Hà Nội")."""
    return _place_by_ending().get(address_text.rsplit(",", 1)[-1].strip())


@cache
def _place_by_ending() -> dict[str, str]:
    from edge.synth.places import provinces

    return {end: p.place for p in provinces() for end in p.address_names}


def place(raw: str, threshold: float = 80.0) -> tuple[Checked, float]:
    """The province named on the back's dated line, corrected to its spelling (rapidfuzz); specks
    read before or after it ("- Bắn Tre") are not part of it."""
    text = re.sub(r"\s+", " ", normalize_text(raw))
    return _closest(re.sub(r"^\W+|\W+$", "", text), _gazetteer()[0], threshold)


def authority(raw: str, threshold: float = 80.0, home: str | None = None) -> tuple[Checked, float]:
    """The issuing police unit of the front header, corrected to a known unit's spelling (rapidfuzz).

    ``home``: the province the card's plate (or address) names: a header read too badly for any
    unit is the one of that province's units it is still clearly like (HOME_UNIT_MATCH)."""
    text = re.sub(r"\s+", " ", normalize_text(raw)).strip(" ,.:").upper()
    found = _closest(text, _gazetteer()[1], threshold)
    if not found[0].valid and home is not None and (units := _units_of().get(home)):
        near = _closest(text, units, HOME_UNIT_MATCH)  # its score, under 0.8, is the field's confidence's
        if near[0].valid:
            return near
    if not found[0].valid and not fold_marks(text).startswith("cong"):
        # every unit's name opens with "CÔNG AN": its first word faded or cut off ("AN TP HÀ NỘI")
        whole = _closest(f"CÔNG {text}" if fold_marks(text).startswith("an ") else f"CÔNG AN {text}",
                         _gazetteer()[1], threshold)
        found = (whole[0], found[1]) if whole[0].valid else found  # scored as read, not as completed
    return found


@cache
def _admin_names() -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, tuple[str, ...]]]]:
    """Per province: how an address may end; and per province ending, its districts as printed (both forms)."""
    from edge.synth.places import provinces

    ends: dict[str, tuple[str, ...]] = {}
    districts: dict[str, dict[str, tuple[str, ...]]] = {}
    for p in provinces():
        ends[p.name] = p.address_names
        labels = tuple(d.label(full) for d in p.districts for full in (False, True))
        districts[p.name] = {d.label(full): _ward_labels(_ward_names(d)) for d in p.districts for full in (False, True)}
        districts[p.name][""] = labels
    return ends, districts


@cache
def _endings() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every way an address may end (a province's names), and the province of each."""
    pairs = [(name, end) for name, options in _admin_names()[0].items() for end in options]
    return tuple(n for n, _ in pairs), tuple(e for _, e in pairs)


def _ward_names(district: District) -> tuple[str, ...]:
    """A district's wards as printed after their kind, and its town (thị trấn) that bears its name."""
    return (*(w.removeprefix("TT ") for w in district.wards), district.name)


def _ward_labels(wards: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{w} {n}" for n in wards for w in ("P.", "Phường", "X.", "Xã", "TT.", "Thị trấn"))


def _no_camel_case(text: str) -> str:
    """A capital read after a small letter inside a word ("LậP"), or a second capital before small
    letters ("VIệt"), is a misread case: no printed address word mixes them so ("1/16A", "KCN"
    and "TP." are not touched)."""
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        first = next((i for i, c in enumerate(word) if c.islower()), len(word))
        head = word[:first] if first <= 1 or first == len(word) else word[0] + word[1:first].lower()
        return head + word[first:].lower()
    return re.sub(r"[^\W\d_]+", fix, text)


# Words that open an address part, as printed, by their letters without marks: a misread tone
# ("Sỗ 8", "Ẩp Mỹ Hưng", "Đường sô 29") is put right where the word opens a part or stands
# before a number, and the set phrases wherever they stand ("Tổ đần phố", "Thị trân")
NUMBERED_WORDS = {base_letters(w).lower(): w for w in (
    "Số", "Tổ", "Ngõ", "Hẻm", "Ngách", "Đường", "Kiệt", "Khối", "Đội", "Xóm", "Thôn", "Ấp", "Phường", "Quận")}
# ... of which these open a part whatever follows: no street or ward starts with their letters
# (unlike Tô Hiến Thành, Ngô Quyền, Dương Quảng Hàm, Phương Mai, Quán Thánh)
OPENING_WORDS = {base_letters(w).lower(): w for w in ("Số", "Xóm", "Thôn", "Ấp", "Khối", "Hẻm", "Kiệt", "Ngách")}
SET_PHRASES = {base_letters(w).lower(): w for w in (
    "Tổ dân phố", "Khu phố", "Thị trấn", "Thị xã", "Thành phố", "Số nhà", "Đường số")}
# the words an address prints in small letters (a street's "đường", a lane's "ngõ", "Căn hộ",
# "Quốc lộ", "Thị trấn" ...): a word read in small letters with their letters is one of them
LOWER_WORDS = {base_letters(w): w for w in (
    "phố", "đường", "ngõ", "ngách", "hẻm", "số", "nhà", "thôn", "tổ", "dân", "xã", "trấn", "hộ", "lộ")}
_NUMBERED = re.compile(r"^(\w+)\b(?! \d)|(?<=, )(\w+)\b(?! \d)|\b(\w+)(?= \d)")
_PHRASES = re.compile(r"\b(" + "|".join(SET_PHRASES) + r")\b")


def _small_word(m: re.Match[str]) -> str:
    read = m.group(0)
    return LOWER_WORDS.get(base_letters(read), read) if read[0].islower() else read


def _as_cased(word: str, like: str) -> str:
    return word[0].lower() + word[1:] if like[:1].islower() else word


def _address_words(text: str) -> str:
    """Address keywords misread in a tone mark, spelt as printed (the case of the first letter kept);
    a word in small letters spelt like one of the words an address prints so is that word."""
    def numbered(m: re.Match[str]) -> str:
        read = m.group(0)
        words = NUMBERED_WORDS if m.group(3) else OPENING_WORDS
        word = words.get(base_letters(read).lower())
        return _as_cased(word, read) if word is not None else read

    text = _NUMBERED.sub(numbered, text)
    text = re.sub(r"(?<!\w)[^\W\d_]+(?!\w)", _small_word, text)
    folded = base_letters(text).lower()  # same length: spans line up with the text
    out, at = [], 0
    for m in _PHRASES.finditer(folded):
        out += [text[at:m.start()], _as_cased(SET_PHRASES[m.group(1)], text[m.start():m.end()])]
        at = m.end()
    return "".join(out) + text[at:]


ADDRESS_LABEL = "dia chi"
LABEL_LEAD_SCORE = 60.0  # (75 until the fifteenth session: "Địa d:", "ĐH nhi" were kept)


def _without_label(text: str) -> str:
    """The address without its own label read into the same line ("Địu chi Kiệt 35/26 …",
    "Bịa chỉ Số 8 …"): two leading words like "Địa chỉ", followed by how an address opens
    (a number or an opening word), are dropped."""
    words = text.split(" ")
    for k in (2, 1):  # the label's two words, or the two read as one ("Địacti:")
        if len(words) < k + 2:
            continue
        lead = base_letters(" ".join(words[:k])).lower().rstrip(":;., ")
        rest = base_letters(words[k]).lower().strip(",.")
        opens = rest[:1].isdigit() or rest in OPENING_WORDS or rest in NUMBERED_WORDS
        if opens and fuzz.ratio(lead, ADDRESS_LABEL) >= LABEL_LEAD_SCORE:
            return " ".join(words[k:])
    return _without_speck(words)


def _without_speck(words: list[str]) -> str:
    """A speck or a bit of the frame read before an address that opens with a word of its own
    ("7 Xóm Tiền Phong", "Tn 8 Thôn 30"): dropped, when short and no address word itself."""
    for k in (1, 2):
        if len(words) < k + 2 or sum(len(w) for w in words[:k]) > SPECK_CHARS:
            continue
        head = [base_letters(w).lower().strip(",.:;") for w in words[:k]]
        if any(h in OPENING_WORDS or h in NUMBERED_WORDS or h in UNIT_HEADS for h in head):
            continue
        # before a group's own word ("Đội 4"), a head without a digit (a house number may be one)
        opens = SPECK_BEFORE if any(c.isdigit() for c in "".join(words[:k])) else SPECK_BEFORE | SPECK_GROUPS
        if words[k][:1].isupper() and base_letters(words[k]).lower().strip(",.") in opens:
            return " ".join(words[k:])
    return " ".join(words)


SPECK_CHARS = 4  # characters in all: what is read before an address's opening word may be a speck
# ... before these (a hamlet's name or "Số" itself: no house number comes before them)
SPECK_BEFORE = {base_letters(w).lower() for w in ("Số", "Xóm", "Thôn", "Ấp")}
SPECK_GROUPS = frozenset(base_letters(w).lower() for w in ("Tổ", "Đội", "Khối"))  # ... with no digit in it
UNIT_HEADS = {base_letters(w).lower() for w in ("Lô", "Căn", "Phòng", "Nhà", "Kios", "Khu")}  # "Lô 7 Thôn 3"

# Words that open a ward, district or province part of an address, as printed
UNIT_WORDS = ("Xã", "X.", "Phường", "P.", "Thị trấn", "TT.", "Huyện", "H.", "Quận", "Q.", "Thị xã", "TX.",
              "Thành phố", "TP.", "TP", "Tỉnh")
# ... and words after which one names a street ("đường Xã Đàn") or a hamlet, not a unit
STREET_WORDS = frozenset({"đường", "phố", "ngõ", "hẻm", "ngách", "kiệt"})  # compared in small letters
# ... and what a hamlet or a residents' group is numbered after ("Thôn 25 Xã Hòa Lợi"; a house number
# before a unit word names a street: "5/244 Xã Đàn", "Số 35 Xã Đàn")
GROUP_WORDS = frozenset({"thon", "xom", "to", "ap", "khoi", "doi", "ban", "khu", "lang", "buon"})
_LOST_COMMA = re.compile(
    r"(?<=\w)\.? (?=(?:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r") \w)")


def _commas(text: str) -> str:
    """A comma lost or read as a full stop before a ward, district or province ("Thôn 25 Xã Hòa
    Lợi", "Q. Cầu Giấy. TP. Hà Nội") is put back, unless a street is named so ("đường Xã Đàn",
    "5/244 Xã Đàn")."""
    def put(m: re.Match[str]) -> str:
        before = text[:m.start()].rsplit(" ", 1)[-1]
        part = base_letters(text[:m.start()].rsplit(",", 1)[-1].strip()).lower()
        numbered = any(c.isdigit() for c in before) and part.split(" ", 1)[0] not in GROUP_WORDS
        return m.group(0) if before.lower() in STREET_WORDS or before in UNIT_WORDS or numbered else ", "
    return _LOST_COMMA.sub(put, text)


HOUSE_LETTER = re.compile(r"\b\d+[a-z]\b")  # a house number's letter, printed in capitals


LOT_SPLIT = re.compile(r"(?<=\bLô )([A-Z]) (?=\d)")
DIGITS_SPLIT = re.compile(r"\b(Thôn|Xóm|Tổ|Đội|Khối|Ấp|phố) (\d) (\d)\b")
FULL_STOP_COMMA = re.compile(r"(?<=\d)\.(?= [A-ZĐ])")
# a group's word run into its number, or a dot read for the space ("tổ2", "Thôn.5")
GLUED_NUMBER = re.compile(r"\b(Thôn|Xóm|Tổ|tổ|Đội|Khối|Ấp|thôn|xóm)(?:\.\s?|)(\d)")


@lru_cache(maxsize=256)  # one side asks for its address several times (pipeline, validation); bounded
def address(raw: str, threshold: float = 86.0, home: str | None = None) -> tuple[Checked, int]:
    """Province, district and ward at an address's end corrected to their spelling, street and
    hamlet names and lost commas put right; how many of the three were known.

    ``home``: the province the vehicle is registered in (its plate's), where owners live: an end
    read too badly for any province ("Bắn Tra", "P8 Nẵng"), or cut short ("Na"), is that one's
    name when it reads like it or begins it."""
    text = _commas(_address_words(_without_label(_no_camel_case(rejoin_split_words(normalize_text(raw), True)))))
    text = HOUSE_LETTER.sub(lambda m: m.group(0).upper(), text)  # "14c" is house 14C
    text = LOT_SPLIT.sub(r"\1", text)  # "Lô C 16" is lot C16
    text = DIGITS_SPLIT.sub(r"\1 \2\3", text)  # "Thôn 1 3," is Thôn 13
    text = FULL_STOP_COMMA.sub(",", text)  # "Tổ 1. Khu phố 1." : commas read as full stops
    text = GLUED_NUMBER.sub(r"\1 \2", text)
    parts = [p.strip(" .") if i == 0 else p.strip() for i, p in enumerate(re.split(r"\s*,\s*", text))]
    parts = [p for p in parts if p]
    if parts:
        parts[0] = parts[0][0].upper() + parts[0][1:]  # an address opens with a capital ("số nhà 73" is a misread case)
    if len(parts) < 2:
        return Checked(", ".join(parts), bool(parts)), 0
    provinces, endings = _endings()
    hit = process.extractOne(parts[-1], endings, scorer=fuzz.ratio, processor=fold_marks)
    if hit is None or hit[1] < threshold:
        # the comma before the province lost: "Huyện Mỏ Cày Nam Bến Tre" ends in a province
        words = parts[-1].split(" ")
        tails = [(t, k) for k in range(1, min(4, len(words) - 2) + 1)
                 if (t := process.extractOne(" ".join(words[-k:]), endings, scorer=fuzz.ratio,
                                             processor=fold_marks)) is not None]
        if tails and max(t[1] for t, _ in tails) >= threshold:
            hit, k = max(tails, key=lambda tk: tk[0][1])
            parts[-1:] = [" ".join(words[:-k]), " ".join(words[-k:])]
        elif (at_home := _home_ending(parts[-1], home)) is not None:
            hit = (at_home, HOME_ENDING_MATCH, endings.index(at_home))
        else:
            return Checked(", ".join(parts), True), 0
    parts[-1], known = str(hit[0]), 1
    by_district = _admin_names()[1][provinces[hit[2]]]
    if len(parts) >= 3:
        d = process.extractOne(parts[-2], by_district[""], scorer=fuzz.ratio, processor=fold_marks)
        if d is not None and d[1] >= threshold:
            parts[-2], known = str(d[0]), 2
            if len(parts) >= 4:
                ward = _ward(parts[-3], by_district.get(parts[-2], ()), threshold)
                parts[-3], known = (ward, 3) if ward is not None else (parts[-3], known)
    parts[:-3] = [p if p.startswith("KCN ") else _spelt_place(p) for p in parts[:-3]]  # a KCN is named for its district
    return Checked(", ".join(parts), True), known


HOME_ENDING_MATCH = 60.0  # an address's end this like a name of the plate's province is that name
MIN_HOME_PREFIX = 2  # ... or the first letters (at least this many) of one, the rest cut off


def _home_ending(read: str, home: str | None) -> str | None:
    """The name of province ``home`` that an address's end ``read`` reads like or begins."""
    options = _admin_names()[0].get(home or "")
    if not options:
        return None
    hit = process.extractOne(read, options, scorer=fuzz.ratio, processor=fold_marks)
    if hit is not None and hit[1] >= HOME_ENDING_MATCH:
        return str(hit[0])
    folded = fold_marks(read)
    begun = [o for o in options if len(folded) >= MIN_HOME_PREFIX and fold_marks(o).startswith(folded)]
    return min(begun, key=len) if begun else None


def _ward(read: str, wards: tuple[str, ...], threshold: float) -> str | None:
    """The ward as printed: as read when it is a known one; else the one of its district's, or of
    every known ward and commune, whose letters it spells exactly (the tables list only some of a
    district's wards; the district's own first); failing that, closely one of its district's."""
    if any(c.isdigit() for c in read):
        return None  # a numbered ward (Phường 11) is read as printed
    folded = fold_marks(read)
    own = {w for w in wards if fold_marks(w) == folded}
    same = own | set(_all_wards().get(folded, ()))
    if read in same:
        return read
    if len(own) == 1 or len(same) == 1:
        return (own or same).pop()
    w = process.extractOne(read, wards, scorer=fuzz.ratio, processor=fold_marks) if wards else None
    if w is not None and w[1] >= threshold and not same:
        return str(w[0])
    return _ward_letter_off(folded) if not same else None


def _ward_letter_off(folded: str) -> str | None:
    """The one known ward or commune whose letters (marks aside) ``folded`` is a letter off
    ("Đún Họp": Đức Hợp), for a name long enough to tell; else None."""
    if len(folded) < PLACE_EDIT_MIN:
        return None
    keys = _all_wards()
    near = process.extract(folded, keys.keys(), scorer=Levenshtein.distance, score_cutoff=1, limit=2)
    if len(near) != 1 or len(keys[near[0][0]]) != 1:
        return None
    return keys[near[0][0]][0]


@cache
def _all_wards() -> dict[str, tuple[str, ...]]:
    """Every known ward and commune as printed (with each way of writing its kind), by its letters
    without marks; a key with more than one spelling is ambiguous."""
    from edge.synth.places import place_data, provinces

    data = place_data()
    names = {w for p in provinces() for d in p.districts for w in _ward_names(d)}
    names |= set(data.urban_wards) | {c for pool in data.rural_communes.values() for c in pool}
    return by_letters(_ward_labels(tuple(sorted(names))))


@cache
def _place_names() -> dict[str, tuple[str, ...]]:
    """Street and hamlet names of two words or more, by their letters without marks."""
    from edge.synth.places import place_data

    data = place_data()
    return by_letters(n for n in (*data.streets, *(h for pool in data.hamlets.values() for h in pool)) if " " in n)


def by_letters(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Spellings by their letters without marks (a key with more than one is ambiguous)."""
    out: dict[str, set[str]] = {}
    for name in names:
        out.setdefault(fold_marks(name), set()).add(name)
    return {k: tuple(sorted(v)) for k, v in out.items()}


PLACE_EDIT_MIN = 5  # letters (and spaces) of a street or hamlet name read a letter off


def _spelt_place(part: str) -> str:
    """A street or hamlet name that ends an address part, read with a wrong or lost mark or case
    ("Nguyễn Đình Chiếu", "Nơ Trang long"), spelt as it is known: where its letters spell one
    known name of two words or more exactly, the longest such ending; else where they are one
    letter off exactly one such name ("Yắt Kiêu": Yết Kiêu), the longest such ending."""
    words = part.split(" ")
    for start in range(max(0, len(words) - 6), len(words) - 1):
        spelt = _place_names().get(fold_marks(" ".join(words[start:])))
        if spelt is not None and len(spelt) == 1:
            return " ".join([*words[:start], spelt[0]])
    for start in range(max(0, len(words) - 6), len(words) - 1):  # ... or a letter off one ("Yắt Kiêu")
        tail = fold_marks(" ".join(words[start:]))
        first = base_letters(words[start]).lower()
        if len(tail) < PLACE_EDIT_MIN or not words[start][:1].isupper() or first in NUMBERED_WORDS:
            continue  # a name starts with a capital, and not with the word a lane or hamlet is named after
        near = [k for k in _place_names() if abs(len(k) - len(tail)) <= 1 and Levenshtein.distance(k, tail) <= 1]
        if len(near) == 1 and len(_place_names()[near[0]]) == 1:
            return " ".join([*words[:start], _place_names()[near[0]][0]])
    return part


def rejoin_split_words(text: str, lower_after: bool) -> str:
    """A syllable read with a space after its first consonants ("C ầu", "N guyễn", "Ngh ĩa",
    "C HÍ"): a piece with no vowel, all letters, joined to the word after it when the two spell
    one syllable.  ``lower_after``: only when that word opens in lower case (an address, where a
    capital opens a word of its own: "P Hàng Mã" is a ward with its full stop lost)."""
    from edge.ocr.syllables import is_syllable

    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if (w.isalpha() and nxt[:1].isalpha() and (nxt[:1].islower() or not lower_after)
                and not set(fold_marks(w)) & set("aeiouy")
                and is_syllable(w + nxt.rstrip(",.;:"))):
            out.append(w + nxt)
            i += 2
            continue
        out.append(w)
        i += 1
    return " ".join(out)


def name(raw: str) -> Checked:
    """Owner names are printed in capitals; NFC, single spaces, letters and spaces only.

    A speck read before or after the name (one or two characters, no letter; or one letter before
    a family name) is dropped, and a name read mostly in capitals is all capitals ("NGUyỄN" ->
    "NGUYỄN")."""
    no_colon = normalize_text(raw.replace(":", " ").replace(";", " "))  # no name has a colon
    words = rejoin_split_words(no_colon, lower_after=False).split()
    junk = [len(w) <= 2 and not any(c.isalpha() for c in w) for w in words]
    while words and junk[0]:
        words, junk = words[1:], junk[1:]
    while words and junk[-1]:
        words, junk = words[:-1], junk[:-1]
    numbered = any(c.isdigit() for c in "".join(words))
    if words and fold_marks(words[0]) not in COMPANY_OPENERS:  # a person's name has no number: a speck,
        # or a neighbouring cell's print run into its line ("THỊNH C.13"), left out (and the name
        # flagged, below: what was left out may have hidden a letter)
        words = [w for w, j in zip(words, junk, strict=True) if not j and not any(c.isdigit() for c in w)]
    if len(words) >= 3 and len(words[0]) == 1 and (
            fold_marks(words[1]) in _surnames() or _glued(words[1]) or fold_marks(words[1]) in COMPANY_OPENERS):
        words = words[1:]  # a speck read as a letter before a family name or a company: no name starts with one
    if len(words) >= 2 and _glued(words[0]):
        words[0] = words[0][1:]  # ... or read stuck to it ("TPHẠM", "ỊMAI")
    s = " ".join(words)
    letters = [c for c in s if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) >= 0.75 * len(letters):
        s = s.upper()
        # a person's name starts with the family name: a common one read with a wrong or lost mark
        # ("NGUYÊN", "TRAN") is the one its letters spell; companies and cooperatives start otherwise
        head, _, rest = s.partition(" ")
        family = _surnames().get(fold_marks(head))
        if rest and family is not None and head not in _SPELT_SURNAMES:
            s = f"{family.upper()} {rest}"
    valid = bool(s) and all(c.isalpha() or c in " .-'" for c in s) and not numbered
    return Checked(s, valid)


def _glued(word: str) -> bool:
    """A family name with a speck read as a letter before it: any letter before one of three letters
    or more, a thin one (I, L, T) before one of two ("TLÊ", "IVŨ")."""
    if fold_marks(word) in _surnames() or fold_marks(word[1:]) not in _surnames():
        return False
    return len(word) > 3 or (len(word) == 3 and word[0] in SPECK_LETTERS)


SPECK_LETTERS = "ILTJl1i|!"  # what a speck or a frame's stroke beside a word is read as
# How the names of companies and cooperatives open (unaccented): an owner never starts with a lone letter
COMPANY_OPENERS = frozenset({"cong", "doanh", "hop", "chi", "tap"})


# Common Vietnamese family names, the commonest first: a misread one is the first that its letters
# without marks spell (Đoàn before Doãn); one read as any of them is kept.
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Đoàn", "Trịnh", "Lâm", "Mai", "Cao", "Tạ", "Tô",
            "Hà", "Quách", "Lưu", "Châu", "Thái", "Kiều", "Triệu", "Lại", "Tăng", "Vương", "Phùng", "Từ", "Doãn")


@cache
def _surnames() -> dict[str, str]:
    """Family name without its marks -> its commonest spelling."""
    out: dict[str, str] = {}
    for name in SURNAMES:
        out.setdefault(fold_marks(name), name)
    return out


_SPELT_SURNAMES = frozenset(n.upper() for n in SURNAMES)


@cache
def _province_codes() -> dict[str, str]:
    """Plate code -> folded province name, from the reference table shared with the generator."""
    import json
    from importlib import resources

    doc = json.loads(resources.files("edge.synth.data").joinpath("places.json").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for prov in doc["provinces"]:
        for code in prov["codes"]:
            out[str(code)] = fold_marks(prov["name"])
    return out


@lru_cache(maxsize=1 << 16)  # the gazetteer's names are folded again at every fuzzy match: once each
def fold_marks(text: str) -> str:
    """Lower case without diacritics, for comparisons a misread tone mark must not break."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def plate_matches_address(plate_text: str, address: str) -> bool | None:
    """Whether the plate's province code belongs to the province the address ends with (None: unknown)."""
    code = plate_province_code(plate_text)
    province = _province_codes().get(code or "")
    if province is None or not address:
        return None
    tail = fold_marks(address).split(",")[-1].strip()
    tail = re.sub(r"^(tinh|thanh pho|tp\.?)\s*", "", tail)
    return fuzz.partial_ratio(province.replace("tp ", ""), tail) >= 85
