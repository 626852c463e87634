"""Random recogniser text lines: deterministic, inside the charset, covering it, mixing every kind of line."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from edge.ocr.charset import charset, tone_marked_letters
from edge.synth.textlines import TEXT_LINE_MAX, random_text_line
from edge.synth.values import LABELS


def test_same_seed_same_lines() -> None:
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    assert [random_text_line(a) for _ in range(200)] == [random_text_line(b) for _ in range(200)]


def test_text_lines_cover_the_charset_and_stay_inside_it() -> None:
    rng = np.random.default_rng(11)
    allowed = set(charset())
    seen: Counter[str] = Counter()
    for _ in range(5000):
        line = random_text_line(rng)
        assert 1 <= len(line) <= TEXT_LINE_MAX, line
        assert line == line.strip() and "  " not in line, repr(line)
        assert set(line) <= allowed, (line, set(line) - allowed)
        seen.update(line)
    missing = allowed - set(seen)
    assert not missing, "".join(sorted(missing))
    assert min(seen[c] for c in tone_marked_letters()) >= 3


def test_text_lines_mix_values_labels_and_words() -> None:
    rng = np.random.default_rng(12)
    lines = [random_text_line(rng) for _ in range(3000)]
    every_label = {label for variants in LABELS.values() for label in variants}
    assert any(line.rstrip(":") in every_label for line in lines)
    assert any("Owner's full name" in line for line in lines)
    assert any(re.fullmatch(r"\d{2}[A-Z][A-Z0-9]?-\d{3}\.\d{2}", line) for line in lines)
    assert any(re.fullmatch(r"\d{2}/\d{2}/\d{4}", line) for line in lines)
    assert any(re.search(r", ngày \d{2} tháng \d{2} năm \d{4}$", line) for line in lines)
    assert any(line.startswith("CÔNG AN ") for line in lines)
    assert any(line == line.lower() and line != line.upper() for line in lines)
    assert any(len(line) == 1 for line in lines)
