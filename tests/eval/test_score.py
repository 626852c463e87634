"""Scoring: normalisation, case rules, CER."""

from __future__ import annotations

import pytest

from edge.eval.score import Scoreboard, cer, corpus_cer, normalize
from edge.schema import Envelope, SideResult, SideType


def test_normalisation_folds_whitespace_and_nfc() -> None:
    assert normalize("name", "  NGUYE\u0302\u0303N   VĂN\tAN ") == "NGUYỄN VĂN AN"


def test_case_matters_only_where_it_carries_meaning() -> None:
    assert normalize("plate", "29a1-123.45") == normalize("plate", "29A1-123.45")
    assert normalize("address", "hà nội") != normalize("address", "Hà Nội")


def test_cer() -> None:
    assert cer("abc", "abc") == 0.0
    assert cer("abd", "abc") == pytest.approx(1 / 3)
    assert cer("", "") == 0.0
    assert cer("x", "") == 1.0
    assert corpus_cer([("HÀ NỘI", "HÀ NỘI"), ("HA NOI", "HÀ NỘI")]) == pytest.approx(2 / 12)


def test_scoreboard_counts_fields_and_sides() -> None:
    truth = Envelope.success([
        SideResult.from_texts(SideType.FRONT, {"name": "LÊ VĂN A", "plate": "29A1-123.45"}),
    ])
    pred = Envelope.success([
        SideResult.from_texts(SideType.FRONT, {"name": "LE VĂN A", "plate": "29a1-123.45"}, 0.9),
    ])
    board = Scoreboard()
    assert board.add_envelope(pred, truth) == ["name"]
    assert board.fields["plate"].accuracy == 1.0
    assert board.fields["name"].accuracy == 0.0
    assert board.total().exact == 1
    assert board.rows()[-1][0] == "ALL"
    board.add_envelope(Envelope.success([]), truth)
    assert board.missing_sides == 1
    assert board.fields["plate"].total == 2
