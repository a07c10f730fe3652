"""Part A's exercise checks fail, with their message, for typical wrong answers (and pass for a right one).

The right answers are also checked by the smoke solution test, which runs every solution in its notebook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dyplab.course.checks import run_check
from dyplab.data.mnist import CourseSplit

SOBEL_X = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)
LOGITS = np.array([2.0, 1.0, 0.1])


def fails(exercise_id: str, words: str, **answers) -> None:
    result = run_check(exercise_id, **answers)
    assert not result.passed, f"{exercise_id} passed a wrong answer"
    assert words in result.message, f"{exercise_id}: expected {words!r} in {result.message!r}"


def passes(exercise_id: str, **answers) -> None:
    result = run_check(exercise_id, **answers)
    assert result.passed, f"{exercise_id} failed a right answer: {result.message}"


# --- A1 -------------------------------------------------------------------------------------------------------

def test_a1_1_flipped_kernel_and_a_forgotten_term() -> None:
    fails("A1.1", "Fortegnet er snudd", out_00=1)   # the mathematical convolution (flipped kernel)
    fails("A1.1", "summer alle ni produktene", out_00=6)   # only the left column
    fails("A1.1", "ett tall", out_00=np.zeros((3, 3)))


def test_a1_2_sobel_x_again_and_no_padding() -> None:
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    sobel_y = SOBEL_X.T.copy()
    edge = F.conv2d(x, torch.from_numpy(sobel_y)[None, None], padding=1)[0, 0]
    passes("A1.2", sobel_y=sobel_y, edge_y=edge, image=x)
    fails("A1.2", "fortsatt vertikale kanter", sobel_y=SOBEL_X, edge_y=edge, image=x)
    fails("A1.2", "padding=1", sobel_y=sobel_y, edge_y=F.conv2d(x, torch.from_numpy(sobel_y)[None, None])[0, 0], image=x)
    fails("A1.2", "ikke testbilde 0 filtrert med sobel_y", sobel_y=sobel_y, edge_y=edge.T, image=x)


def test_a1_3_logits_instead_of_probabilities_and_a_wrong_factor() -> None:
    def softmax(z):
        return np.exp(z) / np.exp(z).sum()

    passes("A1.3", p_times3=softmax(3 * LOGITS), p_times0=softmax(0 * LOGITS), logits=LOGITS)
    fails("A1.3", "summerer til 1", p_times3=3 * LOGITS, p_times0=0 * LOGITS, logits=LOGITS)
    fails("A1.3", "like sannsynligheter", p_times3=softmax(3 * LOGITS), p_times0=softmax(LOGITS), logits=LOGITS)
    fails("A1.3", "gang logits med 3", p_times3=softmax(LOGITS / 3), p_times0=softmax(0 * LOGITS), logits=LOGITS)


def test_a1_4_rounding_up_after_pooling_and_wrong_channels() -> None:
    fails("A1.4", "runder NED", sizes=[26, 13, 11, 6], n_features=64 * 6 * 6)
    fails("A1.4", "k − 1", sizes=[28, 14, 14, 7], n_features=64 * 7 * 7)   # 'same' padding
    fails("A1.4", "64 kanaler", sizes=[26, 13, 11, 5], n_features=32 * 5 * 5)


def test_a1_5_bias_not_through_the_second_layer_and_wrong_order() -> None:
    torch.manual_seed(0)
    l1, l2 = nn.Linear(4, 3), nn.Linear(3, 2)
    passes("A1.5", W=l2.weight @ l1.weight, b=l2.weight @ l1.bias + l2.bias, l1=l1, l2=l2)
    fails("A1.5", "b1 går også gjennom l2", W=l2.weight @ l1.weight, b=l1.bias.sum() + l2.bias, l1=l1, l2=l2)
    fails("A1.5", "formen", W=l1.weight.T @ l2.weight.T, b=l2.bias, l1=l1, l2=l2)


# --- A2 -------------------------------------------------------------------------------------------------------

BLOOD = torch.tensor([[14.1, 6.2, 250.0, 3.0], [12.3, 14.8, 410.0, 85.0], [15.0, 5.1, 190.0, 1.0],
                      [11.8, 11.9, 320.0, 42.0], [13.6, 7.7, 270.0, 6.0]])


def test_a2_1_means_and_z_values_per_patient_instead_of_per_column() -> None:
    z = (BLOOD - BLOOD.mean(dim=0)) / BLOOD.std(dim=0)
    passes("A2.1", blood=BLOOD, means=BLOOD.mean(dim=0), z_blood=z)
    fails("A2.1", "dim=0", blood=BLOOD, means=BLOOD.mean(dim=1), z_blood=z)
    per_patient = (BLOOD - BLOOD.mean(dim=1, keepdim=True)) / BLOOD.std(dim=1, keepdim=True)
    fails("A2.1", "ikke per pasient", blood=BLOOD, means=BLOOD.mean(dim=0), z_blood=per_patient)
    fails("A2.1", "[5, 4]", blood=BLOOD.T, means=BLOOD.mean(dim=0), z_blood=z)


def _patient_net(widths: list[int], relu: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = []
    for a, b in zip([3, *widths], [*widths, 2]):
        layers += [nn.Linear(a, b), nn.ReLU()] if relu else [nn.Linear(a, b)]
    return nn.Sequential(*layers[:-1] if relu else layers)


def test_a2_2_missing_relu_and_wrong_widths() -> None:
    passes("A2.2", deep=_patient_net([16, 8, 4]))
    fails("A2.2", "mangler ReLU", deep=_patient_net([16, 8, 4], relu=False))
    fails("A2.2", "16, 8 og 4", deep=_patient_net([4, 8, 16]))
    fails("A2.2", "nn.Module", deep="DeepPatientClassifier")


def test_a2_3_wrong_rates_and_training_tables() -> None:
    h = pd.DataFrame({"epoke": [1, 2, 3], "tren_tap": [0.7, 0.5, 0.4], "val_tap": [0.6, 0.5, 0.45]})
    passes("A2.3", histories={0.001: h, 0.1: h, 1.0: h}, n_epochs=3)
    fails("A2.3", "0.001, 0.1 og 1.0", histories={0.01: h, 0.1: h, 1.0: h}, n_epochs=3)
    fails("A2.3", "val_tap", histories={lr: h[["epoke", "tren_tap"]] for lr in (0.001, 0.1, 1.0)}, n_epochs=3)
    fails("A2.3", "like mange epoker", histories={0.001: h, 0.1: h.iloc[:2], 1.0: h}, n_epochs=3)


class _LesionNet(nn.Module):
    def __init__(self, third: bool = True, fixed_classifier: bool = True) -> None:
        super().__init__()
        blocks = [nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        if third:
            blocks += [nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*blocks)
        width = 64 * 4 * 4 if third and fixed_classifier else 32 * 8 * 8
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(width, 64), nn.ReLU(), nn.Linear(64, 2))

    def forward(self, x):
        return self.classifier(self.features(x))


def test_a2_4_classifier_not_resized_and_no_third_layer() -> None:
    passes("A2.4", deeper=_LesionNet())
    fails("A2.4", "classifier passer ikke", deeper=_LesionNet(fixed_classifier=False))
    fails("A2.4", "tre konvolusjonslag", deeper=_LesionNet(third=False))


def test_a2_6_a_grouped_split_shows_no_leak() -> None:
    source = np.repeat(np.arange(20), 16)                  # 20 recordings × 16 windows
    shuffled = np.random.default_rng(0).permutation(len(source))
    passes("A2.6", source=source, i_train=shuffled[:192], i_val=shuffled[192:240], i_test=shuffled[240:])
    grouped = np.argsort(source, kind="stable")            # whole recordings per part: no leak to show
    fails("A2.6", "Ingen opptak finnes på begge sider", source=source, i_train=grouped[:192], i_val=grouped[192:240],
          i_test=grouped[240:])
    fails("A2.6", "ikke overlapper", source=source, i_train=shuffled[:200], i_val=shuffled[190:240], i_test=shuffled[240:])


# --- A3 -------------------------------------------------------------------------------------------------------

def _benchmark_table(n_images: int) -> pd.DataFrame:
    per_image = np.array([1800.0, 300.0, 250.0, 900.0, 4096.0])
    return pd.DataFrame({"format": ["csv", "csv.gz", "npz", "parquet", "png"], "bytes": per_image * n_images,
                         "bytes_per_image": per_image, "identical": [True] * 5})


def test_a3_1_the_first_500_images_instead_of_5000() -> None:
    passes("A3.1", small=_benchmark_table(5000))
    fails("A3.1", "5 000 bilder", small=_benchmark_table(500))
    lossy = _benchmark_table(5000).assign(identical=[True, True, False, True, True])
    fails("A3.1", "identical er False", small=lossy)


def test_a3_2_the_decimal_file_is_not_larger() -> None:
    passes("A3.2", size_int=1_000_000, size_decimal=3_000_000)
    fails("A3.2", "delt pikselkolonnene på 255", size_int=1_000_000, size_decimal=1_000_000)
    fails("A3.2", "i byte", size_int=1.2, size_decimal=3.4)   # megabytes, rounded


def test_a3_3_std_over_everything_or_within_each_image() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 20)
    X = (rng.random((200, 28, 28)) * (y[:, None, None] + 1) * 20).astype(np.uint8)
    right = pd.Series({k: X[y == k].astype(float).std(axis=0).mean() for k in range(10)})
    passes("A3.3", variation=right, most_varied=int(right.idxmax()), X=X, y=y)
    overall = pd.Series({k: X.astype(float).std(axis=0).mean() for k in range(10)})
    fails("A3.3", "innen hver klasse", variation=overall, most_varied=0, X=X, y=y)
    within_images = pd.Series({k: X[y == k].astype(float).std(axis=(1, 2)).mean() for k in range(10)})
    fails("A3.3", "axis=0", variation=within_images, most_varied=int(within_images.idxmax()), X=X, y=y)
    fails("A3.3", "størst verdi", variation=right, most_varied=int(right.idxmin()), X=X, y=y)


def _subset(seed: int) -> CourseSplit:
    empty = np.empty((0, 28, 28), dtype=np.uint8)
    labels = np.empty(0, dtype=np.int64)
    return CourseSplit(empty, labels, empty, labels, np.random.default_rng(seed).permutation(70_000)[:20_000])


def test_a3_4_the_same_seed_for_c() -> None:
    passes("A3.4", a=_subset(42), b=_subset(42), c=_subset(7))
    fails("A3.4", "et annet frø", a=_subset(42), b=_subset(42), c=_subset(42))
    fails("A3.4", "samme frø", a=_subset(42), b=_subset(7), c=_subset(7))


# --- A4 -------------------------------------------------------------------------------------------------------

def _confusion() -> np.ndarray:
    cm = np.diag(np.full(10, 50))
    for (i, j), n in {(4, 9): 7, (9, 4): 6, (3, 5): 5, (5, 3): 4, (7, 9): 6, (2, 7): 3, (8, 3): 2}.items():
        cm[i, j] = n
    return cm   # pairs: 4↔9 13, 3↔5 9, 7↔9 6, 2↔7 3, 3↔8 2


def test_a4_2_the_diagonal_one_direction_or_a_repeated_pair() -> None:
    cm = _confusion()
    passes("A4.2", top_pairs=[(4, 9), (3, 5), (7, 9)], cm=cm)
    fails("A4.2", "ikke med seg selv", top_pairs=[(0, 0), (4, 9), (3, 5)], cm=cm)
    fails("A4.2", "ett par", top_pairs=[(4, 9), (9, 4), (3, 5)], cm=cm)
    fails("A4.2", "legg sammen cm[i, j] og cm[j, i]", top_pairs=[(4, 9), (7, 9), (2, 7)], cm=cm)
    fails("A4.2", "10 × 10", top_pairs=[(4, 9), (3, 5), (7, 9)], cm=cm[:9, :9])


def test_a4_3_least_important_pixels_and_a_forest_on_all_pixels() -> None:
    from sklearn.ensemble import RandomForestClassifier

    importances = np.random.default_rng(0).dirichlet(np.ones(784))
    top = np.argsort(importances)[::-1][:100]
    rng = np.random.default_rng(1)
    X, y = rng.random((60, 784)), np.arange(60) % 3
    small = RandomForestClassifier(n_estimators=30, random_state=0, oob_score=True).fit(X[:, top], y)
    passes("A4.3", top=top, small=small, importances=importances)
    fails("A4.3", "minst viktige", top=np.argsort(importances)[:100], small=small, importances=importances)
    fails("A4.3", "100 ulike", top=top[:50], small=small, importances=importances)
    on_all = RandomForestClassifier(n_estimators=30, random_state=0, oob_score=True).fit(X, y)
    fails("A4.3", "bare disse 100 kolonnene", top=top, small=on_all, importances=importances)


# --- A5 -------------------------------------------------------------------------------------------------------

def test_a5_1_the_recipe_network_instead_of_the_small_one() -> None:
    from dyplab.models.mnist import MLP

    fails("A5.1", "100 og 50", small=MLP(), res_small=None)
    fails("A5.1", "uten regularisering", small=MLP(hidden=(100, 50)), res_small=None)
    fails("A5.1", "input_dropout=0.0", small=MLP(hidden=(100, 50), dropout=0.0, batch_norm=False), res_small=None)
    fails("A5.1", "training.fit", small=MLP(hidden=(100, 50), dropout=0.0, batch_norm=False, input_dropout=0.0),
          res_small=None)


def test_a5_2_a_new_permutation_in_every_call_and_no_shuffle() -> None:
    perm = np.random.default_rng(0).permutation(784)

    def fixed(X):
        return X.reshape(len(X), -1)[:, perm].reshape(X.shape)

    def redrawn(X):
        return X.reshape(len(X), -1)[:, np.random.permutation(784)].reshape(X.shape)

    passes("A5.2", perm=perm, shuffle_pixels=fixed)
    fails("A5.2", "samme perm", perm=perm, shuffle_pixels=redrawn)
    fails("A5.2", "tilfeldig omstokking", perm=np.arange(784), shuffle_pixels=fixed)
    fails("A5.2", "samme form", perm=perm, shuffle_pixels=lambda X: X.reshape(len(X), -1)[:, perm])


def test_a5_3_or_instead_of_and() -> None:
    y = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    rf = np.array([0, 1, 9, 9, 4, 9, 6, 7])
    mlp = np.array([0, 9, 9, 3, 9, 9, 6, 7])
    passes("A5.3", rf_pred=rf, pred=mlp, y_test=y, n_disagree=3, n_both_wrong=2)
    fails("A5.3", "med & og ikke |", rf_pred=rf, pred=mlp, y_test=y, n_disagree=3, n_both_wrong=5)
    fails("A5.3", "ulikt svar", rf_pred=rf, pred=mlp, y_test=y, n_disagree=6, n_both_wrong=2)


# --- A6 -------------------------------------------------------------------------------------------------------

def _predictions() -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 400)
    preds = {name: np.where(rng.random(400) < acc, y, rng.integers(0, 10, 400))
             for name, acc in (("Random Forest", 0.8), ("MLP", 0.85), ("CNN", 0.9))}
    return preds, y


def _digit_table(preds, y, digit) -> pd.DataFrame:
    rows = {}
    for name, pred in preds.items():
        tp = int(((y == digit) & (pred == digit)).sum())
        rows[name] = {"sensitivity": tp / int((y == digit).sum()), "ppv": tp / int((pred == digit).sum())}
    return pd.DataFrame(rows).T


def test_a6_1_still_the_digit_eight() -> None:
    preds, y = _predictions()
    passes("A6.1", positive=9, table=_digit_table(preds, y, 9), preds=preds, y_test=y)
    fails("A6.1", "sifferet 8", positive=9, table=_digit_table(preds, y, 8), preds=preds, y_test=y)
    fails("A6.1", "4 eller 9", positive=8, table=_digit_table(preds, y, 8), preds=preds, y_test=y)
    fails("A6.1", "én rad per modell", positive=9, table=_digit_table(preds, y, 9).iloc[:2], preds=preds, y_test=y)


def test_a6_2_threshold_chosen_on_the_test_set() -> None:
    from dyplab import metrics

    rng = np.random.default_rng(3)
    is8_val, is8_test = (rng.random(300) < 0.1).astype(int), (rng.random(300) < 0.1).astype(int)
    p8_val = np.clip(is8_val * 0.6 + rng.random(300) * 0.5, 0, 1)
    p8_test = np.clip(is8_test * 0.6 + rng.random(300) * 0.5, 0, 1)
    threshold = metrics.threshold_for_sensitivity(is8_val, p8_val, target=1.0)
    t95 = metrics.threshold_for_sensitivity(is8_val, p8_val, target=0.95)
    on_test = metrics.threshold_for_sensitivity(is8_test, p8_test, target=0.95)
    assert not np.isclose(t95, on_test) and threshold < t95, "the made-up data must separate the three thresholds"
    data = {"threshold": threshold, "is8_val": is8_val, "p8_val": p8_val, "is8_test": is8_test, "p8_test": p8_test}
    passes("A6.2", t95=t95, **data)
    fails("A6.2", "valgt på testsettet", t95=on_test, **data)
    fails("A6.2", "for høy", t95=0.999, **data)
    fails("A6.2", "høyeste terskelen", t95=threshold, **data)


def test_a6_3_augmented_model_or_errors_counted_on_the_test_set() -> None:
    from dyplab import training
    from dyplab.models.mnist import CNN

    torch.manual_seed(0)
    X_val = torch.randn(30, 1, 28, 28).numpy()
    y_val = np.arange(30) % 10
    model = CNN(max_shift=0).eval()
    errors = int((training.predict(model, X_val) != y_val).sum())
    passes("A6.3", model_noaug=model, val_errors_noaug=errors, val_data=(X_val, y_val))
    fails("A6.3", "max_shift=0", model_noaug=CNN().eval(), val_errors_noaug=errors, val_data=(X_val, y_val))
    fails("A6.3", "ikke feil på testsettet", model_noaug=model, val_errors_noaug=(errors + 3) % 31, val_data=(X_val, y_val))


@pytest.mark.parametrize("exercise_id", ["A1.1", "A2.2", "A3.2"])
def test_a_placeholder_is_not_answered(exercise_id: str) -> None:
    names = {"A1.1": ["out_00"], "A2.2": ["deep"], "A3.2": ["size_int", "size_decimal"]}[exercise_id]
    result = run_check(exercise_id, **dict.fromkeys(names, ...))
    assert not result.passed and result.message.startswith("Ikke besvart")
