import hashlib

import numpy as np
import pytest
import torch

from dyplab.pfn.classifier import load_pretrained
from dyplab.pfn.model import TabularPFN, task_logits
from dyplab.pfn.prior import PriorConfig, sample_batch
from dyplab.pfn.train import (
    TrainConfig,
    base_rate_loss,
    batch_tensors,
    describe_runs,
    pretrain,
    runs_behind,
    save,
    total_steps,
    warm_start,
)

SMALL = dict(dim=16, heads=2, layers=1, hidden=32)


def test_forward_shape_and_queries_do_not_see_each_other():
    torch.manual_seed(0)
    model = TabularPFN(**SMALL).eval()
    x = torch.randn(2, 30, 5)
    y = torch.randint(0, 2, (2, 20))
    out = model(x, y)
    assert out.shape == (2, 10, 10)  # logits for up to 10 classes
    x2 = x.clone()
    x2[:, 25:] = torch.randn(2, 5, 5)  # change other query rows: row 20's logits must not move
    torch.testing.assert_close(model(x2, y)[:, 0], out[:, 0])


def test_any_feature_count_and_feature_order_does_not_matter():
    torch.manual_seed(0)
    model = TabularPFN(**SMALL).eval()
    x = torch.randn(1, 25, 7)
    y = torch.randint(0, 2, (1, 15))
    out = model(x, y)
    torch.testing.assert_close(model(x[:, :, torch.randperm(7)], y), out, atol=1e-5, rtol=1e-4)
    assert model(torch.randn(1, 25, 40), y).shape == (1, 10, 10)


def test_pretraining_is_deterministic_and_checkpoint_round_trips(tmp_path):
    cfg = TrainConfig(seed=5, steps=3, batch_rows=120, log_every=1, warmup=1,
                      prior=PriorConfig(min_rows=30, max_rows=40, max_features=5), **SMALL)
    m1, rows1 = pretrain(cfg, log=lambda s: None)
    m2, rows2 = pretrain(cfg, log=lambda s: None)
    assert [r["loss"] for r in rows1] == [r["loss"] for r in rows2]
    path = save(m1, cfg, rows1, tmp_path / "pfn.pt")
    payload = torch.load(path, weights_only=True)
    assert payload["meta"]["settings"]["seed"] == 5 and len(payload["meta"]["log"]) == 3
    loaded, max_features = load_pretrained(path)
    assert max_features == 5
    rng = np.random.default_rng(0)
    x, y_train, _, _ = batch_tensors(sample_batch(rng, 120, cfg.prior), rng)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x, y_train), m1(x, y_train))


def test_task_logits_hide_the_classes_a_task_does_not_have():
    logits = torch.zeros(2, 3, 10)
    masked = task_logits(logits, torch.tensor([2, 4]))
    p = torch.softmax(masked, dim=-1)
    torch.testing.assert_close(p[0, :, :2], torch.full((3, 2), 0.5))
    assert (p[0, :, 2:] == 0).all() and (p[1, :, 4:] == 0).all()
    torch.testing.assert_close(p[1, :, :4], torch.full((3, 4), 0.25))


def test_warm_start_keeps_what_a_binary_network_predicts_and_adds_classes(tmp_path):
    torch.manual_seed(0)
    binary = TabularPFN(**SMALL, n_classes=2).eval()
    cfg = TrainConfig(steps=700, **SMALL, n_classes=2)
    path = save(binary, cfg, [{"step": 700, "loss": 0.5, "seconds": 12.0}], tmp_path / "binary.pt")
    model = TabularPFN(**SMALL).eval()
    assert warm_start(model, path, seed=0) == 700
    x, y = torch.randn(2, 30, 4), torch.randint(0, 2, (2, 20))
    with torch.no_grad():
        torch.testing.assert_close(model(x, y)[..., :2], binary(x, y))  # a binary task: the same two logits
        grown = model.label.weight[2:10]
    assert len({tuple(r.tolist()) for r in grown}) == 8  # the new classes start distinct
    again = TabularPFN(**SMALL)
    warm_start(again, path, seed=0)
    torch.testing.assert_close(again.label.weight, model.label.weight)  # deterministic for a seed
    with pytest.raises(ValueError, match="another width"):
        warm_start(TabularPFN(dim=32, heads=2, layers=1, hidden=32), path, seed=0)
    with pytest.raises(ValueError, match="class outputs"):
        warm_start(TabularPFN(**SMALL, n_classes=1), path, seed=0)


def test_a_warm_started_run_counts_the_steps_it_started_from(tmp_path):
    small = dict(batch_rows=120, log_every=1, warmup=1, prior=PriorConfig(min_rows=30, max_rows=40, max_features=5),
                 **SMALL)
    first, rows = pretrain(TrainConfig(seed=1, steps=2, **small), log=lambda s: None)
    path = save(first, TrainConfig(seed=1, steps=2, **small), rows, tmp_path / "first.pt")
    cfg = TrainConfig(seed=2, steps=2, init=str(path), init_steps=2, **small)
    second, rows2 = pretrain(cfg, log=lambda s: None)
    saved = torch.load(save(second, cfg, rows2, tmp_path / "second.pt"), weights_only=True)["meta"]
    assert saved["settings"]["init"] == str(path) and total_steps(saved["settings"]) == 4
    assert all(r["base"] > 0 for r in rows2)
    runs = runs_behind(tmp_path / "second.pt")
    assert [(r["steps"], r["seed"], r["classes"]) for r in runs] == [(2, 1, 10), (2, 2, 10)]
    assert runs[0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    text = describe_runs([{"steps": 6000, "classes": 2, "seconds": 2490.0}, {"steps": 8000, "classes": 10, "seconds": 2400.0}])
    assert text == ("6000 steg med 2 klasser (41.5 min) + 8000 steg med 2–10 klasser (40.0 min) = 14000 steg, "
                    "81.5 min i alt på én CPU-tråd (delt maskin)")
    with pytest.raises(ValueError, match="init_steps=5"):
        pretrain(TrainConfig(seed=2, steps=1, init=str(path), init_steps=5, **small), log=lambda s: None)
    path.unlink()
    with pytest.raises(FileNotFoundError, match="first.pt"):
        runs_behind(tmp_path / "second.pt")


def test_base_rate_loss_is_the_entropy_of_the_context_shares():
    y_train = torch.tensor([[0, 1, 2, 0, 1, 2], [0, 0, 0, 1, 1, 1]])
    y_query = torch.tensor([[0, 1], [1, 0]])
    # add-one smoothing: 3 classes with 3 of 9 counts each; 2 classes with 4 of 8 each
    expected = (2 * np.log(3) + 2 * np.log(2)) / 4
    assert base_rate_loss(y_train, y_query, torch.tensor([3, 2])) == pytest.approx(expected)
