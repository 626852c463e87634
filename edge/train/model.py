"""The line recogniser: a small all-convolutional CTC network that quantizes cleanly to int8.

No recurrent layers: convolutions are what int8 kernels (onnxruntime, TFLite/XNNPACK) run fastest
on a Pi, and a temporal receptive field of a few characters is enough to read printed text.
Input (N, 1, 32, W) in [-1, 1]; output (N, T=W/4, C) logits, C = charset + CTC blank.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
