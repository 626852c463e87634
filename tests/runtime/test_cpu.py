"""Which int8 ONNX model a CPU reads with: 7-bit weights where onnxruntime's int8 kernels saturate."""

from __future__ import annotations

import pytest

from edge.ocr import recognizer
from edge.ocr.recognizer import model_name
from edge.runtime.cpu import cpu_flags, int8_pairs_saturate
from edge.runtime.manifest import default_models_dir, load_manifest

AVX2 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n"
VNNI = AVX2.replace("avx2 fma", "avx2 fma avx512f avx512_vnni", 1)
PI = "processor\t: 0\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU part\t: 0xd08\n"


def test_flags_are_read_from_the_first_cpu() -> None:
    assert cpu_flags(AVX2) == {"fpu", "sse2", "avx", "avx2", "fma"}
    assert "asimd" in cpu_flags(PI) and cpu_flags("") == frozenset()


@pytest.mark.parametrize(("machine", "cpuinfo", "saturates"), [
    ("x86_64", AVX2, True),  # AVX2 only: VPMADDUBSW adds pairs of products into 16 bits
    ("x86_64", VNNI, False),
    ("x86_64", AVX2.replace("fma", "fma avx_vnni"), False),
    ("x86_64", "", True),  # flags unknown: the safe side
    ("aarch64", PI, False),  # a Raspberry Pi or a Jetson widens every product
    ("armv7l", "", False),
])
def test_which_cpus_saturate(machine: str, cpuinfo: str, saturates: bool) -> None:
    assert int8_pairs_saturate(machine, cpuinfo) is saturates


@pytest.mark.parametrize(("saturates", "name"), [(True, "recognizer-int8-7bit-onnx"), (False, "recognizer-int8-onnx")])
def test_int8_onnx_is_the_model_the_cpu_reads_right(monkeypatch: pytest.MonkeyPatch, saturates: bool,
                                                     name: str) -> None:
    manifest = load_manifest(default_models_dir())
    monkeypatch.setattr(recognizer, "int8_pairs_saturate", lambda: saturates)
    assert model_name(manifest, "onnx", "int8") == name
    assert model_name(manifest, "onnx", "fp32") == "recognizer-fp32-onnx"
    assert model_name(manifest, "tflite", "int8") == "recognizer-int8-tflite"
    del manifest.models["recognizer-int8-7bit-onnx"]  # a models folder without it: the 8-bit model
    assert model_name(manifest, "onnx", "int8") == "recognizer-int8-onnx"
    with pytest.raises(ValueError, match="no recogniser"):
        model_name(manifest, "tflite", "fp32")
