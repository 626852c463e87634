"""Realistic random card values, the printed labels, headers and titles, and the back's dated line.

Every draw goes through the ``rng`` passed in, so a seed reproduces a card exactly whatever else
the process does.  Places and names come from ``edge.synth.places``, vehicles, plates and numbers
from ``edge.synth.vehicles``.
"""

from __future__ import annotations

from datetime import date

from edge.synth.draw import Rng, digits, pick, uniform_int, unit, wpick
from edge.synth.places import place_data, random_address, random_company_name, random_person_name
from edge.synth.types import CardValues, VehicleKind
from edge.synth.vehicles import VehicleModel, expand_template, models_for, random_plate, vehicle_data

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

MOTO_SHARE = 0.65
COMPANY_SHARE_CAR = 0.15
COMPANY_SHARE_COMMERCIAL = 0.5
DATE_FIRST = date(2000, 1, 1)
DATE_LAST = date(2025, 6, 30)


def title(vehicle: VehicleKind) -> str:
    """The certificate title printed on the front for this kind of vehicle."""
    return TITLES[vehicle]


def labels() -> dict[str, tuple[str, ...]]:
    """Label variants per field key (a fresh dict, so callers may not alter ``LABELS``)."""
    return dict(LABELS)


# --------------------------------------------------------------------------- dates


def format_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _parse(s: str) -> date:
    d, m, y = s.split("/")
    return date(int(y), int(m), int(d))


def random_date(rng: Rng, lo: date = DATE_FIRST, hi: date = DATE_LAST) -> date:
    return date.fromordinal(uniform_int(rng, lo.toordinal(), hi.toordinal()))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _expiry(rng: Rng, model: VehicleModel, model_year: int, last: date, company: bool) -> str:
    """Newer car certificates of commercial or company vehicles carry a validity date."""
    if model.kind != "car" or last.year < 2020:
        return ""
    if model.category in ("truck", "bus") and unit(rng) < 0.7:
        end = date(model_year + (20 if model.category == "bus" else 25), 12, 31)
        if end > last:
            return format_date(end)
    if unit(rng) < (0.35 if company else 0.08):
        return format_date(_add_years(last, uniform_int(rng, 2, 8)))
    return ""


# --------------------------------------------------------------------------- the card


def random_values(rng: Rng, vehicle: VehicleKind | None = None) -> CardValues:
    """Every value printed on one random certificate; deterministic in ``rng``'s state."""
    kind: VehicleKind = vehicle or ("moto" if unit(rng) < MOTO_SHARE else "car")
    places = place_data()
    prov = wpick(rng, places.provinces)
    first = random_date(rng)
    last = first if unit(rng) < 0.55 else random_date(rng, first, DATE_LAST)
    model = wpick(rng, models_for(kind, first.year))
    model_year = max(first.year - (1 if unit(rng) < 0.3 else 0), 2000)

    commercial = model.category in ("truck", "bus", "van")
    company = kind == "car" and unit(rng) < (COMPANY_SHARE_COMMERCIAL if commercial else COMPANY_SHARE_CAR)
    name = random_company_name(rng) if company else random_person_name(rng)
    address, district = random_address(rng, prov, company)
    authority = district.authority if kind == "moto" and unit(rng) < 0.45 else prov.authority

    engine = pick(rng, model.engines)
    colors = vehicle_data().colors[kind]
    return CardValues(
        vehicle=kind,
        name=name,
        address=address,
        id=digits(rng, 6),
        plate=random_plate(rng, prov, model, last),
        authority=authority,
        place=prov.place,
        engine=expand_template(rng, engine.template, model_year),
        chassis=expand_template(rng, pick(rng, engine.chassis or model.chassis), model_year),
        brand=model.brand,
        model=pick(rng, engine.models or model.models),
        color=wpick(rng, colors),
        capacity=engine.capacity,
        pay_load=pick(rng, model.pay_loads),
        first_issue_date=format_date(first),
        last_issue_date=format_date(last),
        vehicle_type=pick(rng, model.types),
        seats=pick(rng, model.seats),
        expiry_date=_expiry(rng, model, model_year, last, company),
    )


def dated_line(values: CardValues) -> str:
    """The back's dated line, e.g. ``Hà Nội, ngày 05 tháng 06 năm 2020``."""
    return dated_text(values.place, _parse(values.last_issue_date))


def dated_text(place: str, d: date) -> str:
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
