"""From raw field texts to the API's side result: normalise, validate, and set each confidence.

A field's confidence starts as the recogniser's probability of its least sure character and is
lowered when the value fails its validator (a plate that cannot exist, a 31st of February, a
first registration after the last) and raised or lowered by cross-checks (the plate's province
code against the address; name, address and plate against the other side of the same card).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from edge.document import normalize as norm
from edge.document.companies import respell_company
from edge.document.digits import redigit, trim_speck
from edge.document.fields import Raw
from edge.document.names import remark_name
from edge.document.vehicles import (
    brand_of_model,
    brand_of_numbers,
    capacity_of,
    chassis_for_engine,
    model,
    one_edit_fix,
)
from edge.ocr.charset import normalize_text
from edge.schema import SIDE_FIELDS, FieldValue, SideResult, SideType

INVALID = 0.3  # a value that fails its validator keeps at most this share of its confidence
MISMATCH = 0.6  # ... one that disagrees with another field or side
IN_PART = 0.5  # ... a date read in part, agreeing with another field's in what was read
EDITED = 0.8  # ... a chassis or engine number one edit from its catalogue pattern, put right
HOME_MATCH = 55.0  # a misread dated-line place this like the registration province (plate's or address's) is it
HOME_PART_MATCH = 90.0  # ... or a part of it read this closely ("húc" for Vĩnh Phúc, the rest under the stamp)
MIN_PLACE_LETTERS = 3  # ... of at least this many letters (fewer are a speck or two under the stamp)
ID_DIGITS = 6  # a certificate number's usual length
ID_RE = re.compile(r"^\d{4,8}$")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", normalize_text(text)).strip(" :.,")


CAPACITY_EDITS = 1  # a capacity read this many digits (or two swapped) from the engine's catalogue entry's is it
CAPACITY_UNIT = r"( cm3| W)?"  # cylinder capacity, or an electric motor's power
CAPACITY = r"\d{1,3}(?:\.\d{3})*" + CAPACITY_UNIT  # whole cm3 or W, thousands after a dot ("1.4" is cut short)


def _capacity(text: str) -> norm.Checked:
    t = _clean(text).replace("cm³", "cm3").replace(" cm 3", " cm3")
    # a digit read as its look-alike in a number otherwise of digits ("I50", "1O0")
    t = re.sub(r"(?<![\w.,])[\dOoIl][\dOoIl.,]*(?![\w.,])", _digits_of, t)
    t = re.sub(r"(\d)\s*cm3$", r"\1 cm3", t)
    # letters of a misread label before the number ("TẤ. h: 110") or specks after it ("125 ng")
    number = re.search(r"(?<![\w.,])\d[\d.,]*" + CAPACITY_UNIT + r"(?!\w)", t)
    if number is not None and not re.fullmatch(CAPACITY, t):
        t = number.group(0)
    t = re.sub(r"^(\d{1,3}),(\d{3})(?!\d)", r"\1.\2", t)  # the thousands dot read as a comma
    # thousands are printed with a dot ("1.248 cm3"): one lost is put back
    t = re.sub(r"^(\d{1,3})(\d{3})(?= cm3$| W$)", r"\1.\2", t)
    return norm.Checked(t, bool(re.fullmatch(CAPACITY, t)))


def _digits_of(m: re.Match[str]) -> str:
    """A number read with a look-alike letter in it, as digits; a word with no digit, as read."""
    token = m.group(0)
    return token.translate(norm.TO_DIGIT_SAFE) if any(c.isdigit() for c in token) else token


PAY_LOAD = re.compile(r"(?<![\w.,])\d[\d.,]*\s*kg\b")


def _pay_load(text: str) -> norm.Checked:
    """A payload as printed ("1.400 kg"), without specks read before or after it ("1.400 kg 3")."""
    t = _clean(text)
    m = PAY_LOAD.search(t)
    return norm.Checked(re.sub(r"\s*kg$", " kg", m.group(0)) if m else t, bool(t))


def _id(text: str) -> norm.Checked:
    t = re.sub(r"\s+", "", _clean(text)).translate(norm.SMALL_TO_DIGIT).translate(norm.TO_DIGIT)
    return norm.Checked(t, bool(ID_RE.match(t)))


def doubtful(key: str, text: str) -> bool:
    """A key field's value as read that is likely misread: it fails its validator, or is not as
    long as nearly every such value (17 characters of a modern frame number, six digits of a
    certificate number; the validators let the rare older ones be)."""
    checked = _checked(key, text)[0]
    usual = {"chassis": 17, "id": 6}.get(key)
    return not checked.valid or (usual is not None and len(checked.text) != usual)


def _checked(key: str, text: str, home: str | None = None) -> tuple[norm.Checked, float]:
    """Canonical text, validity and an extra factor (the brand's fuzzy-match score) for one field;
    ``home``: the province of the side's plate, for an address's badly read end."""
    if key == "plate":
        return norm.plate(text), 1.0
    if key in ("first_issue_date", "last_issue_date"):
        return norm.calendar_date(text), 1.0
    if key == "engine" or key == "chassis":
        checked = norm.engine(text) if key == "engine" else norm.vin(text)
        fixed = one_edit_fix(checked.text, "engine" if key == "engine" else "chassis")
        return (norm.Checked(fixed, True), EDITED) if fixed is not None else (checked, 1.0)
    if key == "brand":
        checked, score = norm.brand(text)
        return checked, score if checked.valid else 1.0
    if key == "name":
        return norm.name(text), 1.0  # re-marked from its lines' probabilities in side_result
    if key == "id":
        return _id(text), 1.0
    if key == "capacity":
        return _capacity(text), 1.0
    if key == "address":
        return norm.address(text, home=home)[0], 1.0
    if key == "pay_load":
        return _pay_load(text), 1.0
    if key == "color":  # a colour is words: a speck read as a digit or a mark before it is not part of it
        t = re.sub(r"^(?:[^\w\s]|\d|_)+\s+", "", _clean(text))
        return norm.color(t), 1.0
    t = _clean(text)
    return norm.Checked(t, bool(t)), 1.0


def side_result(side: SideType, raw: dict[str, Raw]) -> SideResult:
    """Every field of ``side``: normalised text and confidence (empty text, confidence 0 when absent)."""
    texts: dict[str, tuple[str, float]] = {}
    dated = raw.get("last_issue_date")
    home = None  # where the vehicle is registered, as the dated line names it (backs only): the
    # province of its plate's code, or else of the owner's address
    home_confidence = 0.0
    plate = norm.plate(raw["plate"].text) if "plate" in raw else None
    plate = plate if plate is not None and plate.valid else None
    if side == SideType.BACK and plate is not None:
        home, home_confidence = norm.plate_place(plate.text), raw["plate"].confidence
    if side == SideType.BACK and home is None and "address" in raw:
        home = norm.province_place(norm.address(raw["address"].text)[0].text)
        home_confidence = raw["address"].confidence
    if side == SideType.BACK and dated is not None:
        parsed = norm.dated_line(dated.text)
        if parsed is not None:
            place, when = parsed
            known, score = norm.place(place.text)
            if not known.valid and home is not None:
                read, where = norm.fold_marks(place.text), norm.fold_marks(home)
                letters = sum(c.isalpha() for c in place.text)
                if fuzz.ratio(read, where) >= HOME_MATCH or (
                        letters >= MIN_PLACE_LETTERS and fuzz.partial_ratio(read, where) >= HOME_PART_MATCH):
                    # a misread place like the province of the plate or the owner's address
                    known, score = norm.Checked(home, True), HOME_MATCH / 100
                else:
                    # a place read as a speck or two under the stamp, or as no place at all ("Kam"):
                    # where the vehicle is registered, inferred rather than read
                    known, score = norm.Checked(home, True), INVALID
            texts["issued_at"] = (known.text, dated.confidence * (score if known.valid else INVALID))
            texts["last_issue_date"] = (when.text, dated.confidence * (1.0 if when.valid else INVALID))
        if parsed is None or not parsed[1].valid:
            # read too badly for a date: the first registration's, if what was read of it agrees
            first = norm.parse_date(norm.calendar_date(raw["first_issue_date"].text).text) \
                if "first_issue_date" in raw else None
            if first is not None and norm.agrees_in_part(dated.text, first):
                texts["last_issue_date"] = (first.strftime("%d/%m/%Y"), dated.confidence * IN_PART)
    if "issued_at" not in texts and home is not None:
        # the dated line lost under the stamp: the province of the plate or the owner's, where the
        # vehicle is registered, with a confidence that says it was not read
        texts["issued_at"] = (home, home_confidence * INVALID)
    plate_home = norm.plate_province(plate.text) if plate is not None else None
    if side == SideType.FRONT and "authority" in raw:
        a = raw["authority"]
        known, score = norm.authority(a.text, home=plate_home)
        texts["issued_at"] = (known.text, a.confidence * (score if known.valid else INVALID))
    for key in SIDE_FIELDS[side]:
        # the model (a back's) is spelt with its brand, once the brand is settled (_brand_and_model)
        if key in texts or key not in raw or key in ("issued_at", "last_issue_date", "model"):
            continue
        r = raw[key]
        text = r.text
        if key == "id":
            reads = [line.read for line in r.lines]
            text = trim_speck(redigit(text, reads), reads, ID_DIGITS)
        if key == "name":  # a company's form and trades first, before a digit in "TH1ẾT BỊ" flags it
            text = respell_company(text)
        checked, factor = _checked(key, text, plate_home)
        if key == "name" and checked.valid:
            checked = norm.Checked(remark_name(checked.text, (line.read for line in r.lines)), True)
        texts[key] = (checked.text, r.confidence * factor * (1.0 if checked.valid else INVALID))
    if side == SideType.BACK:
        _brand_and_model(texts, raw)
        _capacity_from_engine(texts)
        if "chassis" in texts and "engine" in texts:  # the chassis code the engine's family prints
            fitted = chassis_for_engine(texts["chassis"][0], texts["engine"][0])
            if fitted is not None:
                texts["chassis"] = (fitted, min(texts["chassis"][1], texts["engine"][1]) * EDITED)
    _cross_check(texts)
    info = {k: FieldValue(text=t, confidence=round(min(1.0, max(0.0, c)), 4)) for k, (t, c) in texts.items()}
    return SideResult(type=side, info=info)


def _brand_and_model(texts: dict[str, tuple[str, float]], raw: dict[str, Raw]) -> None:
    """A brand read as none known, or lost, is the one the chassis number's maker code (else the
    engine's type code, else the model's name) names, inferred with a low confidence; the model
    is spelt as its brand's catalogue name it was read like."""
    brand = texts.get("brand")
    known = brand is not None and brand[0] in norm.BRANDS
    numbers = {k: texts[k] for k in ("chassis", "engine") if k in texts}
    maker = brand_of_numbers(*(numbers.get(k, ("", 0.0))[0] for k in ("chassis", "engine")))
    if not known and maker is not None:
        texts["brand"] = (maker, max((c for _, c in numbers.values()), default=0.0) * INVALID)
        known = True
    read = raw.get("model")
    if read is None:
        return
    checked, score = model(read.text, texts["brand"][0] if known else None)
    if not known and (only := brand_of_model(checked.text)) is not None:
        texts["brand"] = (only, read.confidence * INVALID)  # a model only one brand makes
        checked, score = model(read.text, only)
    texts["model"] = (checked.text, read.confidence * (score if checked.valid else INVALID))


def _capacity_from_engine(texts: dict[str, tuple[str, float]]) -> None:
    """A capacity read as none can be, or lost, is the one the catalogue gives the engine number's
    pattern (and the model), inferred with a low confidence; one read as a capacity a digit
    from that one ("25", "5.192 cm3") is that one, put right."""
    capacity, engine, model_read = texts.get("capacity"), texts.get("engine"), texts.get("model")
    read = _capacity(capacity[0]) if capacity is not None else None
    model_name = model_read[0] if model_read is not None else None
    inferred, source = None, 0.0
    if engine is not None:
        inferred = capacity_of(engine[0], model_name) or (capacity_of(engine[0], None) if model_name else None)
        source = engine[1]
    if inferred is None and model_read is not None:  # the engine number misread: the model's own
        inferred, source = capacity_of(None, model_name), model_read[1]
    if not inferred or (read is not None and read.text == inferred):
        return
    if read is None or not read.valid:
        texts["capacity"] = (inferred, source * INVALID)
    elif capacity is not None and OSA.distance(_digits(read.text), _digits(inferred)) <= CAPACITY_EDITS:
        texts["capacity"] = (inferred, min(capacity[1], source) * EDITED)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _cross_check(texts: dict[str, tuple[str, float]]) -> None:
    """Within one side: dates in order, plate province against the address."""
    first, last = texts.get("first_issue_date"), texts.get("last_issue_date")
    a, b = (norm.parse_date(first[0]), norm.parse_date(last[0])) if first and last else (None, None)
    if first and last and a and b and b < a:
        if (a.year, a.month) == (b.year, b.month):
            # a day misread (a card is issued on or after the first registration): issued the
            # month the vehicle was first registered, it is the first registration's own card
            texts["last_issue_date"] = (first[0], last[1] * IN_PART)
        else:
            texts["first_issue_date"] = (first[0], first[1] * INVALID)
            texts["last_issue_date"] = (last[0], last[1] * INVALID)
    plate, address = texts.get("plate"), texts.get("address")
    if plate and address and norm.plate_matches_address(plate[0], address[0]) is False:
        texts["plate"] = (plate[0], plate[1] * MISMATCH)


def _agree(key: str, a: str, b: str) -> bool:
    if key == "plate":
        return a == b
    return fuzz.ratio(a.casefold(), b.casefold()) >= 92


def cross_sides(front: SideResult, back: SideResult) -> tuple[SideResult, SideResult]:
    """Name, address and plate printed on both sides: agreement raises, disagreement lowers confidence."""
    fi, bi = dict(front.info), dict(back.info)
    for key in ("name", "address", "plate"):
        f, b = fi.get(key), bi.get(key)
        if f is None or b is None or not f.text or not b.text:
            continue
        fc, bc = f.confidence or 0.0, b.confidence or 0.0
        if _agree(key, f.text, b.text):
            fc, bc = 1 - (1 - fc) * 0.5, 1 - (1 - bc) * 0.5
        else:
            fc, bc = fc * MISMATCH, bc * MISMATCH
        fi[key] = f.model_copy(update={"confidence": round(fc, 4)})
        bi[key] = b.model_copy(update={"confidence": round(bc, 4)})
    return front.model_copy(update={"info": fi}), back.model_copy(update={"info": bi})
