"""F1, Oppgave 3: blandede DARWIN-etiketter, egenskapsutvalg før kryssvalideringen (P_out) og inne i hver fold
(P_in), på de samme foldene. Kryssvalidering, ingen testdeling."""

import numpy as np
from otter.test_files import test_case

from dyplab import crossval

OTTER_OK = False
name = "F1.3"


@test_case(failure_message="y_shuffled skal være darwin.y i tilfeldig rekkefølge (for eksempel "
                           "np.random.default_rng(0).permutation(darwin.y)): de samme etikettene, like mange av hver.")
def a_permutation_of_the_labels(y_shuffled, y):
    ys = np.asarray(y_shuffled)
    assert ys.shape == np.shape(y) and sorted(ys.tolist()) == sorted(np.asarray(y).tolist())


@test_case(failure_message="Etikettene er ikke blandet: de står i nesten samme rekkefølge som darwin.y.")
def labels_are_shuffled(y_shuffled, y):
    assert np.mean(np.asarray(y_shuffled) == np.asarray(y)) < 0.8


@test_case(failure_message="P_out og P_in skal være utenfor-fold-sannsynligheter fra crossval.oof_sklearn: én rad per "
                           "person, én kolonne per repetisjon, verdier mellom 0 og 1 uten NaN.")
def out_of_fold_probabilities(P_out, P_in, y):
    for P in (P_out, P_in):
        P = np.asarray(P, dtype=float)
        assert P.ndim == 2 and len(P) == len(y), f"formen er {P.shape}"
        assert np.isfinite(P).all() and P.min() >= 0 and P.max() <= 1


@test_case(failure_message="Med utvalg inne i hver fold skal AUC ligge nær 0,5 når etikettene er blandet. Bruk "
                           "select_inside (utvalget er et steg i pipelinen) og y_shuffled i kryssvalideringen.")
def honest_variant_is_near_chance(P_in, y_shuffled):
    assert 0.3 <= crossval.score(np.asarray(y_shuffled), P_in) <= 0.7


@test_case(failure_message="Utvalg på alle rader skal gi høyere AUC enn utvalg inne i folden. Har du byttet om P_out "
                           "og P_in, eller valgt egenskapene med de ekte etikettene i stedet for y_shuffled?")
def leaky_variant_looks_better(P_out, P_in, y_shuffled):
    ys = np.asarray(y_shuffled)
    assert crossval.score(ys, P_out) > crossval.score(ys, P_in)
