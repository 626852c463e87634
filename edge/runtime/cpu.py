"""What the CPU's int8 arithmetic can hold: which int8 ONNX model reads right on it.

onnxruntime multiplies uint8 activations by int8 weights in one of two ways on x86. With VNNI
(``avx512_vnni``, ``avx_vnni``, or AMX) each product is added into 32 bits. Without it (AVX2 only,
and AVX-512 before Cascade Lake) VPMADDUBSW adds each pair of products into 16 bits and
saturates past 32767: two products of 255 by 127 do, two of 255 by 63 do not. There a model
quantized with 8-bit weights reads badly (9 % CER against 0.5 %), and one quantized with 7-bit
weights (``reduce_range``) reads right, a little less finely everywhere. ARM CPUs (a Raspberry
Pi, a Jetson) widen every product and never saturate.
"""

from __future__ import annotations

import platform
from pathlib import Path

X86 = frozenset({"x86_64", "amd64", "i386", "i686", "x86"})
WIDE_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})  # int8 dot products into 32 bits
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The feature flags of the first CPU listed in ``/proc/cpuinfo``'s text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def int8_pairs_saturate(machine: str | None = None, cpuinfo: str | None = None) -> bool:
    """Whether onnxruntime's int8 kernels add pairs of products into 16 bits on this CPU (an x86
    without VNNI); an x86 whose flags cannot be read counts as one, the safe side."""
    machine = (machine or platform.machine()).lower()
    if machine not in X86:
        return False
    if cpuinfo is None:
        try:
            cpuinfo = CPUINFO.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return True
    return not (cpu_flags(cpuinfo) & WIDE_FLAGS)
