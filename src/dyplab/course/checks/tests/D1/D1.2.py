"""D1, Oppgave 2: logistisk regresjon direkte på pikslene i det aksiale snittet, skalert ned til 16 × 16."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "D1.2"


@test_case(failure_message="small skal ha én rad per person i kryssvalideringsdelen og 16 · 16 = 256 kolonner: "
                           "bare det aksiale snittet, skalert ned til 16 × 16 og flatet ut.")
def one_row_of_256_pixels_per_person(small, y_cv):
    assert np.shape(small) == (len(y_cv), 256), f"formen er {np.shape(small)}"


@test_case(failure_message="Pikslene er standardisert på alle personene før kryssvalideringen. Da har testfoldene "
                           "vært med på å bestemme skaleringen (lekkasje). La StandardScaler være et steg i "
                           "pipelinen (pix), så tilpasses den på treningsdelen i hver fold.")
def not_standardized_before_the_folds(small):
    X = np.asarray(small, dtype=float)
    sd = X.std(axis=0)
    varying = sd > 1e-8
    scaled = np.allclose(X.mean(axis=0), 0, atol=1e-6) and np.allclose(sd[varying], 1, atol=1e-3)
    assert not (varying.any() and scaled)


@test_case(failure_message="P_pix skal være utenfor-fold-sannsynlighetene fra crossval.oof_sklearn: én rad per "
                           "person og én kolonne per gjentakelse, verdier mellom 0 og 1 uten NaN.")
def out_of_fold_probabilities(P_pix, y_cv):
    P = np.asarray(P_pix, dtype=float)
    assert P.ndim == 2 and len(P) == len(y_cv), f"formen er {P.shape}"
    assert np.isfinite(P).all() and P.min() >= 0 and P.max() <= 1


@test_case(failure_message="Du har gitt klasser (0/1), ikke sannsynligheter: oof_sklearn gir P(klasse 1) fra "
                           "predict_proba.")
def probabilities_not_labels(P_pix):
    assert len(np.unique(np.asarray(P_pix, dtype=float))) > 2
