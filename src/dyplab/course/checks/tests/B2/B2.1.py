"""B2, oppgave 1: gradientnedstigning med batchstørrelse 1 og 50."""

import math

from otter.test_files import test_case

name = "B2.1"
OTTER_OK = False


def _updates(history) -> int:
    return len(getattr(history, "batch_loss", ()))


@test_case(failure_message="Kjør gd.fit_linear én gang med batch_size=1 og én gang med batch_size=50.")
def test_batch_sizes(hist_1, hist_50, n_examples, epochs):
    for label, hist in (("hist_1", hist_1), ("hist_50", hist_50)):
        assert hasattr(hist, "batch_loss") and hasattr(hist, "full_loss"), (
            f"{label} skal være historikken som gd.fit_linear gir tilbake.")
    assert _updates(hist_1) == epochs * n_examples, (
        "hist_1 har ikke én oppdatering per eksempel i hver epoke: brukte du batch_size=1 og like mange epoker?")
    assert _updates(hist_50) == epochs * math.ceil(n_examples / 50), (
        "hist_50 har ikke det antallet oppdateringer batch_size=50 gir: sjekk batch_size og antall epoker.")
