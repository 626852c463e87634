"""The form layouts in circulation, three per side, each drawing one card face into a ``Canvas``.

The variants differ in what the field extractor must not depend on: label wording (plain or
bilingual), label order, whether a value follows its label on a dotted rule or sits under it in
a ruled box, one or two columns, the size of the plate, a red certificate number, a QR code and
rows the API does not return.  Coordinates are card pixels (``CARD_W`` x ``CARD_H``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from edge.errors import SynthError
from edge.synth import values
from edge.synth.types import CARD_H, CARD_W, CardValues, Side, TextBox

if TYPE_CHECKING:
    from edge.synth.card import Canvas, InkName

SUBTITLE = "CERTIFICATE OF VEHICLE REGISTRATION"

# The wordings SPEC §3 lists ("Nº" written "No", as ``values.LABELS`` does: the charset has no "º").
# Labels are taken from ``values.LABELS`` and restricted to these, so no card invents a label.
SPEC_LABELS = frozenset({
    "Tên chủ xe", "Chủ xe", "Tên chủ xe (Owner's full name)", "Địa chỉ", "Địa chỉ (Address)", "Số",
    "Biển số đăng ký", "Biển số", "Biển số đăng ký (No plate)", "Số máy", "Số máy (Engine No)",
    "Số khung", "Số khung (Chassis No)", "Nhãn hiệu", "Nhãn hiệu (Brand)", "Số loại",
    "Số loại (Model code)", "Màu sơn", "Màu sơn (Color)", "Dung tích", "Dung tích (Capacity)",
    "Tải trọng", "Đăng ký lần đầu ngày", "Đăng ký lần đầu ngày / Date of first registration",
    "Loại xe", "Số chỗ ngồi", "Đăng ký xe có giá trị đến ngày",
    "Đăng ký xe có giá trị đến ngày (date of expiry)",
})
OFFICER_TITLES = ("TRƯỞNG PHÒNG", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG CÔNG AN", "CÁN BỘ ĐĂNG KÝ")
RANKS = ("Đại tá", "Thượng tá", "Trung tá", "Thiếu tá", "")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô")
MIDDLES = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thị", "Ngọc", "Thanh")
GIVEN = ("Hùng", "Dũng", "Tuấn", "Hải", "Long", "Thắng", "Sơn", "Hà", "Bình", "Cường")
SUBUNITS = ("PHÒNG CẢNH SÁT GIAO THÔNG", "PHÒNG CSGT", "ĐỘI CẢNH SÁT GIAO THÔNG")
LEFT, RIGHT = 52, CARD_W - 52


def _is_bilingual(label: str) -> bool:
    return "(" in label or " / " in label


def label_text(cv: Canvas, key: str, bilingual: bool = False) -> str:
    """One of the printed wordings of a field's label (plain, or bilingual where SPEC has one)."""
    spec = [t for t in values.LABELS[key] if t in SPEC_LABELS]
    styled = [t for t in spec if _is_bilingual(t) == bilingual] or [t for t in spec if not _is_bilingual(t)]
    if not styled:
        raise SynthError(f"no SPEC label for {key!r} among {values.LABELS[key]}")
    return styled[int(cv.rng.integers(len(styled)))]


def _need(box: TextBox | None, what: str) -> TextBox:
    """A line every card must carry; a clear error when its value is empty."""
    if box is None:
        raise SynthError(f"the card needs a non-empty {what}")
    return box


def _authority(cv: Canvas, v: CardValues, cx: float, baseline: float, size: float, max_w: float) -> TextBox:
    """The issuing unit at the top left, underlined; printed, so it is a value line."""
    box = cv.value(v.authority, cx, baseline, size, "issued_at", max_w=max_w, bold=True, align="center")
    assert box is not None
    mid = (box.box[0] + box.box[2]) / 2
    cv.hline(mid - 50, mid + 50, baseline + 12 + cv.shift[1])
    return box


def _motto(cv: Canvas, cx: float, baseline: float, size: float) -> None:
    """The national header and motto, the motto underlined."""
    cv.label(values.NATIONAL_NAME, cx, baseline, size, bold=True, kind="header", align="center", max_w=470)
    motto = cv.label(values.MOTTO, cx, baseline + size * 1.45, size * 1.02, bold=True, kind="header",
                     align="center")
    cv.hline(motto.box[0] + 4, motto.box[2] - 4, motto.box[3] + 5)


def _title(cv: Canvas, v: CardValues, cx: float, baseline: float, size: float, max_w: float) -> TextBox:
    ink: InkName = "red" if cv.rng.random() < 0.35 else "label"
    return cv.label(values.title(v.vehicle), cx, baseline, size, bold=True, kind="title", ink=ink,
                    align="center", max_w=max_w)


def _number(cv: Canvas, v: CardValues, x: float, baseline: float, size: float, red: bool) -> None:
    """The certificate number "Số: 012345", printed after its label."""
    ink: InkName = "red" if red else "label"
    lab = cv.label(label_text(cv, "id") + ":", x, baseline, size * 0.9, ink=ink)
    cv.value(v.id, lab.box[2] + 10, baseline, size, "id", max_w=RIGHT - lab.box[2] - 14,
             bold=red, ink="red" if red else "value")


def _row(cv: Canvas, label: str, value: str, field: str | None, x: float, baseline: float, right: float,
         lsize: float, vsize: float, *, bold: bool = False, dotted: bool = True) -> TextBox:
    """``Label: value`` on one line, the value typed on a dotted rule after the label."""
    lab = cv.label(label + ":", x, baseline, lsize)
    start = lab.box[2] + 6
    if dotted:
        cv.hline(start, right, baseline + 4, dotted=True)
    gap = 8 + int(cv.rng.integers(0, 16))
    cv.value(value, start + gap, baseline, vsize, field, max_w=right - start - gap - 8, bold=bold)
    return lab


def _row_wrapped(cv: Canvas, label: str, value: str, field: str, x: float, baseline: float, right: float,
                 pitch: float, lsize: float, vsize: float) -> None:
    """A label with a value that may run onto a second dotted rule starting at the margin."""
    lab = cv.label(label + ":", x, baseline, lsize)
    start = lab.box[2] + 6
    cv.hline(start, right, baseline + 4, dotted=True)
    cv.hline(x, right, baseline + pitch + 4, dotted=True)
    gap = 8 + int(cv.rng.integers(0, 14))
    slots = [(start + gap, baseline, right - start - gap - 8), (x + 4, baseline + pitch, right - x - 12)]
    cv.value_lines(value, field, slots, vsize)


def _cell(cv: Canvas, label: str, value: str, field: str | None, box: tuple[float, float, float, float],
          lsize: float, vsize: float, *, lines: int = 1, bold: bool = False, center: bool = False) -> None:
    """A ruled grid box: the label at its top left, the value printed under it."""
    x0, y0, x1, y1 = box
    cv.rect(x0, y0, x1, y1)
    cv.label(label, x0 + 8, y0 + lsize + 5, lsize, max_w=x1 - x0 - 14)
    inner = x1 - x0 - 24
    first = y0 + lsize + 9 + vsize * 1.05
    if lines > 1:
        pitch = min(vsize * 1.5, (y1 - first - 6) / (lines - 0.6))
        slots = [(x0 + 14, first + i * pitch, inner) for i in range(lines)]
        cv.value_lines(value, field or "", slots, vsize)
    elif center:
        cv.value(value, (x0 + x1) / 2, (first + y1 - 8) / 2 + vsize * 0.35, vsize, field, max_w=inner,
                 bold=bold, align="center")
    else:
        cv.value(value, x0 + 14, first, vsize, field, max_w=inner, bold=bold)


def _officer(cv: Canvas) -> str:
    r = cv.rng
    name = " ".join(
        (SURNAMES[int(r.integers(len(SURNAMES)))], MIDDLES[int(r.integers(len(MIDDLES)))],
         GIVEN[int(r.integers(len(GIVEN)))])
    )
    rank = RANKS[int(r.integers(len(RANKS)))]
    return f"{rank} {name}".strip()


def _signed(cv: Canvas, v: CardValues, cx: float, baseline: float, size: float) -> None:
    """The dated line, the officer's title, a signature and the stamp over part of the dated line."""
    line = values.dated_line(v)
    dated = _need(cv.value(line, cx, baseline, size, "last_issue_date", max_w=2 * (min(cx, CARD_W - cx) - 48),
                           align="center"), "dated line")
    x0, _, x1, y1 = dated.box
    title = OFFICER_TITLES[int(cv.rng.integers(len(OFFICER_TITLES)))]
    tb = cv.label(title, (x0 + x1) / 2, y1 + 26, size * 0.8, bold=True, kind="other", align="center")
    top = tb.box[3] + 4
    sig_h = int(cv.rng.integers(44, 62))
    half = int(cv.rng.integers(85, 125))
    mid = int((x0 + x1) / 2 + cv.rng.integers(-30, 31))
    cv.signatures.append((mid - half, top, mid + half, top + sig_h))
    if cv.rng.random() < 0.7:
        cv.label(_officer(cv), mid, min(top + sig_h + 24, CARD_H - 26), size * 0.85, bold=True,
                 kind="other", align="center")
    radius = int(cv.rng.integers(62, 84))
    sx = int(x0 + (x1 - x0) * cv.rng.uniform(0.12, 0.42))
    sy = int(y1 + radius * cv.rng.uniform(0.12, 0.55))
    sy = min(sy, CARD_H - radius - 6)
    sx = min(max(sx, radius + 6), CARD_W - radius - 6)
    sub = SUBUNITS[int(cv.rng.integers(len(SUBUNITS)))]
    ring = f"{v.authority} - {sub}" if len(v.authority) + len(sub) < 48 else v.authority
    cv.stamps.append(((sx, sy), radius, ring.upper()))


# ---------------------------------------------------------------- front


def moto_classic(cv: Canvas, v: CardValues) -> None:
    """Older motorcycle card: one column, values typed on dotted rules after their labels."""
    _authority(cv, v, 232, 60, 20, 380)
    _motto(cv, 700, 52, 19)
    _title(cv, v, CARD_W / 2, 158, 30, 880)
    num = label_text(cv, "id") + ": " + v.id
    width = cv.font("label", 22).getlength(num) + 30
    _number(cv, v, CARD_W / 2 - width / 2, 204, 24, red=cv.rng.random() < 0.3)
    x, y = LEFT + 8, 292
    _row(cv, label_text(cv, "name"), v.name, "name", x, y, RIGHT - 8, 21, 25)
    _row_wrapped(cv, label_text(cv, "address"), v.address, "address", x, y + 64, RIGHT - 8, 56, 21, 24)
    _row(cv, label_text(cv, "plate"), v.plate, "plate", x, y + 64 + 56 + 96, RIGHT - 8, 21, 46, bold=True)


def car_bilingual(cv: Canvas, v: CardValues) -> None:
    """Car card with bilingual labels: the plate and owner in a ruled grid, values under labels."""
    _authority(cv, v, 210, 56, 19, 330)
    _motto(cv, 710, 48, 18)
    title = _title(cv, v, 440, 146, 28, 660)
    cv.label(SUBTITLE, (title.box[0] + title.box[2]) / 2, title.box[3] + 26, 16, kind="title", align="center")
    _number(cv, v, title.box[2] + 26, 146, 24, red=cv.rng.random() < 0.5)
    top, mid, bottom, split = 206, 340, 520, 388
    _cell(cv, label_text(cv, "plate", True), v.plate, "plate", (LEFT - 8, top, split, mid), 18, 44,
          bold=True, center=True)
    _cell(cv, label_text(cv, "name", True), v.name, "name", (split, top, RIGHT + 8, mid), 18, 27)
    _cell(cv, label_text(cv, "address", True), v.address, "address", (LEFT - 8, mid, RIGHT + 8, bottom),
          18, 26, lines=2)


def v2023(cv: Canvas, v: CardValues) -> None:
    """2023 format: two-column grid, a large bold plate box, a QR code, the number in red."""
    _authority(cv, v, 236, 54, 19, 360)
    _motto(cv, 712, 46, 18)
    _title(cv, v, CARD_W / 2, 134, 27, 860)
    num = label_text(cv, "id") + ": " + v.id
    width = cv.font("label", 24).getlength(num) + 20
    _number(cv, v, CARD_W / 2 - width / 2, 178, 26, red=True)
    top, split, bottom = 206, 656, 560
    _cell(cv, label_text(cv, "name"), v.name, "name", (LEFT - 8, top, split, top + 110), 19, 26)
    _cell(cv, label_text(cv, "address"), v.address, "address", (LEFT - 8, top + 110, split, bottom), 19, 25,
          lines=2)
    cv.rect(split, top, RIGHT + 8, bottom)
    plate_box = (split + 14, top + 14, RIGHT - 6, top + 150)
    cv.rect(*plate_box, thickness=3)
    cv.label(label_text(cv, "plate"), (plate_box[0] + plate_box[2]) / 2, plate_box[1] + 30, 18,
             align="center", max_w=plate_box[2] - plate_box[0] - 16)
    cv.value(v.plate, (plate_box[0] + plate_box[2]) / 2, plate_box[3] - 26, 52, "plate",
             max_w=plate_box[2] - plate_box[0] - 24, bold=True, align="center")
    q = 150
    cv.qr(int((split + RIGHT) / 2 - q / 2), int(plate_box[3] + 30), q)


# ---------------------------------------------------------------- back


def single_column(cv: Canvas, v: CardValues) -> None:
    """Older back: every field on its own dotted line, then the dated, stamped and signed block."""
    x, right, pitch, base = LEFT + 4, RIGHT - 4, 35, 58
    rows: list[tuple[str, str, str | None]] = [
        ("brand", v.brand, "brand"), ("model", v.model, "model"), ("color", v.color, "color"),
        ("engine", v.engine, "engine"), ("chassis", v.chassis, "chassis"),
        ("capacity", v.capacity, "capacity"), ("pay_load", v.pay_load, "pay_load"),
    ]
    _row(cv, label_text(cv, "name"), v.name, "name", x, base, right, 19, 22)
    _row_wrapped(cv, label_text(cv, "address"), v.address, "address", x, base + pitch, right, pitch, 19, 21)
    y = base + 3 * pitch
    for key, value, field in rows:
        _row(cv, label_text(cv, key), value, field, x, y, 620, 19, 22)
        y += pitch
    _row(cv, label_text(cv, "plate"), v.plate, "plate", x, y + 4, 620, 19, 28, bold=True)
    _row(cv, label_text(cv, "first_issue_date"), v.first_issue_date, "first_issue_date", x, y + pitch + 6,
         620, 19, 22)
    _signed(cv, v, 770, 472, 21)


def two_column(cv: Canvas, v: CardValues) -> None:
    """Back in two columns: plate and first registration on top, owner, then the vehicle rows."""
    x, mid, pitch = LEFT + 4, 536, 42
    _row(cv, label_text(cv, "plate"), v.plate, "plate", x, 66, mid - 24, 19, 32, bold=True)
    _row(cv, label_text(cv, "first_issue_date"), v.first_issue_date, "first_issue_date", mid, 66,
         RIGHT - 4, 19, 22)
    _row(cv, label_text(cv, "name"), v.name, "name", x, 66 + pitch + 6, RIGHT - 4, 19, 23)
    _row_wrapped(cv, label_text(cv, "address"), v.address, "address", x, 66 + 2 * pitch + 6, RIGHT - 4,
                 38, 19, 22)
    left = (("brand", v.brand), ("model", v.model), ("color", v.color), ("pay_load", v.pay_load))
    right = (("engine", v.engine), ("chassis", v.chassis), ("capacity", v.capacity))
    y0 = 66 + 4 * pitch + 14
    for i, (key, value) in enumerate(left):
        _row(cv, label_text(cv, key), value, key, x, y0 + i * pitch, mid - 24, 19, 22)
    for i, (key, value) in enumerate(right):
        _row(cv, label_text(cv, key), value, key, mid, y0 + i * pitch, RIGHT - 4, 19, 22)
    _signed(cv, v, 744, 460, 21)


def bilingual_grid(cv: Canvas, v: CardValues) -> None:
    """Bilingual ruled grid with rows the API does not return (vehicle type, seats, expiry)."""
    x0, x1 = LEFT - 12, RIGHT + 12
    thirds = [x0 + (x1 - x0) * k / 3 for k in range(4)]
    ls, vs = 15, 21
    _cell(cv, label_text(cv, "name", True), v.name, "name", (x0, 32, x1, 96), ls, vs)
    _cell(cv, label_text(cv, "address", True), v.address, "address", (x0, 96, x1, 182), ls, vs, lines=2)
    rows: list[list[tuple[str, str, str | None]]] = [
        [("brand", v.brand, "brand"), ("model", v.model, "model"), ("vehicle_type", v.vehicle_type, None)],
        [("color", v.color, "color"), ("capacity", v.capacity, "capacity"), ("seats", v.seats, None)],
        [("engine", v.engine, "engine"), ("chassis", v.chassis, "chassis"),
         ("pay_load", v.pay_load, "pay_load")],
    ]
    y = 182
    for row in rows:
        for k, (key, value, field) in enumerate(row):
            _cell(cv, label_text(cv, key, True), value, field, (thirds[k], y, thirds[k + 1], y + 62), ls, vs)
        y += 62
    split = thirds[1] + 40
    _cell(cv, label_text(cv, "plate", True), v.plate, "plate", (x0, y, split, y + 62), ls, vs + 5, bold=True)
    _cell(cv, label_text(cv, "first_issue_date", True), v.first_issue_date, "first_issue_date",
          (split, y, x1, y + 62), ls, vs)
    y += 62
    if v.expiry_date:
        cv.label(label_text(cv, "expiry_date", True), x0 + 8, y + 40, ls)
        cv.value(v.expiry_date, x0 + 18, y + 76, vs, None, max_w=300)
    _signed(cv, v, 760, y + 44, 21)


LAYOUT_FUNCS: dict[Side, dict[str, Callable[[Canvas, CardValues], None]]] = {
    "front": {"moto_classic": moto_classic, "car_bilingual": car_bilingual, "v2023": v2023},
    "back": {"single_column": single_column, "two_column": two_column, "bilingual_grid": bilingual_grid},
}
LAYOUTS: dict[Side, tuple[str, ...]] = {side: tuple(funcs) for side, funcs in LAYOUT_FUNCS.items()}
