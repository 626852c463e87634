"""Random text lines for training the recogniser: values, labels, headers and Vietnamese-looking words.

Every draw goes through the ``rng`` passed in, so a seed reproduces a line exactly whatever else
the process does.  The extra word list lives in ``edge/synth/data/words.json``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from edge.ocr.charset import TONE_MARKS, VOWEL_BASES, charset
from edge.ocr.syllables import COMMON_RHYMES, STOPS
from edge.synth.draw import Rng, Weighted, data_json, digits, pick, small, uniform_int, unit, wpick
from edge.synth.places import name_data, place_data, random_address, random_company_name, random_person_name
from edge.synth.types import VehicleKind
from edge.synth.values import HEADERS, LABELS, TITLES, dated_text, format_date, random_date, random_values
from edge.synth.vehicles import expand_template, models_for, printed_plate_variant, random_plate, vehicle_data

# Other wording the card renderer prints (subtitle, signing unit and officer), for the recogniser.
_OTHER_PRINTED = (
    "CERTIFICATE OF VEHICLE REGISTRATION", "PHÒNG CẢNH SÁT GIAO THÔNG", "PHÒNG CSGT",
    "ĐỘI CẢNH SÁT GIAO THÔNG",
    "TRƯỞNG PHÒNG", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG CÔNG AN", "CÁN BỘ ĐĂNG KÝ",
)
_RANKS = ("Đại tá", "Thượng tá", "Trung tá", "Thiếu tá")

TEXT_LINE_MAX = 45  # longest random_text_line, in characters


@cache
def _words() -> tuple[str, ...]:
    return tuple(data_json("words.json")["words"])


def _tone_bearer(rhyme: str) -> int:
    """Index of the vowel that carries the tone mark (modern placement)."""
    mods = [i for i, c in enumerate(rhyme) if c in "ăâêôơư"]
    if mods:
        return mods[-1]
    vowels = [i for i, c in enumerate(rhyme) if c in "aeiouy"]
    if rhyme[vowels[-1] + 1 :]:
        return vowels[-1]
    if len(vowels) == 3:
        return vowels[1]
    if len(vowels) == 2:
        return vowels[1] if rhyme[vowels[0] : vowels[1] + 1] in ("oa", "oe", "uy") else vowels[0]
    return vowels[0]


_ONSETS = Weighted.of([
    ("", 5), ("b", 3), ("c", 4), ("ch", 3), ("d", 3), ("đ", 4), ("g", 2), ("gi", 2), ("h", 4), ("kh", 3),
    ("l", 4), ("m", 4), ("n", 4), ("ng", 4), ("nh", 4), ("p", 0.5), ("ph", 3), ("qu", 2), ("r", 2), ("s", 3),
    ("t", 5), ("th", 5), ("tr", 4), ("v", 3), ("x", 3), ("f", 1.2), ("j", 1.2), ("w", 1.2), ("z", 1.2),
])
_FRONT = "ieêy"


@dataclass(frozen=True)
class _Rhyme:
    text: str
    bearer: int
    stop: bool  # ends in c, ch, p, t: only the acute and dot-below tones


@cache
def _rhymes_by_vowel() -> dict[str, tuple[_Rhyme, ...]]:
    out: dict[str, list[_Rhyme]] = {v: [] for v in VOWEL_BASES}
    for r in COMMON_RHYMES.split():
        i = _tone_bearer(r)
        out[r[i]].append(_Rhyme(r, i, r.endswith(STOPS)))
    return {v: tuple(rs) for v, rs in out.items()}


@cache
def _toned() -> dict[str, tuple[str, ...]]:
    """Each vowel base with no tone and the five tones, NFC."""
    return {v: (v, *(unicodedata.normalize("NFC", v + m) for m in TONE_MARKS)) for v in VOWEL_BASES}


def _syllable(rng: Rng) -> str:
    """A Vietnamese-looking syllable whose tone-bearing vowel is drawn uniformly over all 72 forms."""
    vowel = pick(rng, VOWEL_BASES)
    rhyme = pick(rng, _rhymes_by_vowel()[vowel])
    forms = _toned()[vowel]
    mark = pick(rng, (forms[2], forms[5])) if rhyme.stop else pick(rng, forms)
    r = rhyme.text
    text = r[: rhyme.bearer] + mark + r[rhyme.bearer + 1 :]
    onset = wpick(rng, _ONSETS)
    front = r[0] in _FRONT
    if front:
        onset = {"c": "k", "g": "gh", "ng": "ngh"}.get(onset, onset)
        if onset == "gi" and r[0] == "i":
            onset = "g"
        if onset and r.startswith("yê"):
            text = "i" + text[1:]
    if onset == "qu" and r[0] in "uoôơư":
        onset = ""
    return onset + text


def _case(word: str, style: str) -> str:
    if style == "upper":
        return word.upper()
    if style == "lower":
        return word.lower()
    return word[:1].upper() + word[1:].lower()


_CASES = ("upper", "upper", "lower", "title")


def _word(rng: Rng) -> str:
    u = unit(rng)
    if u < 0.3:
        return pick(rng, _words())
    if u < 0.38:
        names = name_data()
        given = names.given["female" if unit(rng) < 0.5 else "male"]
        return wpick(rng, names.family) if unit(rng) < 0.4 else pick(rng, given)
    return _syllable(rng)


def _random_words(rng: Rng) -> str:
    n = 1 + int(rng.random() ** 1.5 * 6)
    style = pick(rng, _CASES)
    mixed = unit(rng) < 0.1
    words = [_case(_word(rng), pick(rng, _CASES) if mixed else style) for _ in range(n)]
    if unit(rng) < 0.06:  # an apostrophe, as in "Owner's" or "Cư M'gar"
        i = int(unit(rng) * n)
        words[i] = words[i] + "'s" if unit(rng) < 0.5 else words[i][:1] + "'" + words[i][1:]
    out = words[0]
    for w in words[1:]:
        u = unit(rng)
        sep = " " if u < 0.8 else ", " if u < 0.88 else " - " if u < 0.93 else ": " if u < 0.97 else "/"
        out += sep + w
    u = unit(rng)
    if u < 0.08:
        out = f"({out})"
    elif u < 0.13:
        out += "."
    elif u < 0.17:
        out += ":"
    elif u < 0.2:
        out = f"{out} {small(rng, 200)}"
    return out


def _fit(rng: Rng, text: str, limit: int = TEXT_LINE_MAX) -> str:
    """A random run of whole words of ``text`` at most ``limit`` characters long."""
    if len(text) <= limit:
        return text
    words = text.split(" ")
    start = int(unit(rng) * len(words))
    out = words[start][:limit]
    for w in words[start + 1 :]:
        if len(out) + 1 + len(w) > limit:
            break
        out += " " + w
    return out


def _address_fragment(rng: Rng) -> str:
    prov = wpick(rng, place_data().provinces)
    text, _ = random_address(rng, prov, unit(rng) < 0.1)
    if len(text) <= TEXT_LINE_MAX and unit(rng) < 0.5:
        return text
    parts = text.split(", ")
    start = int(unit(rng) * len(parts))
    out = parts[start]
    for p in parts[start + 1 :]:
        if len(out) + 2 + len(p) > TEXT_LINE_MAX or unit(rng) < 0.15:
            break
        out += ", " + p
    return out


def _value_line(rng: Rng) -> str:
    """One field value as printed (or the alternative plate form)."""
    kind: VehicleKind = "moto" if unit(rng) < 0.55 else "car"
    year = uniform_int(rng, 2000, 2025)
    model = wpick(rng, models_for(kind, year))
    u = unit(rng)
    if u < 0.18:
        prov = wpick(rng, place_data().provinces)
        plate = random_plate(rng, prov, model, random_date(rng))
        return printed_plate_variant(plate) if unit(rng) < 0.25 else plate
    if u < 0.3:
        return expand_template(rng, pick(rng, model.engines).template, year)
    if u < 0.42:
        return expand_template(rng, pick(rng, model.chassis), year)
    if u < 0.52:
        return model.brand if unit(rng) < 0.4 else pick(rng, pick(rng, model.engines).models or model.models)
    if u < 0.62:
        return wpick(rng, vehicle_data().colors[kind])
    if u < 0.7:
        return pick(rng, model.engines).capacity or pick(rng, model.types)
    if u < 0.77:
        return pick(rng, model.pay_loads) or pick(rng, model.seats)
    if u < 0.84:
        return pick(rng, model.types)
    if u < 0.95:
        return format_date(random_date(rng))
    return digits(rng, 6)


def _label_line(rng: Rng) -> str:
    key = pick(rng, tuple(LABELS))
    label = pick(rng, LABELS[key])
    u = unit(rng)
    if u < 0.35:
        return label
    if u < 0.7:
        return label + ":"
    values = random_values(rng)
    value = getattr(values, key) or values.name
    return _fit(rng, f"{label}: {value}")


def _header_line(rng: Rng) -> str:
    u = unit(rng)
    if u < 0.25:
        return pick(rng, HEADERS)
    if u < 0.45:
        return pick(rng, tuple(TITLES.values()))
    if u < 0.6:
        return f"Số: {digits(rng, 6)}"
    if u < 0.75:
        return pick(rng, _OTHER_PRINTED)
    prov = wpick(rng, place_data().provinces)
    return prov.authority if unit(rng) < 0.6 else pick(rng, prov.districts).authority


def _dated_line(rng: Rng) -> str:
    prov = wpick(rng, place_data().provinces)
    return dated_text(prov.place, random_date(rng))


def _name_line(rng: Rng) -> str:
    u = unit(rng)
    if u < 0.1:
        return random_company_name(rng)
    if u < 0.25:  # the signing officer, in mixed case: "Thượng tá Nguyễn Văn Hùng"
        name = " ".join(_case(w, "title") for w in random_person_name(rng).split())
        return f"{pick(rng, _RANKS)} {name}" if unit(rng) < 0.5 else name
    return random_person_name(rng)


def _short_line(rng: Rng) -> str:
    chars = charset().replace(" ", "")
    return "".join(pick(rng, chars) for _ in range(uniform_int(rng, 1, 3)))


_LINE_KINDS: Weighted[Callable[[Rng], str]] = Weighted.of([
    (_name_line, 10.0),
    (_address_fragment, 13.0),
    (_value_line, 20.0),
    (_dated_line, 4.0),
    (_label_line, 14.0),
    (_header_line, 5.0),
    (_random_words, 31.0),
    (_short_line, 3.0),
])


def random_text_line(rng: Rng) -> str:
    """One line for training the recogniser: values, labels, headers or random Vietnamese words."""
    make = wpick(rng, _LINE_KINDS)
    line = " ".join(_fit(rng, make(rng)).split())
    return line or "Số"
