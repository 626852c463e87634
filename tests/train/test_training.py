"""The training loop runs, learns, checkpoints and resumes; export gives loadable ONNX models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from edge.ocr.charset import Codec, charset
from edge.ocr.recognizer import Recognizer
from edge.runtime.manifest import load_manifest, verified_path
from edge.runtime.onnx import OnnxRuntime
from edge.train.data import LineSet, batches, build_cache
from edge.train.export import activation_grids, export_onnx, load_checkpoint, manifest_entry, quantize_int8
from edge.train.model import SIZES, ModelSpec, deployable, to_both_rows, widened
from edge.train.recognizer import TrainOptions, build_model, train
from edge.train.to_tflite import on_onnx_grids


@pytest.fixture(scope="module")
def caches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("lines")
    train_path = build_cache(root / "train.npz", 96, seed=11, workers=1)
    val_path = build_cache(root / "val.npz", 24, seed=12, workers=1)
    return train_path, val_path


def test_cache_is_deterministic_and_in_charset(tmp_path: Path, caches: tuple[Path, Path]) -> None:
    again = LineSet.load(build_cache(tmp_path / "again.npz", 96, seed=11, workers=2))
    first = LineSet.load(caches[0])
    assert first.texts == again.texts
    assert np.array_equal(first.strip, again.strip)
    assert set("".join(first.texts)) <= set(charset())
    assert first.strip.shape[0] == 32


def test_loss_falls_when_fitting_a_batch(caches: tuple[Path, Path]) -> None:
    torch.manual_seed(0)
    codec = Codec(charset())
    model = build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    ctc = torch.nn.CTCLoss(zero_infinity=True)
    x, texts, lengths = next(batches(LineSet.load(caches[0]), 8, None, augment=False))
    targets = [codec.encode(t) for t in texts]
    losses = []
    for _ in range(25):
        log_probs = model(torch.from_numpy(x)).log_softmax(-1).permute(1, 0, 2)
        loss = ctc(log_probs, torch.tensor([i for t in targets for i in t]), torch.tensor(lengths),
                   torch.tensor([len(t) for t in targets]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]


def test_train_checkpoints_and_resumes(tmp_path: Path, caches: tuple[Path, Path]) -> None:
    opts = TrainOptions(train=caches[0], val=caches[1], out=tmp_path, steps=6, batch_size=8, eval_every=3,
                        threads=1, max_val=24)
    best = train(opts)
    assert best.exists() and (tmp_path / "last.pt").exists()
    history = json.loads((tmp_path / "history.json").read_text())
    assert [h["step"] for h in history] == [3, 6]
    longer = TrainOptions(**{**opts.__dict__, "steps": 9, "resume": True})
    train(longer)
    history = json.loads((tmp_path / "history.json").read_text())
    assert [h["step"] for h in history] == [3, 6, 9]


def test_a_larger_network_keeps_its_size_when_resumed(tmp_path: Path, caches: tuple[Path, Path]) -> None:
    opts = TrainOptions(train=caches[0], val=caches[1], out=tmp_path, steps=2, batch_size=8, eval_every=2,
                        threads=1, max_val=8, size="base")
    train(opts)
    saved = torch.load(tmp_path / "last.pt", weights_only=False)["spec"]
    assert tuple(saved["channels"]) == SIZES["base"][0] and saved["temporal_blocks"] == SIZES["base"][2]
    train(TrainOptions(**{**opts.__dict__, "steps": 3, "resume": True, "size": "small"}))  # the checkpoint's size wins
    model, _ = load_checkpoint(tmp_path / "last.pt")
    assert model.spec.hidden == SIZES["base"][1]
    with pytest.raises(ValueError, match="unknown model size"):
        train(TrainOptions(**{**opts.__dict__, "out": tmp_path / "other", "size": "huge"}))


def test_export_gives_onnx_models_that_match_torch(tmp_path: Path, caches: tuple[Path, Path]) -> None:
    train(TrainOptions(train=caches[0], val=caches[1], out=tmp_path / "run", steps=2, batch_size=8,
                       eval_every=2, threads=1, max_val=8))
    model, state = load_checkpoint(tmp_path / "run" / "best.pt")
    x = np.random.default_rng(0).uniform(-1, 1, (2, 1, 32, 200)).astype(np.float32)
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy()
        deployed = deployable(model)(torch.from_numpy(x)).numpy()[:, 0]
    np.testing.assert_allclose(deployed, reference, atol=1e-4)
    fp32, int8 = tmp_path / "m" / "fp32.onnx", tmp_path / "m" / "int8.onnx"
    fp32.parent.mkdir()
    export_onnx(model, fp32)
    quantize_int8(fp32, int8, LineSet.load(caches[1]))
    out = OnnxRuntime(fp32).run(x)
    assert out.shape == (2, 1, 50, Codec(charset()).num_classes)
    np.testing.assert_allclose(out[:, 0], reference, atol=1e-3)
    assert int8.stat().st_size < 0.5 * fp32.stat().st_size
    assert OnnxRuntime(int8).run(x).shape == out.shape
    _check_grids_carry_over(activation_grids(int8))
    from edge.runtime.manifest import write_entry

    write_entry(fp32.parent, "recognizer-int8-onnx", manifest_entry(int8, "int8", "onnx", state))
    path, entry = verified_path(fp32.parent, "recognizer-int8-onnx", load_manifest(fp32.parent))
    assert path == int8 and entry.charset == charset()
    reads = Recognizer.load(fp32.parent, "onnx", "int8").read([np.full((32, 120), 255, np.uint8)])
    assert len(reads) == 1 and 0.0 <= reads[0].confidence <= 1.0


def test_an_older_top_row_model_becomes_a_both_rows_model_computing_the_same(
        tmp_path: Path, caches: tuple[Path, Path]) -> None:
    torch.manual_seed(1)
    top = build_model(ModelSpec(Codec(charset()).num_classes, collapse="top")).eval()
    both = to_both_rows(top).eval()
    assert both.spec.collapse == "both"
    x = torch.from_numpy(np.random.default_rng(1).uniform(-1, 1, (2, 1, 32, 160)).astype(np.float32))
    with torch.no_grad():
        reference = top(x)
        np.testing.assert_allclose(both(x).numpy(), reference.numpy(), atol=1e-5)
        np.testing.assert_allclose(deployable(top)(x)[:, 0].numpy(), reference.numpy(), atol=1e-5)
        np.testing.assert_allclose(deployable(both)(x)[:, 0].numpy(), reference.numpy(), atol=1e-5)
    collapse = [m for m in both.features.modules() if isinstance(m, torch.nn.Conv2d)][-1]
    assert collapse.padding == (0, 0) and collapse.weight.shape[2:] == (2, 1)
    assert float(collapse.weight.detach()[:, :, 1].abs().sum()) == 0.0  # the lower row's tap starts at zero
    both.train()
    both(x).sum().backward()
    assert collapse.weight.grad is not None and float(collapse.weight.grad[:, :, 1].abs().sum()) > 0.0
    legacy = top.spec.to_dict()
    del legacy["collapse"]  # checkpoints from before the field existed
    assert ModelSpec.from_dict(legacy).collapse == "top"
    torch.save({"model": top.state_dict(), "spec": legacy}, tmp_path / "old.pt")
    train(TrainOptions(train=caches[0], val=caches[1], out=tmp_path / "run", steps=2, batch_size=8,
                       eval_every=2, threads=1, max_val=8, init=tmp_path / "old.pt", both_rows=True))
    model, _ = load_checkpoint(tmp_path / "run" / "last.pt")
    assert model.spec.collapse == "both"
    kept = torch.load(tmp_path / "run" / "last.pt", weights_only=False)
    train(TrainOptions(train=caches[0], val=caches[1], out=tmp_path / "plain", steps=2, batch_size=8,
                       eval_every=2, threads=1, max_val=8, init=tmp_path / "old.pt"))
    assert load_checkpoint(tmp_path / "plain" / "last.pt")[0].spec.collapse == "top"
    assert kept["spec"]["collapse"] == "both"


def test_a_trained_network_grows_to_a_larger_size_computing_the_same(
        tmp_path: Path, caches: tuple[Path, Path]) -> None:
    torch.manual_seed(2)
    base = build_model(ModelSpec(Codec(charset()).num_classes, *SIZES["base"]))
    base.train()
    x = torch.from_numpy(np.random.default_rng(2).uniform(-1, 1, (3, 1, 32, 140)).astype(np.float32))
    with torch.no_grad():
        base(x)  # running statistics away from their defaults, as a trained model's are
    base.eval()
    grown = widened(base, "large").eval()
    channels, hidden, blocks = SIZES["large"]
    assert grown.spec.channels == channels and grown.spec.hidden == hidden and grown.spec.temporal_blocks == blocks
    assert sum(p.numel() for p in grown.parameters()) > 1.5 * sum(p.numel() for p in base.parameters())
    with torch.no_grad():
        np.testing.assert_allclose(grown(x).numpy(), base(x).numpy(), atol=1e-5)
        np.testing.assert_allclose(deployable(grown)(x)[:, 0].numpy(), base(x).numpy(), atol=1e-5)
    grown.train()
    grown(x).logsumexp(-1).sum().backward()  # the new capacity learns: its read-out weights get gradient
    head = grown.head.weight.grad
    assert head is not None and float(head[:, SIZES["base"][1]:].abs().sum()) > 0.0
    with pytest.raises(ValueError, match="cannot grow"):
        widened(grown, "base")
    torch.save({"model": base.state_dict(), "spec": base.spec.to_dict()}, tmp_path / "base.pt")
    train(TrainOptions(train=caches[0], val=caches[1], out=tmp_path / "run", steps=2, batch_size=8,
                       eval_every=2, threads=1, max_val=8, init=tmp_path / "base.pt", grow="large"))
    assert load_checkpoint(tmp_path / "run" / "last.pt")[0].spec.hidden == hidden


def _check_grids_carry_over(grids: list[dict[str, Any]]) -> None:
    """The int8 ONNX model's grids, in order, and their transfer onto TFLite-like calibration stats."""
    assert grids[0]["op"] == "input" and grids[0]["min"] < 0 < grids[0]["max"]  # the image, in [-1, 1]
    kinds = [g["op"] for g in grids[1:]]
    assert kinds.count("MaxPool") == 4 and set(kinds) <= {"Relu", "MaxPool", "Conv", "Add"}
    assert all(g["min"] == 0.0 and g["max"] > 0 for g in grids if g["op"] in ("Relu", "MaxPool"))
    tflite_op = {"Relu": "CONV_2D", "MaxPool": "MAX_POOL_2D", "Conv": "DEPTHWISE_CONV_2D", "Add": "ADD"}
    producers = [("args_0", "input"), ("transposed", "TRANSPOSE"), ("padded", "PAD")]
    producers += [(f"t{i}", tflite_op[k]) for i, k in enumerate(kinds)]
    stats = {name: {"min": np.zeros((1, 1, 1, 1), np.float32), "max": np.ones((1, 1, 1, 1), np.float32)}
             for name, _ in producers}
    moved = on_onnx_grids(stats, producers, grids)
    assert float(moved["padded"]["min"].ravel()[0]) == pytest.approx(grids[0]["min"])
    for i, g in enumerate(grids[1:]):
        assert float(moved[f"t{i}"]["max"].ravel()[0]) == pytest.approx(g["max"])
        assert moved[f"t{i}"]["max"].shape == (1, 1, 1, 1)
    assert float(stats["t0"]["max"].ravel()[0]) == 1.0  # the input stats are left alone
    pool = kinds.index("MaxPool")
    swapped = [(n, "CONV_2D" if i == pool + 3 else op) for i, (n, op) in enumerate(producers)]
    with pytest.raises(ValueError, match="faces ONNX MaxPool"):
        on_onnx_grids(stats, swapped, grids)
    with pytest.raises(ValueError, match="TFLite activations against"):
        on_onnx_grids({k: v for k, v in stats.items() if k != "t0"}, producers[:3] + producers[4:], grids)
