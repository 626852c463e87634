"""Field-by-field comparison of predicted ``info`` with ground truth, and character error rate.

Values are compared after NFC and whitespace folding; case is ignored only for fields whose
case carries no meaning (codes, plates, brand and model names); names, addresses, colours and
places are compared case-sensitively because the API returns them as printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from edge.ocr.charset import normalize_text
from edge.schema import Envelope, SideResult

CASELESS_FIELDS = frozenset(
    {"id", "plate", "engine", "chassis", "brand", "model", "capacity", "pay_load",
     "first_issue_date", "last_issue_date"}
)
SKIPPED_FIELDS = frozenset({"image"})


def normalize(name: str, text: str) -> str:
    """The comparable form of one field's value."""
    folded = normalize_text(text)
    return folded.upper() if name in CASELESS_FIELDS else folded


def edits(pred: str, truth: str) -> int:
    """Levenshtein distance in characters (rapidfuzz)."""
    return int(Levenshtein.distance(pred, truth))


def cer(pred: str, truth: str) -> float:
    """Character error rate of one string: edits / length of the truth (1.0 when truth is empty)."""
    if not truth:
        return 0.0 if not pred else 1.0
    return edits(pred, truth) / len(truth)


@dataclass
class FieldTally:
    total: int = 0
    exact: int = 0
    edits: int = 0
    chars: int = 0

    @property
    def accuracy(self) -> float:
        return self.exact / self.total if self.total else 0.0

    @property
    def cer(self) -> float:
        return self.edits / self.chars if self.chars else 0.0

    def add(self, pred: str, truth: str) -> bool:
        hit = pred == truth
        self.total += 1
        self.exact += hit
        self.edits += edits(pred, truth)
        self.chars += max(len(truth), 1)
        return hit


@dataclass
class Scoreboard:
    """Accumulates per-field exact match and CER over many sides."""

    fields: dict[str, FieldTally] = field(default_factory=dict)
    sides: int = 0
    sides_exact: int = 0
    side_type_errors: int = 0
    missing_sides: int = 0

    def add_info(self, pred: Mapping[str, str], truth: Mapping[str, str]) -> list[str]:
        """Score one side; returns the names of the fields that did not match."""
        wrong = []
        for name, true_text in truth.items():
            if name in SKIPPED_FIELDS or name.endswith("_confidence"):
                continue
            tally = self.fields.setdefault(name, FieldTally())
            if not tally.add(normalize(name, pred.get(name, "")), normalize(name, true_text)):
                wrong.append(name)
        self.sides += 1
        self.sides_exact += not wrong
        return wrong

    def add_side(self, pred: SideResult | None, truth: SideResult) -> list[str]:
        if pred is None:
            self.missing_sides += 1
            return self.add_info({}, _texts(truth))
        if pred.type != truth.type:
            self.side_type_errors += 1
        return self.add_info(_texts(pred), _texts(truth))

    def add_envelope(self, pred: Envelope, truth: Envelope) -> list[str]:
        """Score every side of the truth against the predicted side of the same type."""
        wrong: list[str] = []
        for true_side in truth.data:
            wrong += self.add_side(pred.side(true_side.type), true_side)
        return wrong

    def total(self) -> FieldTally:
        out = FieldTally()
        for t in self.fields.values():
            out.total += t.total
            out.exact += t.exact
            out.edits += t.edits
            out.chars += t.chars
        return out

    def rows(self) -> list[tuple[str, int, float, float]]:
        """(field, count, exact-match, CER) per field, then the overall row."""
        rows = [(name, t.total, t.accuracy, t.cer) for name, t in sorted(self.fields.items())]
        all_ = self.total()
        rows.append(("ALL", all_.total, all_.accuracy, all_.cer))
        return rows


def _texts(side: SideResult) -> dict[str, str]:
    return {name: value.text for name, value in side.info.items()}


def corpus_cer(pairs: Iterable[tuple[str, str]]) -> float:
    """CER over many (prediction, truth) lines: total edits / total truth characters."""
    total_edits = total_chars = 0
    for pred, truth in pairs:
        total_edits += edits(normalize_text(pred), normalize_text(truth))
        total_chars += len(normalize_text(truth))
    return total_edits / total_chars if total_chars else 0.0
