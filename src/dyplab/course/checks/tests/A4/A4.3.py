"""A4, Oppgave 3: en ny skog på bare de 100 viktigste pikslene (fra rf.feature_importances_)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A4.3"


@test_case(failure_message="top skal være 100 ulike pikselnumre mellom 0 og 783.")
def hundred_pixels(top):
    top = np.asarray(top)
    assert top.shape == (100,) and len(set(top.tolist())) == 100 and top.min() >= 0 and top.max() < 784


@test_case(failure_message="Du har valgt de minst viktige pikslene: np.argsort sorterer stigende, så snu rekkefølgen "
                           "([::-1]) før du tar de 100 første.")
def not_the_least_important(top, importances):
    imp = np.asarray(importances)
    assert imp[np.asarray(top)].mean() > np.median(imp)


@test_case(failure_message="top er ikke de 100 viktigste pikslene etter feature_importances_ (fra skogen trent på "
                           "treningsdata).")
def the_most_important(top, importances):
    imp = np.asarray(importances)
    chosen = np.sort(imp[np.asarray(top)])
    assert np.allclose(chosen, np.sort(imp)[-100:])


@test_case(failure_message="small skal være en skog trent på bare disse 100 kolonnene: fit(Xtr_flat[:, top], y_train), "
                           "med oob_score=True.")
def forest_on_the_selected_pixels(small):
    assert small.n_features_in_ == 100 and hasattr(small, "oob_score_")
