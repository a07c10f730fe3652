"""B4, oppgave 2: et nett i protokoll 2 uten RR-trekk (bare de to bølgeform-kanalene)."""

import numpy as np
from otter.test_files import test_case

name = "B4.2"
OTTER_OK = False


@test_case(failure_message="Bruk bare de to bølgeform-kanalene som inndata, og et BeatCNN uten RR-gren.")
def test_without_rr(X2w, net_w, pred_w, te2, WIN):
    assert np.ndim(X2w) == 2, "X2w skal være en matrise med én rad per slag."
    width = np.shape(X2w)[1]
    assert width != WIN, "X2w har bare én bølgeform-kanal; oppgaven bruker begge (2 × WIN kolonner)."
    assert width == 2 * WIN, (
        f"X2w har {width} kolonner, ikke 2 × WIN = {2 * WIN}: RR-trekkene ligger fortsatt ved siden av bølgeformene.")
    assert getattr(net_w, "n_rr", None) == 0 and getattr(net_w, "in_channels", None) == 2, (
        "net_w skal være et BeatCNN uten RR-trekk og med to kanaler: BeatCNN(WIN, 0, 4, in_channels=2).")
    pred = np.asarray(pred_w)
    assert pred.shape == (len(te2),), "pred_w skal ha én prediksjon per testslag i protokoll 2."
    assert pred.min() >= 0 and pred.max() <= 3, "pred_w skal være klassenumre 0–3 (N, S, V, F)."
