"""Provinces, districts, wards, addresses and owner names (persons and companies) for random cards.

The tables (provinces with their plate codes and districts, streets, hamlets, names) live in
``edge/synth/data/places.json`` and ``names.json`` and are parsed once, on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from edge.synth.draw import Rng, Weighted, data_json, pick, small, uniform_int, unit, wpick

_DISTRICT_WORDS = {  # kind: (abbreviation, full word, upper case for police units)
    "Q": ("Q.", "Quận", "QUẬN"),
    "H": ("H.", "Huyện", "HUYỆN"),
    "TX": ("TX.", "Thị xã", "THỊ XÃ"),
    "TP": ("TP.", "Thành phố", "THÀNH PHỐ"),
}
_WARD_WORDS = {"P": ("P.", "Phường"), "X": ("X.", "Xã"), "TT": ("TT.", "Thị trấn")}


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
    provinces: Weighted[Province]
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
    family: Weighted[str]
    middle: dict[str, tuple[str, ...]]
    given: dict[str, tuple[str, ...]]


def _district(spec: str) -> District:
    head, _, tail = spec.partition(":")
    kind, _, name = head.strip().partition(" ")
    tail = tail.strip()
    if tail.startswith("#"):
        return District(kind, name.strip(), (), int(tail[1:]))
    wards = tuple(w.strip() for w in tail.split(",") if w.strip())
    return District(kind, name.strip(), wards, 0)


@cache
def place_data() -> _Places:
    raw = data_json("places.json")
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
        provinces=Weighted.of([(p, p.weight) for p in provinces]),
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
def name_data() -> _Names:
    raw = data_json("names.json")
    return _Names(
        family=Weighted.of([(n, float(w)) for n, w in raw["family"]]),
        middle={g: tuple(v) for g, v in raw["middle"].items()},
        given={g: tuple(v) for g, v in raw["given"].items()},
    )


def provinces() -> tuple[Province, ...]:
    """All 63 provinces (pre-2025), with plate codes and districts."""
    return place_data().provinces.items


def province_of_plate(plate: str) -> Province | None:
    """The registration province a plate's two-digit code belongs to (None for unknown codes)."""
    return place_data().by_code.get(plate[:2])


# --------------------------------------------------------------------------- names, places


def random_person_name(rng: Rng) -> str:
    names = name_data()
    gender = "female" if unit(rng) < 0.45 else "male"
    middles = names.middle[gender]
    parts = [wpick(rng, names.family), pick(rng, middles)]
    if unit(rng) < 0.3:  # a second middle name: "Nguyễn Thị Ngọc Ánh", never "... Ngọc Thị ..."
        second = pick(rng, middles)
        if second not in (parts[-1], "Thị", "Văn"):
            parts.append(second)
    given = pick(rng, names.given[gender])
    if given == parts[-1]:
        given = pick(rng, names.given[gender])
    parts.append(given)
    return " ".join(parts).upper()


def random_company_name(rng: Rng) -> str:
    p = place_data()
    form = pick(rng, p.company_forms)
    trade = pick(rng, p.company_trades)
    if unit(rng) < 0.35:  # "... THƯƠNG MẠI DỊCH VỤ VÀ VẬN TẢI ..." : long names are common
        other = pick(rng, p.company_trades)
        if other != trade:
            trade = f"{trade} VÀ {other}"
    return f"{form} {trade} {pick(rng, p.company_names)}"


def _commune(rng: Rng, prov: Province) -> str:
    communes = place_data().rural_communes
    local = communes.get(prov.region)
    return pick(rng, local if local and unit(rng) < 0.5 else communes["all"])


def _ward(rng: Rng, prov: Province, district: District, full: bool) -> str:
    p = place_data()
    if district.numbered_wards and unit(rng) < 0.9:
        kind, name = "P", str(uniform_int(rng, 1, district.numbered_wards))
    elif district.wards and unit(rng) < 0.85:
        name = pick(rng, district.wards)
        if name.startswith("TT "):
            kind, name = "TT", name[3:]
        else:
            kind = "P" if district.urban else "X"
    elif district.urban:
        kind = "P" if district.kind == "Q" or unit(rng) < 0.8 else "X"
        name = pick(rng, p.urban_wards) if kind == "P" else _commune(rng, prov)
    elif unit(rng) < 0.15:
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
    p = place_data()
    return form.format(
        n=small(rng, 250),
        m=small(rng, 300),
        k=small(rng, 30),
        t=small(rng, 25),
        r=f"{uniform_int(rng, 1, 30)}{uniform_int(rng, 1, 20):02d}",
        a=pick(rng, "ABCD"),
        b=f"{pick(rng, 'ABCDE')}{uniform_int(rng, 1, 9)}",
        s=pick(rng, p.streets),
        h=pick(rng, p.hamlets[prov.region] if unit(rng) < 0.8 else p.hamlets["north"]),
    )


def random_address(rng: Rng, prov: Province, company: bool = False) -> tuple[str, District]:
    """A printed address in ``prov`` (and the district it lies in)."""
    district = pick(rng, prov.districts)
    for attempt in range(4):
        full = attempt < 3 and unit(rng) < 0.4
        parts: list[str] = []
        if company and district.kind != "Q" and unit(rng) < 0.3:  # an industrial park (KCN)
            parts.append(f"Lô {pick(rng, 'ABCDEFGH')}{uniform_int(rng, 1, 30)}, KCN {district.name}")
        elif unit(rng) < {"Q": 1.0, "H": 0.2}.get(district.kind, 0.85):
            parts.append(_fill(rng, pick(rng, _STREET_FORMS[prov.region]), prov))
        else:
            parts.append(_fill(rng, pick(rng, _HAMLET_FORMS[prov.region]), prov))
        parts.append(_ward(rng, prov, district, full))
        parts.append(district.label(full))
        names = prov.address_names
        parts.append(names[-1] if full and unit(rng) < 0.6 else names[int(unit(rng) * (len(names) - 1))])
        text = ", ".join(parts)
        if len(text) <= 110:
            return text, district
    return text, district
