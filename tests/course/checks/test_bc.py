"""The exercise checks of B1–B4 and C1–C4a: each passes with a right answer and fails, with its message, for typical
wrong answers (wrong shape, wrong quantity, data leakage, the test set used for a choice, ...).

The answers are built here from real library objects (the Hodgkin–Huxley simulator, the autograd engine, sklearn
preprocessors, BeatCNN, matplotlib axes, MedMNIST splits from the course mirror) on small made-up data."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import torch

from dyplab.course.checks import run_check


def fails_with(result, *words: str) -> None:
    assert not result.passed, f"expected a failure, got {result}"
    for word in words:
        assert word in result.message, f"{word!r} not in {result.message!r}"


def passes(result) -> None:
    assert result.passed, result.message


# --- B1 -----------------------------------------------------------------------------------------------------------


def test_b1_1_threshold_of_a_half_millisecond_pulse() -> None:
    passes(run_check("B1.1", threshold_05=13.3))
    fails_with(run_check("B1.1", threshold_05=6.9), "ikke noe aksjonspotensial", "0.5 ms")   # the 1 ms threshold
    fails_with(run_check("B1.1", threshold_05=20.0), "ikke den minste")
    fails_with(run_check("B1.1", threshold_05="13.3"), "ett tall")
    assert run_check("B1.1", threshold_05=...).unanswered


def test_b1_2_sodium_conductance_where_the_action_potential_disappears() -> None:
    passes(run_check("B1.2", g_Na_block=85))
    fails_with(run_check("B1.2", g_Na_block=60), "ikke ved grensen")        # the solution's coarse grid
    fails_with(run_check("B1.2", g_Na_block=100), "fortsatt et aksjonspotensial")


def test_b1_3_perceptron_by_hand() -> None:
    passes(run_check("B1.3", z_hand=3.2, sigmoid_hand=1 / (1 + math.exp(-3.2))))
    fails_with(run_check("B1.3", z_hand=2.9, sigmoid_hand=1 / (1 + math.exp(-2.9))), "biasen")
    fails_with(run_check("B1.3", z_hand=3.2, sigmoid_hand=1.0), "mellom 0 og 1")         # the step function


# --- B2 -----------------------------------------------------------------------------------------------------------


def test_b2_1_number_of_updates_per_batch_size() -> None:
    from dyplab.theory import gradient_descent as gd

    x, y = gd.make_regression(n=200, seed=0, w=2.5, b=-1.0, noise=1.0)
    runs = {bs: gd.fit_linear(x, y, lr=0.05, epochs=2, batch_size=bs, seed=1) for bs in (1, 10, 50)}
    passes(run_check("B2.1", hist_1=runs[1], hist_50=runs[50], n_examples=len(x), epochs=2))
    fails_with(run_check("B2.1", hist_1=runs[10], hist_50=runs[50], n_examples=len(x), epochs=2), "batch_size=1")
    fails_with(run_check("B2.1", hist_1=runs[1], hist_50=runs[10], n_examples=len(x), epochs=2), "batch_size=50")


def test_b2_2_largest_stable_learning_rate() -> None:
    passes(run_check("B2.2", lr_max=0.49))
    fails_with(run_check("B2.2", lr_max=1.0), "x-retningen")
    fails_with(run_check("B2.2", lr_max=0.6), "divergerer")
    fails_with(run_check("B2.2", lr_max=0.3), "større")


def _worked_example():
    """The two-layer example of B2 (same start values), after ``L.backward()``."""
    from dyplab.theory.autograd import Value

    x1, x2, y = Value(1.0), Value(2.0), 1.0
    w11, w12, b1, w21, w22, b2 = (Value(v) for v in (0.5, -0.4, 0.1, 0.3, 0.8, -0.2))
    v1, v2, c = Value(1.2), Value(-0.7), Value(0.1)
    h1, h2 = (w11 * x1 + w12 * x2 + b1).tanh(), (w21 * x1 + w22 * x2 + b2).tanh()
    y_hat = v1 * h1 + v2 * h2 + c
    ((y_hat - y) ** 2).backward()
    return SimpleNamespace(y_hat=y_hat, y=y, v2=v2, h2=h2, x2=x2, w22=w22)


def test_b2_3_chain_rule_by_hand() -> None:
    e = _worked_example()
    right = 2 * (e.y_hat.data - e.y) * e.v2.data * (1 - e.h2.data**2) * e.x2.data
    passes(run_check("B2.3", dL_dw22=right, w22=e.w22))
    without_tanh = 2 * (e.y_hat.data - e.y) * e.v2.data * e.x2.data
    fails_with(run_check("B2.3", dL_dw22=without_tanh, w22=e.w22), "tanh")
    fails_with(run_check("B2.3", dL_dw22=right, w22=e.w22.grad), "Value-objektet")


def test_b2_4_softplus_in_the_engine() -> None:
    from dyplab.theory.autograd import Value

    z = Value(0.7)
    s = (1 + z.exp()).log()
    s.backward()
    passes(run_check("B2.4", z=z, s=s))
    z_no_backward = Value(0.7)
    fails_with(run_check("B2.4", z=z_no_backward, s=(1 + z_no_backward.exp()).log()), "backward")
    z_relu = Value(0.7)
    relu = z_relu.relu()
    relu.backward()
    fails_with(run_check("B2.4", z=z_relu, s=relu), "ikke softplus")


# --- B3 -----------------------------------------------------------------------------------------------------------


def test_b3_1_thresholds_are_chosen_on_validation() -> None:
    from dyplab import metrics

    rng = np.random.default_rng(0)
    y_val, y_test = rng.integers(0, 2, 60), rng.integers(0, 2, 60)
    p_val, p_test = np.clip(0.3 * y_val + rng.uniform(0, 0.7, 60), 0, 1), np.clip(0.3 * y_test + rng.uniform(0, 0.7, 60), 0, 1)
    right = {t: metrics.threshold_for_sensitivity(y_val, p_val, t) for t in (0.80, 0.90, 0.95)}
    passes(run_check("B3.1", chosen_thresholds=right, y_val=y_val, p_val=p_val))
    on_test = {t: metrics.threshold_for_sensitivity(y_test, p_test, t) for t in (0.80, 0.95)}
    result = run_check("B3.1", chosen_thresholds=on_test, y_val=y_val, p_val=p_val)
    fails_with(result, "valideringsdata")
    assert "test" in result.message
    lower = {t: thr - 0.05 for t, thr in right.items()}
    fails_with(run_check("B3.1", chosen_thresholds=lower, y_val=y_val, p_val=p_val), "høyere terskel")
    fails_with(run_check("B3.1", chosen_thresholds={0.80: right[0.80]}, y_val=y_val, p_val=p_val), "mangler")


def _heart_like(n: int, seed: int = 0) -> pd.DataFrame:
    """A made-up table with the 13 Cleveland columns (codes as in the file, a few values missing)."""
    from dyplab.data import heart

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({v: rng.normal(50, 10, n) for v in heart.NUMERIC})
    codes = {"cp": [1, 2, 3, 4], "restecg": [0, 1, 2], "slope": [1, 2, 3], "thal": [3, 6, 7]}
    for v in heart.NOMINAL:
        frame[v] = rng.choice(codes[v], n).astype(float)
    for v in heart.BINARY:
        frame[v] = rng.integers(0, 2, n).astype(float)
    frame.loc[frame.index[:3], "ca"] = np.nan
    return frame[list(heart.FEATURES)]


def _preprocessor(keep):
    from dyplab import tabular
    from dyplab.data import heart

    return tabular.make_preprocessor(numeric=[v for v in heart.NUMERIC if v in keep],
                                     nominal=[v for v in heart.NOMINAL if v in keep],
                                     binary=[v for v in heart.BINARY if v in keep])


def test_b3_2_without_ca_and_thal_and_without_leakage() -> None:
    from dyplab.data import heart

    X = _heart_like(100)
    X_train = X.iloc[:60]
    keep = [v for v in heart.FEATURES if v not in ("ca", "thal")]
    right = _preprocessor(keep).fit(X_train[keep])
    passes(run_check("B3.2", features=keep, preprocessor=right, X_train=X_train, auc_lr=0.8, auc_mlp=0.75))
    leaky = _preprocessor(keep).fit(X[keep])                           # fitted on every patient
    fails_with(run_check("B3.2", features=keep, preprocessor=leaky, X_train=X_train, auc_lr=0.8, auc_mlp=0.75),
               "bare på treningsdata", "lekker")
    with_ca = [v for v in heart.FEATURES if v != "thal"]
    fails_with(run_check("B3.2", features=with_ca, preprocessor=_preprocessor(with_ca).fit(X_train[with_ca]),
                         X_train=X_train, auc_lr=0.8, auc_mlp=0.75), "ca eller thal")
    fails_with(run_check("B3.2", features=keep, preprocessor=right, X_train=X_train, auc_lr=80, auc_mlp=0.75), "auc_lr")


def test_b3_3_variants_without_dropout_and_with_three_layers() -> None:
    from dyplab.models.tabular import HEART_MLP, TabularMLP

    recipe, n = dict(HEART_MLP.model_kwargs), 22
    no_dropout = TabularMLP(n, **{**recipe, "dropout": 0.0})
    large = TabularMLP(n, hidden=(128, 64, 32), dropout=0.3)
    passes(run_check("B3.3", no_dropout=no_dropout, large=large, recipe=recipe, n_features=n))
    still = TabularMLP(n, **{**recipe, "dropout": 0.3})
    fails_with(run_check("B3.3", no_dropout=still, large=large, recipe=recipe, n_features=n), "fortsatt dropout")
    fails_with(run_check("B3.3", no_dropout=no_dropout, large=TabularMLP(n, hidden=(128, 64)), recipe=recipe,
                         n_features=n), "tre skjulte lag")
    fails_with(run_check("B3.3", no_dropout=no_dropout, large=TabularMLP(13, hidden=(128, 64, 32)), recipe=recipe,
                         n_features=n), "forbehandlede kolonnene")


def test_b3_4_external_validation_trains_on_cleveland_only() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from dyplab.data import heart

    sites = ["cleveland"] * 80 + ["hungarian"] * 30 + ["switzerland"] * 20 + ["va"] * 30
    frame = _heart_like(len(sites), seed=1).assign(site=sites, target=np.tile([0, 1], len(sites) // 2))
    features = list(heart.FEATURES)

    def fitted(rows):
        model = Pipeline([("pre", _preprocessor(features)), ("model", LogisticRegression(max_iter=1000))])
        return model.fit(rows[features], rows["target"])

    aucs = {"hungarian": 0.8, "switzerland": 0.6, "va": 0.7}
    passes(run_check("B3.4", lr_ext=fitted(frame[frame["site"] == "cleveland"]), external_auc=aucs, all_sites=frame))
    fails_with(run_check("B3.4", lr_ext=fitted(frame), external_auc=aucs, all_sites=frame), "kan ikke være med i treningen")
    fails_with(run_check("B3.4", lr_ext=fitted(frame[frame["site"] == "cleveland"]),
                         external_auc={**aucs, "cleveland": 0.9}, all_sites=frame), "ikke for Cleveland")


# --- B4 -----------------------------------------------------------------------------------------------------------


def _beats(records: list[str], per_record: int) -> SimpleNamespace:
    return SimpleNamespace(record=np.repeat(np.array(records), per_record))


def test_b4_1_records_and_shared_patients() -> None:
    b1 = _beats(["100", "101", "102"], 10)                             # a random beat split: every record on both sides
    tr1, te1 = np.arange(0, 30, 2), np.arange(1, 30, 2)
    b2 = _beats(["100", "101", "200", "201"], 10)                      # a split by record
    tr2, te2 = np.arange(20), np.arange(20, 40)
    splits = dict(b1=b1, tr1=tr1, te1=te1, b2=b2, tr2=tr2, te2=te2)
    passes(run_check("B4.1", records_p1=3, records_p2=2, shared_p1=1.0, shared_p2=0.0, **splits))
    fails_with(run_check("B4.1", records_p1=15, records_p2=2, shared_p1=1.0, shared_p2=0.0, **splits), "antall testslag")
    fails_with(run_check("B4.1", records_p1=3, records_p2=2, shared_p1=100.0, shared_p2=0.0, **splits), "ikke prosent")
    fails_with(run_check("B4.1", records_p1=3, records_p2=2, shared_p1=1.0, shared_p2=0.5, **splits), "shared_p2")


def test_b4_2_network_without_rr_features() -> None:
    from dyplab.models.ecg import BeatCNN

    win, n_rr, te2 = 126, 5, np.arange(7)
    net = BeatCNN(win, 0, n_classes=4, in_channels=2)
    pred = np.zeros(len(te2), dtype=int)
    passes(run_check("B4.2", X2w=np.zeros((20, 2 * win)), net_w=net, pred_w=pred, te2=te2, WIN=win))
    fails_with(run_check("B4.2", X2w=np.zeros((20, 2 * win + n_rr)), net_w=net, pred_w=pred, te2=te2, WIN=win),
               "RR-trekkene ligger fortsatt")
    fails_with(run_check("B4.2", X2w=np.zeros((20, 2 * win)), net_w=BeatCNN(win, n_rr, n_classes=4, in_channels=2),
                         pred_w=pred, te2=te2, WIN=win), "uten RR-trekk")
    fails_with(run_check("B4.2", X2w=np.zeros((20, 2 * win)), net_w=net, pred_w=pred[:3], te2=te2, WIN=win),
               "én prediksjon per testslag")


def _per_record(records, y_true, y_pred) -> pd.DataFrame:
    frame = pd.DataFrame({"opptak": records, "fasit": y_true, "pred": y_pred})
    return frame.groupby("opptak").agg(**{
        "S-slag": ("fasit", lambda s: int((s == 1).sum())),
        "S funnet": ("fasit", lambda s: int(((s == 1) & (frame.loc[s.index, "pred"] == 1)).sum())),
        "N kalt S": ("fasit", lambda s: int(((s == 0) & (frame.loc[s.index, "pred"] == 1)).sum())),
    })


def test_b4_3_table_per_test_record() -> None:
    rng = np.random.default_rng(3)
    records = np.repeat(["213", "220", "232"], 20)
    y_true, y_pred = rng.integers(0, 3, 60), rng.integers(0, 3, 60)
    right = _per_record(records, y_true, y_pred)
    passes(run_check("B4.3", per_rec=right, records=records, y_true=y_true, y_pred=y_pred))
    with_training = _per_record(np.r_[records, ["101"] * 5], np.r_[y_true, [1] * 5], np.r_[y_pred, [1] * 5])
    fails_with(run_check("B4.3", per_rec=with_training, records=records, y_true=y_true, y_pred=y_pred), "bare testslagene")
    swapped = right.rename(columns={"S funnet": "N kalt S", "N kalt S": "S funnet"})
    fails_with(run_check("B4.3", per_rec=swapped, records=records, y_true=y_true, y_pred=y_pred))


def test_b4_4_choice_is_made_inside_ds1() -> None:
    from dyplab.data import mitbih

    scores = {"én kanal": np.array([0.3, 0.8]), "to kanaler": np.array([0.4, 0.9])}
    ds1 = np.repeat(list(mitbih.DS1), 3)
    passes(run_check("B4.4", cv_records=ds1, cv_f1=scores))
    fails_with(run_check("B4.4", cv_records=np.r_[ds1, list(mitbih.DS2)], cv_f1=scores), "DS2, testsettet")
    fails_with(run_check("B4.4", cv_records=ds1, cv_f1={"én kanal": [0.3, 0.8]}), "hver variant")


# --- C1 -----------------------------------------------------------------------------------------------------------


def test_c1_1_parameters_at_128_pixels() -> None:
    from dyplab.models.images import SimpleCNN

    with torch.device("meta"):
        m128, m224 = SimpleCNN(n_classes=5, image_size=128), SimpleCNN(n_classes=5, image_size=224)
    total = sum(p.numel() for p in m128.parameters())
    fc1 = 128 * 16 * 16 * 512 + 512
    passes(run_check("C1.1", n_params_128=total, n_fc1_128=fc1))
    fails_with(run_check("C1.1", n_params_128=total, n_fc1_128=fc1 - 512), "biasene")
    fails_with(run_check("C1.1", n_params_128=sum(p.numel() for p in m224.parameters()),
                         n_fc1_128=m224.fc1.weight.numel() + 512), "stemmer ikke")
    fails_with(run_check("C1.1", n_params_128=float(total), n_fc1_128=fc1), "heltall")


def _image_folder(root: Path, broken: bool) -> Path:
    from PIL import Image

    for cls in ("daisy", "dandelion"):
        (root / cls).mkdir(parents=True)
        for i in range(2):
            Image.new("L", (8, 8), color=40 * i).save(root / cls / f"{i}.png")
    if broken:
        (root / "daisy" / "ødelagt.jpg").write_text("ikke et bilde", encoding="utf-8")
    return root


def test_c1_2_own_folder_with_a_broken_file(tmp_path: Path) -> None:
    import warnings

    from dyplab.data import images

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        good = _image_folder(tmp_path / "med_feil", broken=True)
        clean = _image_folder(tmp_path / "uten_feil", broken=False)
        passes(run_check("C1.2", folder=good, mine=images.scan(good)))
        fails_with(run_check("C1.2", folder=clean, mine=images.scan(clean)), "ødelagt")
        fails_with(run_check("C1.2", folder=good, mine=images.scan(clean)), "din egen mappe")


# --- C2 -----------------------------------------------------------------------------------------------------------


def test_c2_1_learning_rate_figure() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = pd.DataFrame({"epoch": [1, 2, 3], "lr": [1e-3, 5e-4, 2.5e-4], "val_loss": [1.2, 0.9, 0.8]})
    fig, ax = plt.subplots()
    ax.step(history["epoch"], history["lr"], where="post")
    ax.set(title="Læringsraten per epoke", xlabel="Epoke", ylabel="Læringsrate")
    passes(run_check("C2.1", ax=ax, history=history))
    fig2, wrong = plt.subplots()
    wrong.plot(history["epoch"], history["val_loss"])
    wrong.set(title="Tap", xlabel="Epoke", ylabel="Tap")
    fails_with(run_check("C2.1", ax=wrong, history=history), "ikke læringsraten")
    fig4, dots = plt.subplots()
    dots.scatter(history["epoch"], history["lr"])
    dots.set(title="Læringsraten per epoke", xlabel="Epoke", ylabel="Læringsrate")
    passes(run_check("C2.1", ax=dots, history=history))
    fig3, bare = plt.subplots()
    bare.plot(history["epoch"], history["lr"])
    fails_with(run_check("C2.1", ax=bare, history=history), "mangler tittel")
    plt.close("all")


def test_c2_2_accuracies_are_measured_on_clean_images() -> None:
    from dyplab import training

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 3))
    train = (torch.randn(30, 3, 2, 2), torch.randint(0, 3, (30,)))
    val = (torch.randn(12, 3, 2, 2), torch.randint(0, 3, (12,)))
    plain = SimpleNamespace(model=model, history=pd.DataFrame({"train_acc": [0.99]}))
    tr, va = training.evaluate(model, train)["acc"], training.evaluate(model, val)["acc"]
    passes(run_check("C2.2", plain=plain, train_acc=tr, val_acc=va, train_tensors=train, val_data=val))
    during = float(plain.history["train_acc"].iloc[-1])               # measured during training, not on clean images
    fails_with(run_check("C2.2", plain=plain, train_acc=during, val_acc=va, train_tensors=train, val_data=val),
               "uendrede treningsbildene")
    fails_with(run_check("C2.2", plain=plain, train_acc=tr, val_acc=tr if tr != va else va + 0.5, train_tensors=train,
                         val_data=val), "val_acc")


# --- C3 -----------------------------------------------------------------------------------------------------------


def test_c3_1_second_most_likely_class() -> None:
    proba_row = np.array([0.05, 0.6, 0.1, 0.2, 0.05])
    image, pair = torch.zeros(3, 8, 8), np.zeros((2, 8, 8))
    passes(run_check("C3.1", second=3, proba_row=proba_row, pair=pair, image=image))
    fails_with(run_check("C3.1", second=1, proba_row=proba_row, pair=pair, image=image), "nest mest")
    fails_with(run_check("C3.1", second=int(np.argsort(proba_row)[1]), proba_row=proba_row, pair=pair, image=image),
               "ikke den nest mest sannsynlige")
    fails_with(run_check("C3.1", second=3, proba_row=proba_row, pair=np.zeros((2, 4, 4)), image=image), "samme høyde")


def test_c3_2_balanced_accuracy_is_the_computation_not_a_target() -> None:
    from dyplab import metrics

    y_true = np.array([0] * 40 + [1] * 10)
    y_pred = np.array([0] * 40 + [1] * 3 + [0] * 7)
    bal = metrics.balanced_accuracy(y_true, y_pred)
    passes(run_check("C3.2", bal=bal, blo=bal - 0.1, bhi=min(1.0, bal + 0.1), y_true=y_true, y_pred=y_pred))
    acc = metrics.accuracy(y_true, y_pred)
    fails_with(run_check("C3.2", bal=acc, blo=acc - 0.1, bhi=min(1.0, acc + 0.1), y_true=y_true, y_pred=y_pred),
               "vanlig nøyaktighet")
    fails_with(run_check("C3.2", bal=bal, blo=bal + 0.01, bhi=min(1.0, bal + 0.1), y_true=y_true, y_pred=y_pred),
               "inneholde bal")


# --- C4a (reads the MedMNIST splits from the course mirror) ----------------------------------------------------------


def test_c4a_1_auc_per_grade_on_validation(mirror, isolated_cache) -> None:
    from sklearn.metrics import roc_auc_score

    from dyplab.data import medmnist

    val, test = medmnist.load("retinamnist", "val"), medmnist.load("retinamnist", "test")
    rng = np.random.default_rng(0)

    def answer(y):
        proba = rng.dirichlet(np.ones(5), len(y))
        return [roc_auc_score(y == k, proba[:, k]) for k in range(5)], proba

    aucs, proba = answer(val.y)
    passes(run_check("C4a.1", auc_per_grade=aucs, proba=proba, labels=val.y))
    test_aucs, test_proba = answer(test.y)
    fails_with(run_check("C4a.1", auc_per_grade=test_aucs, proba=test_proba, labels=test.y), "testsettet")
    fails_with(run_check("C4a.1", auc_per_grade=aucs[:4], proba=proba, labels=val.y), "fem tall")
    fails_with(run_check("C4a.1", auc_per_grade=[roc_auc_score(val.y == k, proba[:, 0]) for k in range(5)], proba=proba,
                         labels=val.y), "stemmer ikke")


def test_c4a_2_parameter_groups_of_the_vit() -> None:
    from dyplab.models import images as image_models
    from dyplab.workflows import medimaging

    vit = image_models.SmallViT(in_channels=1, n_classes=2, dropout=0.0, **medimaging.VIT_SIZE)
    groups: dict[str, int] = {}
    for name, p in vit.named_parameters():
        part = ("patch" if name.startswith("patch_embed") else "cls+pos" if name in ("cls_token", "pos_embed")
                else "blokker" if name.startswith("blocks") else "hode")
        groups[part] = groups.get(part, 0) + p.numel()
    passes(run_check("C4a.2", groups=groups, own_vit=vit))
    without_head = {k: v for k, v in groups.items() if k != "hode"} | {"hode": 0}
    fails_with(run_check("C4a.2", groups=without_head, own_vit=vit), "nøyaktig én gruppe")
    fails_with(run_check("C4a.2", groups={"alt": sum(groups.values())}, own_vit=vit), "fire grupper")


def test_c4a_3_threshold_is_chosen_on_validation(mirror, isolated_cache) -> None:
    from dyplab import metrics
    from dyplab.data import medmnist
    from dyplab.workflows import medimaging

    positive = medimaging.POSITIVE["breastmnist"]
    rng = np.random.default_rng(1)

    def view(split):
        y = np.isin(medmnist.load("breastmnist", split).y, positive).astype(int)
        return y, np.clip(0.3 * y + rng.uniform(0, 0.7, len(y)), 0, 1)

    y_val, s_val = view("val")
    y_test, s_test = view("test")
    right = metrics.threshold_for_sensitivity(y_val, s_val, 0.90)
    passes(run_check("C4a.3", threshold=right, y_val=y_val, score_val=s_val))
    on_test = metrics.threshold_for_sensitivity(y_test, s_test, 0.90)
    fails_with(run_check("C4a.3", threshold=on_test, y_val=y_test, score_val=s_test), "testsettet")
    fails_with(run_check("C4a.3", threshold=right + 0.2, y_val=y_val, score_val=s_val), "av de ondartede")
    fails_with(run_check("C4a.3", threshold=right - 0.05, y_val=y_val, score_val=s_val), "høyere terskel")
