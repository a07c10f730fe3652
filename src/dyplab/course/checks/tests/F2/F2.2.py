"""F2, Oppgave 2: terskel for sensitivitet ≥ 0,90 på DARWIN-PFN-ens ut-av-fold-prediksjoner, og målene der."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "F2.2"
TARGET = 0.90


def rates(y, p, thr):
    """Sensitivitet og spesifisitet når score ≥ thr regnes som positiv."""
    y, pos = np.asarray(y), np.asarray(p, dtype=float) >= float(thr)
    return pos[y == 1].mean(), (~pos[y == 0]).mean()


@test_case(failure_message="thr skal være ett tall mellom 0 og 1 (en terskel for sannsynligheten).")
def threshold_is_a_probability(thr):
    assert np.ndim(thr) == 0 and 0 <= float(thr) <= 1


@test_case(failure_message="Med denne terskelen er sensitiviteten under 0,90. Kravet 0,90 gjelder sensitiviteten, "
                           "ikke terskelen: finn terskelen med metrics.threshold_for_sensitivity på p og darwin.y.")
def sensitivity_at_least_90_percent(thr, y, p):
    assert rates(y, p, thr)[0] >= TARGET - 1e-12


@test_case(failure_message="Terskelen er lavere enn den trenger å være: flere friske flagges enn nødvendig. Finn den "
                           "høyeste terskelen som fortsatt gir sensitivitet ≥ 0,90.")
def highest_such_threshold(thr, y, p):
    from dyplab import metrics

    best = metrics.threshold_for_sensitivity(np.asarray(y), np.asarray(p, dtype=float), TARGET)
    assert rates(y, p, thr)[1] >= rates(y, p, best)[1] - 1e-12


@test_case(failure_message="m skal være målene ved terskelen thr (metrics.binary_metrics(darwin.y, p, thr)): "
                           "sensitivitet, spesifisitet, PPV og NPV.")
def metrics_at_the_threshold(m, thr, y, p):
    sens, spec = rates(y, p, thr)
    assert np.isclose(m["sensitivity"], sens) and np.isclose(m["specificity"], spec)
    assert all(0 <= m[k] <= 1 for k in ("ppv", "npv"))
