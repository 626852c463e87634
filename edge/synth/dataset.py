"""Numbered, reproducible items (cards, scenes, lines, sequences) and their ground-truth files.

Item ``i`` of a kind draws from its own generator seeded by ``(seed, kind, i)``, so items are
independent of each other, of the number of worker processes and of the order they are made in:
the same seed gives the same bytes.  Sides, layouts and quality classes are assigned in fixed
rotation so every variant appears in any run of a few dozen items.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np

from edge.schema import Envelope, SideResult, SideType
from edge.synth.fonts import Split
from edge.synth.types import CardFace, Quality, Scene, Sequence, Side

KIND_CODES = {"card": 1, "scene": 2, "line": 3, "video": 4, "card_lines": 5, "scene_lines": 6}
SIDES: tuple[Side, Side] = ("front", "back")
# Half of the scenes are good, the other half cover each way a photo can be unreadable.
QUALITY_CYCLE: tuple[Quality, ...] = (
    "good", "blurred", "good", "glare", "good", "too_small", "good", "cut_off",
)
SEQUENCE_KINDS: tuple[Literal["hold", "no_card", "never_still"], ...] = ("hold", "no_card", "never_still")


def item_rng(seed: int, kind: str, index: int) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, KIND_CODES[kind], index])


def side_and_layout(index: int) -> tuple[Side, str]:
    """Side alternates in blocks of the quality cycle; layouts rotate within each side."""
    from edge.synth.layouts import LAYOUTS

    side = SIDES[(index // len(QUALITY_CYCLE) + index) % 2]
    names = LAYOUTS[side]
    return side, names[(index // 2) % len(names)]


def card_item(seed: int, index: int, font_split: Split = "train") -> CardFace:
    from edge.synth.card import render_face
    from edge.synth.values import random_values

    rng = item_rng(seed, "card", index)
    side, layout = side_and_layout(index)
    return render_face(random_values(rng), side, layout, rng, font_split=font_split)


def scene_item(seed: int, index: int, quality: Quality | None = None, size: tuple[int, int] = (1280, 720),
               font_split: Split = "train") -> Scene:
    from edge.synth.card import render_face
    from edge.synth.scene import make_scene
    from edge.synth.values import random_values

    rng = item_rng(seed, "scene", index)
    side, layout = side_and_layout(index)
    face = render_face(random_values(rng), side, layout, rng, font_split=font_split)
    return make_scene(face, rng, quality or QUALITY_CYCLE[index % len(QUALITY_CYCLE)], size=size)


def sequence_item(seed: int, index: int, kind: Literal["hold", "no_card", "never_still"] | None = None,
                  size: tuple[int, int] = (640, 480), fps: float = 30.0, seconds: float = 4.0,
                  font_split: Split = "train") -> Sequence:
    from edge.synth.card import render_face
    from edge.synth.values import random_values
    from edge.synth.video import make_sequence

    rng = item_rng(seed, "video", index)
    kind = kind or SEQUENCE_KINDS[index % len(SEQUENCE_KINDS)]
    side, layout = side_and_layout(index)
    face = render_face(random_values(rng), side, layout, rng, font_split=font_split)
    return make_sequence(None if kind == "no_card" else face, rng, kind, size=size, fps=fps, seconds=seconds)


def truth_envelope(face: CardFace) -> Envelope:
    """The answer the API should give for this face when it is readable."""
    return Envelope.success([SideResult.from_texts(SideType(face.type), face.info())])


def face_truth(face: CardFace, **extra: Any) -> dict[str, Any]:
    """Ground truth in the API's own JSON shape, plus a ``synth`` block the API does not have."""
    doc = truth_envelope(face).to_seed(confidences=False)
    doc["synth"] = {
        "side": face.side,
        "layout": face.layout,
        "vehicle": face.values.vehicle,
        "lines": [
            {"text": b.text, "box": list(b.box), "kind": b.kind, "field": b.field} for b in face.boxes
        ],
        **extra,
    }
    return doc


def scene_truth(scene: Scene) -> dict[str, Any]:
    expected = "0" if scene.quality == "good" else "1"
    return face_truth(
        scene.face,
        quality=scene.quality,
        expected_error_code=expected,
        corners=[[round(float(x), 2), round(float(y), 2)] for x, y in scene.corners],
        image_size=[int(scene.image.shape[1]), int(scene.image.shape[0])],
        conditions={k: (round(v, 4) if isinstance(v, float) else v) for k, v in scene.conditions.items()},
    )


def write_json(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_truth(path: Path) -> tuple[Envelope, dict[str, Any]]:
    """Load a ground-truth file back: the envelope and the ``synth`` block."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return Envelope.from_seed(doc, source="edge"), doc.get("synth", {})
