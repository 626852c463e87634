"""The line recogniser: a small all-convolutional CTC network that quantizes cleanly to int8.

No recurrent layers: convolutions are what int8 kernels (onnxruntime, TFLite/XNNPACK) run fastest
on a Pi, and a temporal receptive field of a few characters is enough to read printed text.
Input (N, 1, 32, W) in [-1, 1]; output (N, T=W/4, C) logits, C = charset + CTC blank.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn


@dataclass(frozen=True)
class ModelSpec:
    num_classes: int
    channels: tuple[int, int, int, int] = (32, 64, 96, 128)
    hidden: int = 192
    temporal_blocks: int = 2

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelSpec:
        """The spec a checkpoint saved (``to_dict``), its lists back to tuples."""
        return cls(**{**d, "channels": tuple(d["channels"])})


# Named sizes for ``edge train recognizer --size``: (channels, hidden, temporal blocks).
# small: ~0.43 M parameters, ~0.5 s per 48-line step on two cores; base: ~0.98 M, ~0.7 s,
# twice the temporal context (four blocks) for lines whose diacritics need more of it.
SIZES: dict[str, tuple[tuple[int, int, int, int], int, int]] = {
    "small": ((32, 64, 96, 128), 192, 2),
    "base": ((32, 64, 128, 192), 288, 4),
}


def sized(num_classes: int, size: str) -> ModelSpec:
    if size not in SIZES:
        raise ValueError(f"unknown model size {size!r}; one of {', '.join(SIZES)}")
    channels, hidden, blocks = SIZES[size]
    return ModelSpec(num_classes, channels, hidden, blocks)


def _conv(cin: int, cout: int, kernel: tuple[int, int] = (3, 3), groups: int = 1) -> nn.Sequential:
    pad = (kernel[0] // 2, kernel[1] // 2)
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
            _conv(c4, spec.hidden, kernel=(2, 1)),
        )
        # the (2, 1) kernel above has padding (1, 0): crop back to one row in forward
        self.temporal = nn.Sequential(*[TemporalBlock(spec.hidden) for _ in range(spec.temporal_blocks)])
        self.head = nn.Conv2d(spec.hidden, spec.num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.features(x)[:, :, :1, :]  # (N, hidden, 1, T)
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
        *body, last = list(trained.features.children())
        conv, bn, act = list(last.children())
        assert isinstance(conv, nn.Conv2d)
        top_row = nn.Conv2d(conv.in_channels, conv.out_channels, (2, 1), bias=False)
        with torch.no_grad():
            top_row.weight.zero_()
            top_row.weight[:, :, 0, :] = conv.weight[:, :, 1, :]  # row 0 of the padded output sees x0 via tap 1
        self.features = nn.Sequential(*body, top_row, bn, act)
        self.temporal = trained.temporal
        self.head = trained.head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.head(self.temporal(self.features(x))).permute(0, 2, 3, 1)
        return logits


def deployable(model: LineRecognizer) -> nn.Module:
    """An eval-mode copy for export (ONNX, TFLite) that computes exactly what ``model`` does."""
    model.eval()
    return _Deployable(model).eval()
