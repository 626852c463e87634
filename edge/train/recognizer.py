"""``edge train recognizer``: CTC training on cached synthetic lines, with checkpoints and resume."""

from __future__ import annotations

import json
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from edge.eval.score import corpus_cer
from edge.ocr.charset import Codec, charset
from edge.ocr.ctc import greedy_decode
from edge.train.data import LineSet, batches
from edge.train.model import LineRecognizer, ModelSpec, sized, to_both_rows, widened

console = Console(stderr=True)


@dataclass(frozen=True)
class TrainOptions:
    train: Path  # cache of training lines (edge.train.data.build_cache)
    val: Path  # fixed validation cache
    out: Path  # checkpoint folder
    steps: int = 20_000
    batch_size: int = 48
    lr: float = 2e-3
    threads: int = 2
    eval_every: int = 500
    minutes: float | None = None  # stop (and save) after this long, for a background run
    resume: bool = False
    seed: int = 0
    max_val: int = 2000
    init: Path | None = None  # weights to start from (fresh optimiser and schedule) when not resuming
    size: str = "small"  # edge.train.model.SIZES; a resumed or --init run keeps its checkpoint's
    both_rows: bool = False  # an --init "top" model becomes a "both" model (edge.train.model.to_both_rows)
    grow: str | None = None  # an --init model grows to this size first (edge.train.model.widened)


def build_model(spec: ModelSpec | None = None) -> LineRecognizer:
    return LineRecognizer(spec or ModelSpec(num_classes=Codec(charset()).num_classes))


def decode_logits(logits: torch.Tensor, lengths: list[int], codec: Codec) -> list[str]:
    probs = logits.softmax(-1).detach().numpy()
    return [codec.decode(greedy_decode(p, n).ids) for p, n in zip(probs, lengths, strict=True)]


def evaluate(model: LineRecognizer, lines: LineSet, codec: Codec, limit: int) -> tuple[float, float]:
    """(CER, line exact-match) on the first ``limit`` validation lines."""
    model.eval()
    pairs: list[tuple[str, str]] = []
    subset = LineSet(lines.strip, lines.offsets[: limit + 1], lines.texts[:limit])
    with torch.no_grad():
        for x, texts, lengths in batches(subset, 64, None, augment=False):
            preds = decode_logits(model(torch.from_numpy(x)), lengths, codec)
            pairs.extend(zip(preds, texts, strict=True))
    model.train()
    exact = sum(p == t for p, t in pairs) / max(1, len(pairs))
    return corpus_cer(pairs), exact


def _save(path: Path, model: LineRecognizer, opt: torch.optim.Optimizer, sched: Any, step: int,
          best: float, history: list[dict[str, float]]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                "step": step, "best_cer": best, "spec": model.spec.to_dict(), "charset": charset(),
                "history": history}, tmp)
    tmp.replace(path)


def train(opts: TrainOptions) -> Path:
    """Train until ``steps`` (or ``minutes``); returns the best checkpoint's path."""
    torch.set_num_threads(opts.threads)
    torch.manual_seed(opts.seed)
    codec = Codec(charset())
    train_set, val_set = LineSet.load(opts.train), LineSet.load(opts.val)
    last, best_path = opts.out / "last.pt", opts.out / "best.pt"
    resuming = opts.resume and last.exists()
    start_from = last if resuming else opts.init
    saved: dict[str, Any] | None = torch.load(start_from, weights_only=False) if start_from is not None else None
    model = build_model(ModelSpec.from_dict(saved["spec"]) if saved else sized(codec.num_classes, opts.size))
    if saved is not None and not resuming:
        model.load_state_dict(saved["model"])
        console.print(f"starting from the weights of {opts.init}")
        if opts.both_rows and model.spec.collapse != "both":
            model = to_both_rows(model)
            console.print("its last convolution now collapses both rows (the same function to start with)")
        if opts.grow is not None:
            model = widened(model, opts.grow)
            console.print(f"grown to the {opts.grow} size (the same function to start with): "
                          f"{sum(p.numel() for p in model.parameters()):,} parameters")
    opt = torch.optim.AdamW(model.parameters(), lr=opts.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=opts.lr, total_steps=opts.steps, pct_start=0.05)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    opts.out.mkdir(parents=True, exist_ok=True)
    step, best, history = 0, math.inf, []
    if resuming and saved is not None:
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        step, best, history = saved["step"], saved["best_cer"], saved["history"]
        if saved["scheduler"].get("total_steps") == opts.steps:
            sched.load_state_dict(saved["scheduler"])
        else:  # a longer (or shorter) schedule than the saved one: replay it up to this step
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for _ in range(min(step, opts.steps)):
                    sched.step()
        console.print(f"resumed at step {step} (best val CER {best:.4f})")
    rng = np.random.default_rng([opts.seed, step])
    started = time.monotonic()
    loss_avg = 0.0
    out_of_time = False
    cer, exact = (best, 0.0) if history else (math.nan, 0.0)
    model.train()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TextColumn("loss {task.fields[loss]:.3f}  val CER {task.fields[cer]:.4f}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("train recognizer", total=opts.steps, completed=step, loss=0.0, cer=cer)
        while step < opts.steps:
            for x, texts, lengths in batches(train_set, opts.batch_size, rng):
                targets = [codec.encode(t) for t in texts]
                logits = model(torch.from_numpy(x))
                log_probs = logits.log_softmax(-1).permute(1, 0, 2)  # (T, N, C)
                loss = ctc(log_probs, torch.tensor([i for t in targets for i in t]),
                           torch.tensor(lengths), torch.tensor([len(t) for t in targets]))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                opt.step()
                sched.step()
                step += 1
                loss_value = loss.item()
                loss_avg = 0.98 * loss_avg + 0.02 * loss_value if step > 1 else loss_value
                out_of_time = opts.minutes is not None and time.monotonic() - started > opts.minutes * 60
                if step % opts.eval_every == 0 or step >= opts.steps or out_of_time:
                    cer, exact = evaluate(model, val_set, codec, opts.max_val)
                    history.append({"step": step, "loss": round(loss_avg, 4), "cer": round(cer, 5),
                                    "exact": round(exact, 4)})
                    if cer < best:
                        best = cer
                        _save(best_path, model, opt, sched, step, best, history)
                    _save(last, model, opt, sched, step, best, history)
                    (opts.out / "history.json").write_text(json.dumps(history, indent=1))
                    console.print(f"step {step}: loss {loss_avg:.3f}, val CER {cer:.4f}, exact {exact:.3f}",
                                  highlight=False)
                bar.update(task, completed=step, loss=loss_avg, cer=cer)
                if step >= opts.steps or out_of_time:
                    break
            if out_of_time:
                console.print(f"stopping after {opts.minutes} minutes at step {step}; --resume continues")
                break
    return best_path
