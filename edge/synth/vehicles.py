"""Vehicle models, colours, plates and engine / chassis (VIN) numbers for random cards.

The brand / model families live in ``edge/synth/data/vehicles.json`` and are parsed once, on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from edge.synth.draw import Rng, Weighted, data_json, pick, uniform_int, unit
from edge.synth.places import Province
from edge.synth.types import VehicleKind

TWO_LETTER_MOTO_SINCE = date(2023, 8, 15)

SERIES_LETTERS = "ABCDEFGHKLMNPSTUVXYZ"  # plate series letters: never I J O Q R W
SPECIAL_SERIES = frozenset({"LD", "KT", "NG", "NN", "CV", "CD", "TD", "HC", "DA", "MD", "MK", "NB"})
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # VIN letters: never I O Q
VIN_CHARS = VIN_LETTERS + "0123456789"
PLATE_RE = re.compile(r"^(\d{2})([A-HK-NPS-VX-Z][1-9]?|[A-HK-NPS-VX-Z]{2})-(\d{4}|\d{3}\.\d{2})$")


@dataclass(frozen=True)
class Engine:
    """An engine-number style, the capacity it goes with and (optionally) its own models / chassis."""

    template: str
    capacity: str
    models: tuple[str, ...] = ()  # empty: any of the family's model names
    chassis: tuple[str, ...] = ()  # empty: any of the family's chassis templates


@dataclass(frozen=True)
class VehicleModel:
    """A brand / model family with its engine and chassis number styles."""

    brand: str
    category: str  # moto, emoto, car, ecar, pickup, van, truck, bus
    years: tuple[int, int]
    weight: float
    models: tuple[str, ...]
    engines: tuple[Engine, ...]
    chassis: tuple[str, ...]
    types: tuple[str, ...]
    seats: tuple[str, ...]
    pay_loads: tuple[str, ...]

    @property
    def kind(self) -> VehicleKind:
        return "moto" if self.category in ("moto", "emoto") else "car"


@dataclass(frozen=True)
class _Vehicles:
    models: tuple[VehicleModel, ...]
    colors: dict[str, Weighted[str]]


@cache
def vehicle_data() -> _Vehicles:
    raw = data_json("vehicles.json")
    defaults = raw["defaults"]
    models = []
    for v in raw["vehicles"]:
        d = defaults[v["category"]]
        models.append(
            VehicleModel(
                brand=v["brand"],
                category=v["category"],
                years=(int(v["years"][0]), int(v["years"][1])),
                weight=float(v["weight"]),
                models=tuple(v["models"]),
                engines=tuple(Engine(e[0], e[1], *(tuple(x) for x in e[2:])) for e in v["engines"]),
                chassis=tuple(v["chassis"]),
                types=tuple(v.get("types", d["types"])),
                seats=tuple(v.get("seats", d["seats"])),
                pay_loads=tuple(v.get("pay_loads", d["pay_loads"])),
            )
        )
    colors = {k: Weighted.of([(c, float(w)) for c, w in v]) for k, v in raw["colors"].items()}
    return _Vehicles(tuple(models), colors)


@cache
def models_for(kind: VehicleKind, year: int) -> Weighted[VehicleModel]:
    """Models of this kind that were being registered in ``year``."""
    every = [m for m in vehicle_data().models if m.kind == kind]
    fit = [m for m in every if m.years[0] <= year <= m.years[1]] or every
    return Weighted.of([(m, m.weight) for m in fit])


def vehicle_models() -> tuple[VehicleModel, ...]:
    """Every brand / model family the generator draws from."""
    return vehicle_data().models


# --------------------------------------------------------------------------- vehicle numbers


def vin_year_code(year: int) -> str:
    """The model-year character of a VIN (position 10): 2001-2009 -> 1-9, 2010 -> A, ..."""
    if 2001 <= year <= 2009:
        return str(year - 2000)
    codes = "ABCDEFGHJKLMNPRSTVWXY"  # 2010.., no I O Q U Z 0
    return codes[(year - 2010) % len(codes)] if year >= 2010 else "Y"


def expand_template(rng: Rng, template: str, year: int) -> str:
    out = []
    for ch in template:
        if ch == "#":
            out.append(str(int(rng.random() * 10)))
        elif ch == "?":
            out.append(pick(rng, VIN_LETTERS))
        elif ch == "*":
            out.append(pick(rng, VIN_CHARS))
        elif ch == "~":
            out.append(vin_year_code(year))
        else:
            out.append(ch)
    return "".join(out)


def _series(rng: Rng, model: VehicleModel, last: date) -> str:
    if model.kind == "moto":
        if last >= TWO_LETTER_MOTO_SINCE and unit(rng) < 0.4:
            while True:
                s = pick(rng, SERIES_LETTERS) + pick(rng, SERIES_LETTERS)
                if s not in SPECIAL_SERIES:
                    return s
        return pick(rng, SERIES_LETTERS) + str(uniform_int(rng, 1, 9))
    cat = model.category
    if cat in ("truck", "pickup"):
        return "C" if unit(rng) < 0.85 else "D"
    if cat == "van":
        return "D"
    if cat == "bus":
        return "B"
    return "A" if unit(rng) < 0.7 else pick(rng, "EFGHK")


def random_plate(rng: Rng, prov: Province, model: VehicleModel, last: date) -> str:
    code = pick(rng, prov.codes)
    series = _series(rng, model, last)
    p_five = 0.0 if last.year < 2008 else 0.5 if last.year < 2012 else 0.93
    if last >= TWO_LETTER_MOTO_SINCE or unit(rng) < p_five:
        n = uniform_int(rng, 1, 99999)
        return f"{code}{series}-{n // 100:03d}.{n % 100:02d}"
    return f"{code}{series}-{uniform_int(rng, 1, 9999):04d}"


def printed_plate_variant(plate: str) -> str:
    """The other way motorcycle plates are printed: ``29B1-123.45`` -> ``29-B1 123.45``."""
    m = PLATE_RE.match(plate)
    if not m or len(m.group(2)) != 2:
        return plate
    return f"{m.group(1)}-{m.group(2)} {m.group(3)}"
