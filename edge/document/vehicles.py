"""The vehicle catalogue as the reader uses it: model names by brand, the brand that a chassis
number's maker code (its first letters, the VIN's WMI: RLH is Honda Vietnam, RLC Yamaha, RL4
Toyota) or an engine number's type code (HC12E-, 2TR) names, and the patterns of each family's
chassis and engine numbers, which put a number one misread character from one right.

The catalogue is ``edge/synth/data/vehicles.json`` (the families registered in Vietnam that the
generator draws from too), parsed once on first use.  A model or a maker the catalogue lacks is
left as read: the catalogue corrects misreads of what it knows, it does not refuse the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz, process

from edge.document.normalize import TO_DIGIT, Checked, fold_marks
from edge.ocr.charset import normalize_text

if TYPE_CHECKING:
    from edge.synth.vehicles import VehicleModel

MODEL_MATCH = 80.0  # a model read this like one of its brand's catalogue names is that name
MODEL_NEAR = 55.0  # ... or, among a known brand's models, this like one (chosen on 900-903: 60 -> 55 one more)
MODEL_MARGIN = 6.0  # ... and this much less like any other
MAX_CODE_EDITS = 3  # misread characters of a chassis pattern's fixed code put right from the engine's
MIN_CODE = 3  # the shortest maker or engine-type code that names a brand
TEMPLATE_SLOTS = re.compile(r"[#?*~]")  # where a number template's free characters begin
# what a template's free characters may be: a digit, a VIN letter (no I O Q), either, a model-year code
SLOT_CLASSES = {"#": "[0-9]", "?": "[A-HJ-NPR-Z]", "*": "[A-HJ-NPR-Z0-9]", "~": "[1-9A-HJ-NPR-TV-Y]"}
NumberKind = Literal["chassis", "engine"]
DIGIT_SHAPES = str.maketrans("0158", "oisb")  # digits read for the letters they look like, in model names


def one_edit_fix(number: str, kind: NumberKind) -> str | None:
    """``number`` (a normalised chassis or engine number) put right by the one edit that makes it
    a number of a catalogue family's pattern, when exactly one such number exists: a character
    read twice or lost ("RLHHCC1218…", "RLC5B917…" for RLCJ5B917…, a lost dash), or a letter of
    the pattern's fixed code, or a look-alike in a digit's place, misread ("HE12E-" for HC12E-).
    None when ``number`` already fits a pattern, or no single edit or more than one fits one."""
    pattern = _patterns(kind)
    if not number or pattern.fullmatch(number):
        return None
    fixed = {c for c in _one_edit(number, _pattern_letters(kind)) if pattern.fullmatch(c)}
    return fixed.pop() if len(fixed) == 1 else None


def chassis_for_engine(chassis: str, engine: str) -> str | None:
    """``chassis`` (read as no family's pattern) put right by the chassis patterns that go with the
    read ``engine`` number's: the one same-length pattern whose free places the read fits (a
    look-alike for a digit allowed) and whose fixed code it misreads in at most MAX_CODE_EDITS
    places ("RL83F4206NY474161" with engine JF42E-… is RLHJF4206NY474161). None when ``chassis``
    already fits a pattern, the engine none, or no pattern or more than one result fits."""
    from edge.synth.vehicles import vehicle_models

    if not chassis or not engine or _patterns("chassis").fullmatch(chassis):
        return None
    found = set()
    for family in vehicle_models():
        for e in family.engines:
            if not _pattern(e.template).fullmatch(engine):
                continue
            for template in e.chassis or _chassis_of(family):
                fitted = _fit(chassis, template)
                if fitted is not None:
                    found.add(fitted)
    return found.pop() if len(found) == 1 else None


def _fit(read: str, template: str) -> str | None:
    if len(read) != len(template):
        return None
    out, edits = [], 0
    for c, t in zip(read, template, strict=True):
        if t in SLOT_CLASSES:
            c = c if re.fullmatch(SLOT_CLASSES[t], c) else c.translate(TO_DIGIT)
            if not re.fullmatch(SLOT_CLASSES[t], c):
                return None
            out.append(c)
        else:
            edits += c != t
            out.append(t)
    return "".join(out) if edits <= MAX_CODE_EDITS else None


def _one_edit(s: str, letters: dict[int, frozenset[str]]) -> Iterator[str]:
    """Every string one edit from ``s`` that could fit a pattern: a character dropped, one
    replaced by a pattern's fixed character at its place or by the digit it looks like, one of
    a pattern's fixed characters put in."""
    for i in range(len(s)):
        yield s[:i] + s[i + 1:]
        for c in letters.get(i, frozenset()) | {s[i].translate(TO_DIGIT)}:
            if c != s[i]:
                yield s[:i] + c + s[i + 1:]
    for i in range(len(s) + 1):
        for c in letters.get(i, frozenset()):
            yield s[:i] + c + s[i:]


@cache
def _templates(kind: NumberKind) -> tuple[str, ...]:
    from edge.synth.vehicles import vehicle_models

    if kind == "chassis":
        return tuple(sorted({t for f in vehicle_models() for t in _chassis_of(f)}))
    return tuple(sorted({e.template for f in vehicle_models() for e in f.engines}))


@cache
def _patterns(kind: NumberKind) -> re.Pattern[str]:
    """Every family's number pattern of this kind, as one regular expression."""
    return re.compile("|".join(_pattern(t).pattern for t in _templates(kind)))


@cache
def _pattern_letters(kind: NumberKind) -> dict[int, frozenset[str]]:
    """The fixed characters the patterns have at each place."""
    out: dict[int, set[str]] = {}
    for t in _templates(kind):
        for i, c in enumerate(t):
            if c not in SLOT_CLASSES:
                out.setdefault(i, set()).add(c)
    return {i: frozenset(cs) for i, cs in out.items()}


def capacity_of(engine: str | None, model_name: str | None) -> str | None:
    """The one capacity the catalogue gives an engine number of this pattern (of the model, when it
    is known and the catalogue has it; any engine of the model's when ``engine`` is None), or None
    where it gives none or several."""
    from edge.synth.vehicles import vehicle_models

    if engine is None and not model_name:
        return None
    found = set()
    for family in vehicle_models():
        if model_name and model_name not in family.models:
            continue
        for e in family.engines:
            if (not model_name or not e.models or model_name in e.models) and (
                    engine is None or _pattern(e.template).fullmatch(engine)):
                found.add(e.capacity)
    return found.pop() if len(found) == 1 and "" not in found else None


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("".join(SLOT_CLASSES.get(c, re.escape(c)) for c in template))


def model(raw: str, brand: str | None) -> tuple[Checked, float]:
    """The catalogue's model name closest to ``raw`` (among ``brand``'s when it is known), compared
    without marks ("GÁT" is a misread GAT), and the match score 0..1; a model the catalogue lacks
    stays as read, in capitals (score 1). Among a known brand's few models a read only somewhat
    like one of them is that one when it is clearly less like the others (MODEL_NEAR, MODEL_MARGIN)."""
    text = re.sub(r"\s+", " ", normalize_text(raw).upper()).strip(" :.,")
    names = _models_by_brand().get(brand or "") or _all_models()
    if not text or text in names:
        return Checked(text, bool(text)), 1.0
    hits = process.extract(text, names, scorer=fuzz.ratio, processor=_plain, limit=2)
    if hits and hits[0][1] >= MODEL_MATCH:
        return Checked(str(hits[0][0]), True), float(hits[0][1]) / 100
    # among the few models of a known brand, a read as like one and clearly less like any other
    # ("STRU8 RC": SIRIUS RC 67, EXCITER RC 50) is that one, its score the confidence it carries
    second = hits[1][1] if len(hits) > 1 else 0.0
    if brand in _models_by_brand() and hits and hits[0][1] >= MODEL_NEAR and hits[0][1] - second >= MODEL_MARGIN:
        return Checked(str(hits[0][0]), True), float(hits[0][1]) / 100
    return Checked(text, True), 1.0


def _plain(text: str) -> str:
    """A model name as compared: letters without marks or spaces, digits as the letters they look
    like ("E X01TER" is EXCITER; "SIR1US" SIRIUS), the catalogue's names alike."""
    return fold_marks(text).replace(" ", "").translate(DIGIT_SHAPES)


def brand_of_numbers(chassis: str | None, engine: str | None) -> str | None:
    """The one brand that the chassis number's maker code, else the engine number's type code,
    names; None when neither names one brand."""
    for number, codes in ((chassis, _chassis_codes()), (engine, _engine_codes())):
        if not number:
            continue
        brands = {b for code, b in codes if number.startswith(code)}
        if len(brands) == 1:
            return brands.pop()
    return None


def brand_of_model(name: str) -> str | None:
    """The one brand whose catalogue lists model ``name``; None for a model of several or none."""
    brands = [b for b, names in _models_by_brand().items() if name in names]
    return brands[0] if len(brands) == 1 else None


@cache
def _models_by_brand() -> dict[str, tuple[str, ...]]:
    from edge.synth.vehicles import vehicle_models

    out: dict[str, dict[str, None]] = {}  # an ordered set per brand
    for family in vehicle_models():
        names = out.setdefault(family.brand, {})
        names.update(dict.fromkeys(family.models))
        for engine in family.engines:  # the names that go with one engine only ("GRAND I10 1.0 MT")
            names.update(dict.fromkeys(engine.models))
    return {b: tuple(ms) for b, ms in out.items()}


@cache
def _all_models() -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for ms in _models_by_brand().values() for m in ms))


def _chassis_of(family: VehicleModel) -> tuple[str, ...]:
    """A family's chassis templates, and those that go with one of its engines only."""
    return family.chassis + tuple(t for e in family.engines for t in e.chassis)


def _code(template: str) -> str:
    """A number template's fixed opening ("RLHHC120#~Y######" -> "RLHHC120")."""
    return TEMPLATE_SLOTS.split(template, maxsplit=1)[0]


@cache
def _chassis_codes() -> tuple[tuple[str, str], ...]:
    """(maker code, brand): the first three characters of each family's chassis numbers (the
    WMI), kept where they name one brand only."""
    from edge.synth.vehicles import vehicle_models

    pairs = {(_code(t)[:MIN_CODE], f.brand) for f in vehicle_models() for t in _chassis_of(f)
             if len(_code(t)) >= MIN_CODE}
    return _one_brand(pairs)


@cache
def _engine_codes() -> tuple[tuple[str, str], ...]:
    """(engine type code, brand): each family's engine numbers' fixed opening, where it names one brand."""
    from edge.synth.vehicles import vehicle_models

    pairs = {(_code(e.template), f.brand) for f in vehicle_models() for e in f.engines
             if len(_code(e.template)) >= MIN_CODE}
    return _one_brand(pairs)


def _one_brand(pairs: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    brands: dict[str, set[str]] = {}
    for code, brand in pairs:
        brands.setdefault(code, set()).add(brand)
    return tuple(sorted((code, next(iter(bs))) for code, bs in brands.items() if len(bs) == 1))
