"""E1, Oppgave 1: andelen av testbildene per klasse, og nøyaktigheten til en modell som alltid svarer den største
klassen. Sjekken kontrollerer utregningen fra etikettfordelingen; ingen modell evalueres på testmappen."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E1.1"


@test_case(failure_message="share skal ha én andel per klasse (sju klasser), i samme rekkefølge som test.counts().")
def one_share_per_class(share, test_counts):
    assert np.shape(np.asarray(share, dtype=float)) == (len(test_counts),), f"formen er {np.shape(share)}"


@test_case(failure_message="Andelene skal være tall mellom 0 og 1 som summerer til 1: del antall bilder per klasse "
                           "på antall testbilder (ikke prosent).")
def shares_sum_to_one(share):
    s = np.asarray(share, dtype=float)
    assert s.min() >= 0 and np.isclose(s.sum(), 1.0)


@test_case(failure_message="Andelene stemmer ikke med testmappen. Bruk test.counts() og len(test), ikke "
                           "treningsmappen.")
def shares_of_the_test_folder(share, test_counts):
    counts = np.asarray(test_counts, dtype=float)
    assert np.allclose(np.asarray(share, dtype=float), counts / counts.sum(), atol=1e-9)


@test_case(failure_message="majority_accuracy er ikke riktig. En modell som alltid svarer den største klassen, har "
                           "rett på akkurat de bildene som tilhører den klassen (ikke 1/7).")
def majority_model_accuracy(majority_accuracy, test_counts):
    counts = np.asarray(test_counts, dtype=float)
    assert np.ndim(majority_accuracy) == 0 and np.isclose(float(majority_accuracy), counts.max() / counts.sum())
