import numpy as np
import torch

from dyplab.pfn.classifier import load_pretrained
from dyplab.pfn.model import TabularPFN, task_logits
from dyplab.pfn.prior import PriorConfig, sample_batch
from dyplab.pfn.train import TrainConfig, batch_tensors, pretrain, save

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
