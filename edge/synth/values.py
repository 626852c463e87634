"""Realistic random card values and recogniser text lines, driven only by a numpy ``Generator``.

The word lists (provinces with their plate codes and districts, names, vehicles) live in
``edge/synth/data/*.json`` and are parsed once, on first use.  Every draw goes through the
``rng`` passed in, so a seed reproduces a card exactly whatever else the process does.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any, Generic, TypeVar

import numpy as np

from edge.ocr.charset import TONE_MARKS, VOWEL_BASES, charset
from edge.synth.types import CardValues, VehicleKind

T = TypeVar("T")
Rng = np.random.Generator

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
HEADERS: tuple[str, ...] = (NATIONAL_NAME, MOTTO)
TITLES: dict[VehicleKind, str] = {
    "moto": "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE MÔ TÔ, XE MÁY",
    "car": "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ",
}

# Printed label variants per field ("Nº" of the real cards written "No": the charset has no "º").
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("Tên chủ xe", "Chủ xe", "Tên chủ xe (Owner's full name)", "Tên chủ xe / Owner's full name"),
    "address": ("Địa chỉ", "Địa chỉ (Address)", "Địa chỉ / Address"),
    "id": ("Số", "Số (No)", "Số / No"),
    "plate": ("Biển số đăng ký", "Biển số", "Biển số đăng ký (No plate)", "Biển số đăng ký / No plate"),
    "engine": ("Số máy", "Số máy (Engine No)", "Số máy / Engine No"),
    "chassis": ("Số khung", "Số khung (Chassis No)", "Số khung / Chassis No"),
    "brand": ("Nhãn hiệu", "Nhãn hiệu (Brand)", "Nhãn hiệu / Brand"),
    "model": ("Số loại", "Số loại (Model code)", "Số loại / Model code"),
    "color": ("Màu sơn", "Màu sơn (Color)", "Màu sơn / Color"),
    "capacity": ("Dung tích", "Dung tích (Capacity)", "Dung tích xi lanh", "Dung tích / Capacity"),
    "pay_load": ("Tải trọng", "Tải trọng (Pay load)", "Tải trọng hàng hóa"),
    "first_issue_date": (
        "Đăng ký lần đầu ngày",
        "Đăng ký lần đầu ngày / Date of first registration",
        "Ngày đăng ký lần đầu",
    ),
    "vehicle_type": ("Loại xe", "Loại xe (Type)", "Loại xe / Type"),
    "seats": ("Số chỗ ngồi", "Số chỗ ngồi (Seats)", "Số người cho phép chở"),
    "expiry_date": (
        "Đăng ký xe có giá trị đến ngày",
        "Đăng ký xe có giá trị đến ngày (date of expiry)",
        "Có giá trị đến ngày",
    ),
}

# Other wording the card renderer prints (subtitle, signing unit and officer), for the recogniser.
_OTHER_PRINTED = (
    "CERTIFICATE OF VEHICLE REGISTRATION", "PHÒNG CẢNH SÁT GIAO THÔNG", "PHÒNG CSGT",
    "ĐỘI CẢNH SÁT GIAO THÔNG",
    "TRƯỞNG PHÒNG", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG CÔNG AN", "CÁN BỘ ĐĂNG KÝ",
)
_RANKS = ("Đại tá", "Thượng tá", "Trung tá", "Thiếu tá")

TEXT_LINE_MAX = 45  # longest random_text_line, in characters
MOTO_SHARE = 0.65
COMPANY_SHARE_CAR = 0.15
COMPANY_SHARE_COMMERCIAL = 0.5
TWO_LETTER_MOTO_SINCE = date(2023, 8, 15)
DATE_FIRST = date(2000, 1, 1)
DATE_LAST = date(2025, 6, 30)

SERIES_LETTERS = "ABCDEFGHKLMNPSTUVXYZ"  # plate series letters: never I J O Q R W
SPECIAL_SERIES = frozenset({"LD", "KT", "NG", "NN", "CV", "CD", "TD", "HC", "DA", "MD", "MK", "NB"})
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # VIN letters: never I O Q
VIN_CHARS = VIN_LETTERS + "0123456789"
PLATE_RE = re.compile(r"^(\d{2})([A-HK-NPS-VX-Z][1-9]?|[A-HK-NPS-VX-Z]{2})-(\d{4}|\d{3}\.\d{2})$")

_DISTRICT_WORDS = {  # kind: (abbreviation, full word, upper case for police units)
    "Q": ("Q.", "Quận", "QUẬN"),
    "H": ("H.", "Huyện", "HUYỆN"),
    "TX": ("TX.", "Thị xã", "THỊ XÃ"),
    "TP": ("TP.", "Thành phố", "THÀNH PHỐ"),
}
_WARD_WORDS = {"P": ("P.", "Phường"), "X": ("X.", "Xã"), "TT": ("TT.", "Thị trấn")}


def title(vehicle: VehicleKind) -> str:
    """The certificate title printed on the front for this kind of vehicle."""
    return TITLES[vehicle]


def labels() -> dict[str, tuple[str, ...]]:
    """Label variants per field key (a fresh dict, so callers may not alter ``LABELS``)."""
    return dict(LABELS)


# --------------------------------------------------------------------------- random helpers


@dataclass(frozen=True)
class _Weighted(Generic[T]):
    """Items with cumulative weights: one ``rng.random()`` and a bisect per draw."""

    items: tuple[T, ...]
    cum: tuple[float, ...]

    @staticmethod
    def of(pairs: Sequence[tuple[T, float]]) -> _Weighted[T]:
        return _Weighted(tuple(p[0] for p in pairs), tuple(accumulate(float(p[1]) for p in pairs)))


def _u(rng: Rng) -> float:
    return float(rng.random())


def _pick(rng: Rng, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _wpick(rng: Rng, w: _Weighted[T]) -> T:
    i = bisect.bisect_right(w.cum, rng.random() * w.cum[-1])
    return w.items[min(i, len(w.items) - 1)]


def _int(rng: Rng, lo: int, hi: int) -> int:
    """Uniform integer in [lo, hi]."""
    return lo + int(rng.random() * (hi - lo + 1))


def _digits(rng: Rng, n: int) -> str:
    return f"{int(rng.random() * 10**n):0{n}d}"


def _small(rng: Rng, hi: int) -> int:
    """A house / lane number: small ones are the most common."""
    return 1 + int(rng.random() ** 2 * hi)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class District:
    """A pre-2025 district-level unit (quận, huyện, thị xã, provincial city) and its wards."""

    kind: str  # Q, H, TX or TP
    name: str
    wards: tuple[str, ...]  # "TT X" marks a thị trấn
    numbered_wards: int  # wards are Phường 1..N

    @property
    def urban(self) -> bool:
        return self.kind != "H"

    def label(self, full: bool) -> str:
        abbr, word, _ = _DISTRICT_WORDS[self.kind]
        return f"{word if full else abbr} {self.name}"

    @property
    def authority(self) -> str:
        return f"CÔNG AN {_DISTRICT_WORDS[self.kind][2]} {self.name.upper()}"


@dataclass(frozen=True)
class Province:
    """One of the 63 provinces / centrally-run cities, with its plate codes."""

    name: str
    codes: tuple[str, ...]
    city: bool  # centrally-run city (Hà Nội, TP Hồ Chí Minh, Hải Phòng, Đà Nẵng, Cần Thơ)
    region: str  # north, central, south, highland, mountain: how hamlets and lanes are named
    weight: float
    districts: tuple[District, ...]

    @property
    def place(self) -> str:
        """As on the back's dated line."""
        return "TP Hồ Chí Minh" if self.name == "Hồ Chí Minh" else self.name

    @property
    def authority(self) -> str:
        """The provincial police unit in the front header."""
        return f"CÔNG AN {'TP' if self.city else 'TỈNH'} {self.name.upper()}"

    @property
    def address_names(self) -> tuple[str, ...]:
        """How an address may end for this province."""
        if self.city:
            return (self.place, f"TP. {self.name}", f"Thành phố {self.name}")
        return (self.name, f"Tỉnh {self.name}")


@dataclass(frozen=True)
class _Places:
    provinces: _Weighted[Province]
    by_code: dict[str, Province]
    urban_wards: tuple[str, ...]
    rural_communes: dict[str, tuple[str, ...]]  # "all" and a few regions of their own
    hamlets: dict[str, tuple[str, ...]]
    streets: tuple[str, ...]
    company_forms: tuple[str, ...]
    company_trades: tuple[str, ...]
    company_names: tuple[str, ...]


@dataclass(frozen=True)
class _Names:
    family: _Weighted[str]
    middle: dict[str, tuple[str, ...]]
    given: dict[str, tuple[str, ...]]


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
    colors: dict[str, _Weighted[str]]


@cache
def _json(name: str) -> Any:
    text = resources.files("edge.synth").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(unicodedata.normalize("NFC", text))


def _district(spec: str) -> District:
    head, _, tail = spec.partition(":")
    kind, _, name = head.strip().partition(" ")
    tail = tail.strip()
    if tail.startswith("#"):
        return District(kind, name.strip(), (), int(tail[1:]))
    wards = tuple(w.strip() for w in tail.split(",") if w.strip())
    return District(kind, name.strip(), wards, 0)


@cache
def _places() -> _Places:
    raw = _json("places.json")
    provinces = tuple(
        Province(
            name=p["name"],
            codes=tuple(p["codes"]),
            city=bool(p.get("city", False)),
            region=p["region"],
            weight=float(p["weight"]),
            districts=tuple(_district(d) for d in p["districts"]),
        )
        for p in raw["provinces"]
    )
    companies = raw["companies"]
    return _Places(
        provinces=_Weighted.of([(p, p.weight) for p in provinces]),
        by_code={c: p for p in provinces for c in p.codes},
        urban_wards=tuple(raw["urban_wards"]),
        rural_communes={k: tuple(v) for k, v in raw["rural_communes"].items()},
        hamlets={k: tuple(v) for k, v in raw["hamlets"].items()},
        streets=tuple(raw["streets"]),
        company_forms=tuple(companies["forms"]),
        company_trades=tuple(companies["trades"]),
        company_names=tuple(companies["names"]),
    )


@cache
def _names() -> _Names:
    raw = _json("names.json")
    return _Names(
        family=_Weighted.of([(n, float(w)) for n, w in raw["family"]]),
        middle={g: tuple(v) for g, v in raw["middle"].items()},
        given={g: tuple(v) for g, v in raw["given"].items()},
    )


@cache
def _vehicles() -> _Vehicles:
    raw = _json("vehicles.json")
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
    colors = {k: _Weighted.of([(c, float(w)) for c, w in v]) for k, v in raw["colors"].items()}
    return _Vehicles(tuple(models), colors)


@cache
def _models_for(kind: VehicleKind, year: int) -> _Weighted[VehicleModel]:
    """Models of this kind that were being registered in ``year``."""
    every = [m for m in _vehicles().models if m.kind == kind]
    fit = [m for m in every if m.years[0] <= year <= m.years[1]] or every
    return _Weighted.of([(m, m.weight) for m in fit])


@cache
def _words() -> tuple[str, ...]:
    return tuple(_json("words.json")["words"])


def provinces() -> tuple[Province, ...]:
    """All 63 provinces (pre-2025), with plate codes and districts."""
    return _places().provinces.items


def province_of_plate(plate: str) -> Province | None:
    """The registration province a plate's two-digit code belongs to (None for unknown codes)."""
    return _places().by_code.get(plate[:2])


def vehicle_models() -> tuple[VehicleModel, ...]:
    """Every brand / model family the generator draws from."""
    return _vehicles().models


# --------------------------------------------------------------------------- names, places


def _person_name(rng: Rng) -> str:
    names = _names()
    gender = "female" if _u(rng) < 0.45 else "male"
    middles = names.middle[gender]
    parts = [_wpick(rng, names.family), _pick(rng, middles)]
    if _u(rng) < 0.3:  # a second middle name: "Nguyễn Thị Ngọc Ánh", never "... Ngọc Thị ..."
        second = _pick(rng, middles)
        if second not in (parts[-1], "Thị", "Văn"):
            parts.append(second)
    given = _pick(rng, names.given[gender])
    if given == parts[-1]:
        given = _pick(rng, names.given[gender])
    parts.append(given)
    return " ".join(parts).upper()


def _company_name(rng: Rng) -> str:
    p = _places()
    form = _pick(rng, p.company_forms)
    trade = _pick(rng, p.company_trades)
    if _u(rng) < 0.35:  # "... THƯƠNG MẠI DỊCH VỤ VÀ VẬN TẢI ..." : long names are common
        other = _pick(rng, p.company_trades)
        if other != trade:
            trade = f"{trade} VÀ {other}"
    return f"{form} {trade} {_pick(rng, p.company_names)}"


def _commune(rng: Rng, prov: Province) -> str:
    communes = _places().rural_communes
    local = communes.get(prov.region)
    return _pick(rng, local if local and _u(rng) < 0.5 else communes["all"])


def _ward(rng: Rng, prov: Province, district: District, full: bool) -> str:
    p = _places()
    if district.numbered_wards and _u(rng) < 0.9:
        kind, name = "P", str(_int(rng, 1, district.numbered_wards))
    elif district.wards and _u(rng) < 0.85:
        name = _pick(rng, district.wards)
        if name.startswith("TT "):
            kind, name = "TT", name[3:]
        else:
            kind = "P" if district.urban else "X"
    elif district.urban:
        kind = "P" if district.kind == "Q" or _u(rng) < 0.8 else "X"
        name = _pick(rng, p.urban_wards) if kind == "P" else _commune(rng, prov)
    elif _u(rng) < 0.15:
        kind, name = "TT", district.name
    else:
        kind, name = "X", _commune(rng, prov)
    abbr, word = _WARD_WORDS[kind]
    return f"{word if full else abbr} {name}"


_STREET_FORMS: dict[str, tuple[str, ...]] = {
    "north": (
        "Số {n} {s}", "Số {n} ngõ {m} {s}", "Số {n} ngõ {m} ngách {k} {s}", "Số {n} ngõ {m} phố {s}",
        "Số nhà {n}, ngõ {m}, đường {s}", "{n} {s}", "Số {n} đường {s}", "Số {n}{a} phố {s}",
        "Phòng {r}, nhà {b}, {n} {s}", "Ngõ {m} {s}", "Số {n}, tổ {t}, {s}",
    ),
    "south": (
        "{n}/{m} {s}", "{n}/{m}/{k} {s}", "Số {n} đường {s}", "{n}{a} {s}", "Số {n} hẻm {m} {s}",
        "{n} Đường số {k}", "{n}/{m} Đường số {k}", "Số {n}, Tổ {t}, Khu phố {k}", "Căn hộ {r}, Lô {b}, {s}",
        "{n}/{m}{a} {s}",
    ),
    "central": (
        "Số {n} {s}", "K{m}/{n} {s}", "Kiệt {m}/{k} {s}", "Số {n} đường {s}", "Tổ {t}, Khối {k}",
        "{n} {s}", "Số {n}/{m} {s}",
    ),
    "highland": ("Số {n} {s}", "Tổ dân phố {t}, {s}", "{n} {s}", "Số {n}/{m} {s}"),
    "mountain": ("Số {n} {s}", "Tổ {t}, {s}", "Số nhà {n}, tổ {t}", "{n} {s}"),
}

_HAMLET_FORMS: dict[str, tuple[str, ...]] = {
    "north": ("Thôn {h}", "Xóm {k}", "Xóm {h}", "Thôn {k}", "Đội {k}", "Số {n}, thôn {h}"),
    "central": ("Thôn {h}", "Xóm {k}", "Khối {k}", "Tổ {t}, thôn {h}", "Thôn {k}"),
    "south": ("Ấp {h}", "Ấp {k}", "Tổ {t}, Ấp {h}", "Khu phố {k}", "Tổ {t}, Khu phố {k}", "Số {n}, Ấp {h}"),
    "highland": ("Thôn {k}", "Buôn {h}", "Làng {h}", "Tổ dân phố {k}", "Thôn {h}"),
    "mountain": ("Bản {h}", "Thôn {h}", "Tổ {t}", "Tổ dân phố {k}", "Bản {h}, tổ {t}"),
}


def _fill(rng: Rng, form: str, prov: Province) -> str:
    p = _places()
    return form.format(
        n=_small(rng, 250),
        m=_small(rng, 300),
        k=_small(rng, 30),
        t=_small(rng, 25),
        r=f"{_int(rng, 1, 30)}{_int(rng, 1, 20):02d}",
        a=_pick(rng, "ABCD"),
        b=f"{_pick(rng, 'ABCDE')}{_int(rng, 1, 9)}",
        s=_pick(rng, p.streets),
        h=_pick(rng, p.hamlets[prov.region] if _u(rng) < 0.8 else p.hamlets["north"]),
    )


def _address(rng: Rng, prov: Province, company: bool = False) -> tuple[str, District]:
    """A printed address in ``prov`` (and the district it lies in)."""
    district = _pick(rng, prov.districts)
    for attempt in range(4):
        full = attempt < 3 and _u(rng) < 0.4
        parts: list[str] = []
        if company and district.kind != "Q" and _u(rng) < 0.3:  # an industrial park (KCN)
            parts.append(f"Lô {_pick(rng, 'ABCDEFGH')}{_int(rng, 1, 30)}, KCN {district.name}")
        elif _u(rng) < {"Q": 1.0, "H": 0.2}.get(district.kind, 0.85):
            parts.append(_fill(rng, _pick(rng, _STREET_FORMS[prov.region]), prov))
        else:
            parts.append(_fill(rng, _pick(rng, _HAMLET_FORMS[prov.region]), prov))
        parts.append(_ward(rng, prov, district, full))
        parts.append(district.label(full))
        names = prov.address_names
        parts.append(names[-1] if full and _u(rng) < 0.6 else names[int(_u(rng) * (len(names) - 1))])
        text = ", ".join(parts)
        if len(text) <= 110:
            return text, district
    return text, district


# --------------------------------------------------------------------------- vehicle numbers


def vin_year_code(year: int) -> str:
    """The model-year character of a VIN (position 10): 2001-2009 -> 1-9, 2010 -> A, ..."""
    if 2001 <= year <= 2009:
        return str(year - 2000)
    codes = "ABCDEFGHJKLMNPRSTVWXY"  # 2010.., no I O Q U Z 0
    return codes[(year - 2010) % len(codes)] if year >= 2010 else "Y"


def _expand(rng: Rng, template: str, year: int) -> str:
    out = []
    for ch in template:
        if ch == "#":
            out.append(str(int(rng.random() * 10)))
        elif ch == "?":
            out.append(_pick(rng, VIN_LETTERS))
        elif ch == "*":
            out.append(_pick(rng, VIN_CHARS))
        elif ch == "~":
            out.append(vin_year_code(year))
        else:
            out.append(ch)
    return "".join(out)


def _series(rng: Rng, model: VehicleModel, last: date) -> str:
    if model.kind == "moto":
        if last >= TWO_LETTER_MOTO_SINCE and _u(rng) < 0.4:
            while True:
                s = _pick(rng, SERIES_LETTERS) + _pick(rng, SERIES_LETTERS)
                if s not in SPECIAL_SERIES:
                    return s
        return _pick(rng, SERIES_LETTERS) + str(_int(rng, 1, 9))
    cat = model.category
    if cat in ("truck", "pickup"):
        return "C" if _u(rng) < 0.85 else "D"
    if cat == "van":
        return "D"
    if cat == "bus":
        return "B"
    return "A" if _u(rng) < 0.7 else _pick(rng, "EFGHK")


def _plate(rng: Rng, prov: Province, model: VehicleModel, last: date) -> str:
    code = _pick(rng, prov.codes)
    series = _series(rng, model, last)
    p_five = 0.0 if last.year < 2008 else 0.5 if last.year < 2012 else 0.93
    if last >= TWO_LETTER_MOTO_SINCE or _u(rng) < p_five:
        n = _int(rng, 1, 99999)
        return f"{code}{series}-{n // 100:03d}.{n % 100:02d}"
    return f"{code}{series}-{_int(rng, 1, 9999):04d}"


def printed_plate_variant(plate: str) -> str:
    """The other way motorcycle plates are printed: ``29B1-123.45`` -> ``29-B1 123.45``."""
    m = PLATE_RE.match(plate)
    if not m or len(m.group(2)) != 2:
        return plate
    return f"{m.group(1)}-{m.group(2)} {m.group(3)}"


# --------------------------------------------------------------------------- dates


def _fmt(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _parse(s: str) -> date:
    d, m, y = s.split("/")
    return date(int(y), int(m), int(d))


def _random_date(rng: Rng, lo: date = DATE_FIRST, hi: date = DATE_LAST) -> date:
    return date.fromordinal(_int(rng, lo.toordinal(), hi.toordinal()))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _expiry(rng: Rng, model: VehicleModel, model_year: int, last: date, company: bool) -> str:
    """Newer car certificates of commercial or company vehicles carry a validity date."""
    if model.kind != "car" or last.year < 2020:
        return ""
    if model.category in ("truck", "bus") and _u(rng) < 0.7:
        end = date(model_year + (20 if model.category == "bus" else 25), 12, 31)
        if end > last:
            return _fmt(end)
    if _u(rng) < (0.35 if company else 0.08):
        return _fmt(_add_years(last, _int(rng, 2, 8)))
    return ""


# --------------------------------------------------------------------------- the card


def random_values(rng: Rng, vehicle: VehicleKind | None = None) -> CardValues:
    """Every value printed on one random certificate; deterministic in ``rng``'s state."""
    kind: VehicleKind = vehicle or ("moto" if _u(rng) < MOTO_SHARE else "car")
    places = _places()
    prov = _wpick(rng, places.provinces)
    first = _random_date(rng)
    last = first if _u(rng) < 0.55 else _random_date(rng, first, DATE_LAST)
    model = _wpick(rng, _models_for(kind, first.year))
    model_year = max(first.year - (1 if _u(rng) < 0.3 else 0), 2000)

    commercial = model.category in ("truck", "bus", "van")
    company = kind == "car" and _u(rng) < (COMPANY_SHARE_COMMERCIAL if commercial else COMPANY_SHARE_CAR)
    name = _company_name(rng) if company else _person_name(rng)
    address, district = _address(rng, prov, company)
    authority = district.authority if kind == "moto" and _u(rng) < 0.45 else prov.authority

    engine = _pick(rng, model.engines)
    colors = _vehicles().colors[kind]
    return CardValues(
        vehicle=kind,
        name=name,
        address=address,
        id=_digits(rng, 6),
        plate=_plate(rng, prov, model, last),
        authority=authority,
        place=prov.place,
        engine=_expand(rng, engine.template, model_year),
        chassis=_expand(rng, _pick(rng, engine.chassis or model.chassis), model_year),
        brand=model.brand,
        model=_pick(rng, engine.models or model.models),
        color=_wpick(rng, colors),
        capacity=engine.capacity,
        pay_load=_pick(rng, model.pay_loads),
        first_issue_date=_fmt(first),
        last_issue_date=_fmt(last),
        vehicle_type=_pick(rng, model.types),
        seats=_pick(rng, model.seats),
        expiry_date=_expiry(rng, model, model_year, last, company),
    )


def dated_line(values: CardValues) -> str:
    """The back's dated line, e.g. ``Hà Nội, ngày 05 tháng 06 năm 2020``."""
    return _dated(values.place, _parse(values.last_issue_date))


def _dated(place: str, d: date) -> str:
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


# --------------------------------------------------------------------------- text lines


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


_RHYMES = (
    "a ai ao au ay an ang anh ac ach at am ap oa oai oan oang oanh oat oac oay "
    "ăn ăng ăc ăt ăm ăp oăn oăng oăt oăc ân âng âc ât âm âp âu ây uân uât uây "
    "e eo en eng et ec em ep oe oen oet oeo ê êu ên ênh êt êch êm êp iêu iên iêng iêt iêc iêm iêp "
    "yêu yên yêt uyên uyêt uê uênh i ia iu in inh it ich im ip "
    "o oi on ong ot oc om op oong ô ôi ôn ông ôt ôc ôm ôp uôi uôn uông uôt uôc uôm "
    "ơ ơi ơn ơt ơm ơp ươi ươu ươn ương ươt ươc ươm ươp uơ u ua ui un ung ut uc um up "
    "ư ưa ưi ưu ưn ưng ưt ưc ưm y uy uyn uynh uyt uych uyu"
)

_ONSETS = _Weighted.of([
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
    for r in _RHYMES.split():
        i = _tone_bearer(r)
        out[r[i]].append(_Rhyme(r, i, r.endswith(("c", "ch", "p", "t"))))
    return {v: tuple(rs) for v, rs in out.items()}


@cache
def _toned() -> dict[str, tuple[str, ...]]:
    """Each vowel base with no tone and the five tones, NFC."""
    return {v: (v, *(unicodedata.normalize("NFC", v + m) for m in TONE_MARKS)) for v in VOWEL_BASES}


def _syllable(rng: Rng) -> str:
    """A Vietnamese-looking syllable whose tone-bearing vowel is drawn uniformly over all 72 forms."""
    vowel = _pick(rng, VOWEL_BASES)
    rhyme = _pick(rng, _rhymes_by_vowel()[vowel])
    forms = _toned()[vowel]
    mark = _pick(rng, (forms[2], forms[5])) if rhyme.stop else _pick(rng, forms)
    r = rhyme.text
    text = r[: rhyme.bearer] + mark + r[rhyme.bearer + 1 :]
    onset = _wpick(rng, _ONSETS)
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
    u = _u(rng)
    if u < 0.3:
        return _pick(rng, _words())
    if u < 0.38:
        names = _names()
        given = names.given["female" if _u(rng) < 0.5 else "male"]
        return _wpick(rng, names.family) if _u(rng) < 0.4 else _pick(rng, given)
    return _syllable(rng)


def _random_words(rng: Rng) -> str:
    n = 1 + int(rng.random() ** 1.5 * 6)
    style = _pick(rng, _CASES)
    mixed = _u(rng) < 0.1
    words = [_case(_word(rng), _pick(rng, _CASES) if mixed else style) for _ in range(n)]
    if _u(rng) < 0.06:  # an apostrophe, as in "Owner's" or "Cư M'gar"
        i = int(_u(rng) * n)
        words[i] = words[i] + "'s" if _u(rng) < 0.5 else words[i][:1] + "'" + words[i][1:]
    out = words[0]
    for w in words[1:]:
        u = _u(rng)
        sep = " " if u < 0.8 else ", " if u < 0.88 else " - " if u < 0.93 else ": " if u < 0.97 else "/"
        out += sep + w
    u = _u(rng)
    if u < 0.08:
        out = f"({out})"
    elif u < 0.13:
        out += "."
    elif u < 0.17:
        out += ":"
    elif u < 0.2:
        out = f"{out} {_small(rng, 200)}"
    return out


def _fit(rng: Rng, text: str, limit: int = TEXT_LINE_MAX) -> str:
    """A random run of whole words of ``text`` at most ``limit`` characters long."""
    if len(text) <= limit:
        return text
    words = text.split(" ")
    start = int(_u(rng) * len(words))
    out = words[start][:limit]
    for w in words[start + 1 :]:
        if len(out) + 1 + len(w) > limit:
            break
        out += " " + w
    return out


def _address_fragment(rng: Rng) -> str:
    prov = _wpick(rng, _places().provinces)
    text, _ = _address(rng, prov, _u(rng) < 0.1)
    if len(text) <= TEXT_LINE_MAX and _u(rng) < 0.5:
        return text
    parts = text.split(", ")
    start = int(_u(rng) * len(parts))
    out = parts[start]
    for p in parts[start + 1 :]:
        if len(out) + 2 + len(p) > TEXT_LINE_MAX or _u(rng) < 0.15:
            break
        out += ", " + p
    return out


def _value_line(rng: Rng) -> str:
    """One field value as printed (or the alternative plate form)."""
    kind: VehicleKind = "moto" if _u(rng) < 0.55 else "car"
    year = _int(rng, 2000, 2025)
    model = _wpick(rng, _models_for(kind, year))
    u = _u(rng)
    if u < 0.18:
        prov = _wpick(rng, _places().provinces)
        plate = _plate(rng, prov, model, _random_date(rng))
        return printed_plate_variant(plate) if _u(rng) < 0.25 else plate
    if u < 0.3:
        return _expand(rng, _pick(rng, model.engines).template, year)
    if u < 0.42:
        return _expand(rng, _pick(rng, model.chassis), year)
    if u < 0.52:
        return model.brand if _u(rng) < 0.4 else _pick(rng, _pick(rng, model.engines).models or model.models)
    if u < 0.62:
        return _wpick(rng, _vehicles().colors[kind])
    if u < 0.7:
        return _pick(rng, model.engines).capacity or _pick(rng, model.types)
    if u < 0.77:
        return _pick(rng, model.pay_loads) or _pick(rng, model.seats)
    if u < 0.84:
        return _pick(rng, model.types)
    if u < 0.95:
        return _fmt(_random_date(rng))
    return _digits(rng, 6)


def _label_line(rng: Rng) -> str:
    key = _pick(rng, tuple(LABELS))
    label = _pick(rng, LABELS[key])
    u = _u(rng)
    if u < 0.35:
        return label
    if u < 0.7:
        return label + ":"
    values = random_values(rng)
    value = getattr(values, key) or values.name
    return _fit(rng, f"{label}: {value}")


def _header_line(rng: Rng) -> str:
    u = _u(rng)
    if u < 0.25:
        return _pick(rng, HEADERS)
    if u < 0.45:
        return _pick(rng, tuple(TITLES.values()))
    if u < 0.6:
        return f"Số: {_digits(rng, 6)}"
    if u < 0.75:
        return _pick(rng, _OTHER_PRINTED)
    prov = _wpick(rng, _places().provinces)
    return prov.authority if _u(rng) < 0.6 else _pick(rng, prov.districts).authority


def _dated_line(rng: Rng) -> str:
    prov = _wpick(rng, _places().provinces)
    return _dated(prov.place, _random_date(rng))


def _name_line(rng: Rng) -> str:
    u = _u(rng)
    if u < 0.1:
        return _company_name(rng)
    if u < 0.25:  # the signing officer, in mixed case: "Thượng tá Nguyễn Văn Hùng"
        name = " ".join(_case(w, "title") for w in _person_name(rng).split())
        return f"{_pick(rng, _RANKS)} {name}" if _u(rng) < 0.5 else name
    return _person_name(rng)


def _short_line(rng: Rng) -> str:
    chars = charset().replace(" ", "")
    return "".join(_pick(rng, chars) for _ in range(_int(rng, 1, 3)))


_LINE_KINDS: _Weighted[Callable[[Rng], str]] = _Weighted.of([
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
    make = _wpick(rng, _LINE_KINDS)
    line = " ".join(_fit(rng, make(rng)).split())
    return line or "Số"
