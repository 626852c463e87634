"""The line recogniser: a small all-convolutional CTC network that quantizes cleanly to int8.

No recurrent layers: convolutions are what int8 kernels (onnxruntime, TFLite/XNNPACK) run fastest
on a Pi, and a temporal receptive field of a few characters is enough to read printed text.
Input (N, 1, 32, W) in [-1, 1]; output (N, T=W/4, C) logits, C = charset + CTC blank.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import torch
from torch import nn


@dataclass(frozen=True)
class ModelSpec:
    num_classes: int
    channels: tuple[int, int, int, int] = (32, 64, 96, 128)
    hidden: int = 192
    temporal_blocks: int = 2
    # How the last convolution collapses the 2-row map to one: "both" rows (an unpadded (2, 1)
    # kernel), or "top": the padded kernel of the first models, whose kept top row sees only the
    # upper row (the lower half of the line reaches it only through the receptive field).
    collapse: str = "both"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelSpec:
        """The spec a checkpoint saved (``to_dict``), its lists back to tuples.

        Checkpoints from before ``collapse`` existed are "top" models.
        """
        return cls(**{"collapse": "top", **d, "channels": tuple(d["channels"])})


# Named sizes for ``edge train recognizer --size``: (channels, hidden, temporal blocks).
# small: ~0.43 M parameters, ~0.5 s per 48-line step on two cores; base: ~0.98 M, ~0.7 s,
# twice the temporal context (four blocks) for lines whose diacritics need more of it.
SIZES: dict[str, tuple[tuple[int, int, int, int], int, int]] = {
    "small": ((32, 64, 96, 128), 192, 2),
    "base": ((32, 64, 128, 192), 288, 4),
    # large: ~1.9 M parameters, ~1.4x base's work per line; grown from a trained base model
    # (``widened``) rather than trained from scratch
    "large": ((32, 64, 160, 256), 384, 6),
}


def sized(num_classes: int, size: str) -> ModelSpec:
    if size not in SIZES:
        raise ValueError(f"unknown model size {size!r}; one of {', '.join(SIZES)}")
    channels, hidden, blocks = SIZES[size]
    return ModelSpec(num_classes, channels, hidden, blocks)


def _conv(cin: int, cout: int, kernel: tuple[int, int] = (3, 3), groups: int = 1, same: bool = True) -> nn.Sequential:
    pad = (kernel[0] // 2, kernel[1] // 2) if same else (0, 0)
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, padding=pad, bias=False, groups=groups),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class TemporalBlock(nn.Module):
    """Depthwise (1x5) + pointwise convolution along the line, with a residual connection."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, (1, 5), padding=(0, 2), groups=width, bias=False),
            nn.BatchNorm2d(width),
            nn.Conv2d(width, width, 1, bias=False),
            nn.BatchNorm2d(width),
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.act(x + self.body(x))
        return out


class LineRecognizer(nn.Module):
    def __init__(self, spec: ModelSpec) -> None:
        super().__init__()
        c1, c2, c3, c4 = spec.channels
        if spec.collapse not in ("both", "top"):
            raise ValueError(f"unknown collapse {spec.collapse!r}; 'both' or 'top'")
        self.spec = spec
        self.features = nn.Sequential(
            _conv(1, c1),
            nn.MaxPool2d(2, 2),  # 16 x W/2
            _conv(c1, c2),
            nn.MaxPool2d(2, 2),  # 8 x W/4
            _conv(c2, c3),
            _conv(c3, c3),
            nn.MaxPool2d((2, 1), (2, 1)),  # 4 x W/4
            _conv(c3, c4),
            nn.MaxPool2d((2, 1), (2, 1)),  # 2 x W/4
            _conv(c4, spec.hidden, kernel=(2, 1), same=spec.collapse == "top"),
        )
        # "top": the (2, 1) kernel above has padding (1, 0); forward crops back to its top row
        self.temporal = nn.Sequential(*[TemporalBlock(spec.hidden) for _ in range(spec.temporal_blocks)])
        self.head = nn.Conv2d(spec.hidden, spec.num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(x)[:, :, :1, :]  # (N, hidden, 1, T); "both" has the one row already
        f = self.temporal(f)
        logits: torch.Tensor = self.head(f).squeeze(2).permute(0, 2, 1)  # (N, T, C)
        return logits


class _Deployable(nn.Module):
    """The same function as a trained ``LineRecognizer`` with no shape-dependent ops.

    Training crops the padded (2, 1) convolution's output to its top row; here that row is
    computed directly by an unpadded (2, 1) convolution whose lower tap is zero, so the graph has
    no slice or squeeze whose sizes an exporter could bake in (TFLite then resizes freely).
    Output is (N, 1, T, C): the runtime drops the unit axis.
    """

    def __init__(self, trained: LineRecognizer) -> None:
        super().__init__()
        self.temporal = trained.temporal
        self.head = trained.head
        if trained.spec.collapse == "both":  # already unpadded: nothing to rewrite
            self.features = trained.features
            return
        *body, last = list(trained.features.children())
        conv, bn, act = list(last.children())
        assert isinstance(conv, nn.Conv2d)
        top_row = nn.Conv2d(conv.in_channels, conv.out_channels, (2, 1), bias=False)
        with torch.no_grad():
            top_row.weight.zero_()
            top_row.weight[:, :, 0, :] = conv.weight[:, :, 1, :]  # row 0 of the padded output sees x0 via tap 1
        self.features = nn.Sequential(*body, top_row, bn, act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.head(self.temporal(self.features(x))).permute(0, 2, 3, 1)
        return logits


def to_both_rows(model: LineRecognizer) -> LineRecognizer:
    """A "both" copy of a "top" model computing the same function, its lower-row tap zero.

    Fine-tuning the copy lets the last convolution learn to use the lower half of the line
    (dots below, descenders) directly, from the trained model's accuracy rather than from scratch.
    """
    if model.spec.collapse == "both":
        return model
    wider = LineRecognizer(replace(model.spec, collapse="both"))
    state = {k: v.clone() for k, v in model.state_dict().items()}
    conv_key = next(k for k in state if k.startswith("features.") and state[k].dim() == 4
                    and tuple(state[k].shape[2:]) == (2, 1))
    old = state[conv_key]
    new = torch.zeros_like(old)
    new[:, :, 0, :] = old[:, :, 1, :]  # the padded kernel's kept row saw the upper row through tap 1
    state[conv_key] = new
    wider.load_state_dict(state)
    return wider


def widened(model: LineRecognizer, size: str) -> LineRecognizer:
    """A larger network (``SIZES[size]``) computing exactly what ``model`` computes.

    Net2Net-style growth: every trained weight keeps its place; the new channels of a layer get
    fresh random inputs but zero weight in every layer that reads them, and each added temporal
    block starts as the identity (its last batch norm's scale and shift zero; its input is a
    ReLU's, so ``relu(x + 0) == x``). Fine-tuning then trains the new capacity from the trained
    model's accuracy instead of from scratch.
    """
    channels, hidden, blocks = SIZES[size]
    old = model.spec
    if any(n < o for n, o in zip((*channels, hidden, blocks), (*old.channels, old.hidden, old.temporal_blocks),
                                 strict=True)):
        raise ValueError(f"cannot grow a {old.channels}/{old.hidden}/{old.temporal_blocks} network "
                         f"to the smaller size {size!r}")
    grown = LineRecognizer(replace(old, channels=channels, hidden=hidden, temporal_blocks=blocks))
    state = grown.state_dict()
    with torch.no_grad():
        for key, value in model.state_dict().items():
            target = state[key]
            if value.dim() == 0:
                target.copy_(value)
                continue
            target[tuple(slice(0, n) for n in value.shape)] = value
            if value.dim() == 4 and value.shape[1] > 1 and target.shape[1] > value.shape[1]:
                target[:, value.shape[1]:] = 0  # nothing reads the new channels of the layer before
        for i in range(old.temporal_blocks, blocks):
            state[f"temporal.{i}.body.3.weight"].zero_()
            state[f"temporal.{i}.body.3.bias"].zero_()
    grown.load_state_dict(state)
    return grown


def deployable(model: LineRecognizer) -> nn.Module:
    """An eval-mode copy for export (ONNX, TFLite) that computes exactly what ``model`` does."""
    model.eval()
    return _Deployable(model).eval()
