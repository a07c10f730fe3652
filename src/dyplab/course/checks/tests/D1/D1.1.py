"""D1, Oppgave 1: logistisk regresjon med MMSE lagt til de kliniske variablene, på de samme foldene."""

import numpy as np
from otter.test_files import test_case

from dyplab import crossval

OTTER_OK = False
name = "D1.1"


@test_case(failure_message="P_mmse skal være utenfor-fold-sannsynlighetene fra crossval.oof_sklearn: én rad per "
                           "person i kryssvalideringsdelen og én kolonne per gjentakelse, som P_tab.")
def same_shape_as_the_tabular_model(P_mmse, P_tab):
    assert np.shape(P_mmse) == np.shape(P_tab), f"formen er {np.shape(P_mmse)}, P_tab har {np.shape(P_tab)}"


@test_case(failure_message="Verdiene skal være sannsynligheter mellom 0 og 1, uten NaN: bruk de samme foldene "
                           "(folds), så får hver person én utenfor-fold-verdi per gjentakelse.")
def probabilities_for_every_person(P_mmse):
    P = np.asarray(P_mmse, dtype=float)
    assert np.isfinite(P).all() and P.min() >= 0 and P.max() <= 1


@test_case(failure_message="Du har gitt klasser (0/1), ikke sannsynligheter. oof_sklearn gir P(klasse 1) fra "
                           "predict_proba; bruk den direkte.")
def probabilities_not_labels(P_mmse):
    assert len(np.unique(np.asarray(P_mmse, dtype=float))) > 2


@test_case(failure_message="Modellen er ikke bedre enn tabellmodellen uten MMSE. Har du lagt 'mmse' til "
                           "TAB_FEATURES i tabellen du gir oof_sklearn, og brukt y_cv og de samme foldene?")
def mmse_makes_it_look_better(P_mmse, P_tab, y_cv):
    y = np.asarray(y_cv)
    assert crossval.score(y, P_mmse) > crossval.score(y, P_tab) + 0.02
