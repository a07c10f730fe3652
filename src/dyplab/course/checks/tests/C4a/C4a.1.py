"""C4a, oppgave 1: én-mot-resten-AUC per retinopatigrad på valideringssettet (RetinaMNIST)."""

import numpy as np
from otter.test_files import test_case

name = "C4a.1"
OTTER_OK = False


@test_case(failure_message="Regn én-mot-resten-AUC for hver grad på valideringssettet, med sannsynlighetene for den graden.")
def test_auc_per_grade(auc_per_grade, proba, labels):
    from sklearn.metrics import roc_auc_score

    from dyplab.data import medmnist

    y = np.asarray(labels)
    if not np.array_equal(y, medmnist.load("retinamnist", "val").y):
        test = medmnist.load("retinamnist", "test").y
        assert not np.array_equal(y, test), (
            "Dette er testsettet. Oppgaven bruker valideringssettet; testsettet rører vi ikke for slike analyser.")
        raise AssertionError("labels er ikke etikettene i RetinaMNIST sitt valideringssett.")
    p = np.asarray(proba, dtype=float)
    assert p.shape == (len(y), 5), "proba skal ha én rad per valideringsbilde og én kolonne per grad (5)."
    aucs = np.asarray(auc_per_grade, dtype=float)
    assert aucs.shape == (5,), "auc_per_grade skal ha fem tall, ett per grad 0–4, i rekkefølge."
    assert np.all((aucs >= 0) & (aucs <= 1)), "En AUC ligger mellom 0 og 1."
    expected = np.array([roc_auc_score(y == k, p[:, k]) for k in range(5)])
    assert np.allclose(aucs, expected, atol=1e-9), (
        "Minst én AUC stemmer ikke. For grad k: fasiten er «grad k eller ikke», og skåren er sannsynligheten for grad k.")
