"""D1, Oppgave 4: CNN-ens utenfor-fold-sannsynlighet som ekstra variabel i tabellmodellen."""

import numpy as np
import pandas as pd
from otter.test_files import test_case

OTTER_OK = False
name = "D1.4"


def extra_column(combo, tab):
    """Kolonnen som combo har i tillegg til de kliniske variablene."""
    if isinstance(combo, pd.DataFrame):
        new = [c for c in combo.columns if c not in set(tab.columns)]
        return combo[new[0]].to_numpy(dtype=float) if len(new) == 1 else None
    return np.asarray(combo, dtype=float)[:, -1]


@test_case(failure_message="combo skal være de kliniske variablene (TAB_FEATURES) for personene i "
                           "kryssvalideringsdelen pluss nøyaktig én ny kolonne med CNN-sannsynligheten.")
def clinical_table_plus_one_column(combo, tab):
    assert np.shape(combo) == (len(tab), tab.shape[1] + 1), f"formen er {np.shape(combo)}"
    assert extra_column(combo, tab) is not None


@test_case(failure_message="CNN-kolonnen er ikke utenfor-fold-sannsynlighetene P_cnn[MAIN_CNN] (én gjentakelse "
                           "eller snittet over dem). Sannsynligheter fra en modell som er trent på de samme "
                           "personene (som sluttmodellen), lekker fasiten inn i kombinasjonsmodellen.")
def cnn_column_is_out_of_fold(combo, tab, P_main):
    col = extra_column(combo, tab)
    P = np.asarray(P_main, dtype=float).reshape(len(col), -1)
    options = [P[:, r] for r in range(P.shape[1])] + [P.mean(axis=1)]
    assert any(np.allclose(col, o, atol=1e-6) for o in options)


@test_case(failure_message="P_combo skal være utenfor-fold-sannsynligheter fra crossval.oof_sklearn: én rad per "
                           "person, verdier mellom 0 og 1 uten NaN (bruk foldene fra én gjentakelse, folds[:CV_SPLITS]).")
def out_of_fold_probabilities(P_combo, tab):
    P = np.asarray(P_combo, dtype=float)
    assert P.ndim == 2 and len(P) == len(tab), f"formen er {P.shape}"
    assert np.isfinite(P).all() and P.min() >= 0 and P.max() <= 1 and len(np.unique(P)) > 2
