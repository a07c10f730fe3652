"""E3, Oppgave 3: Grad-CAM for samme bilde og to forskjellige klasser."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E3.3"
N_CLASSES = 7


@test_case(failure_message="targets skal være to forskjellige klassenumre (heltall 0–6), f.eks. [5, 3] for trist "
                           "og glad.")
def two_different_classes(targets):
    t = [int(c) for c in targets]
    assert len(t) == 2 and t[0] != t[1] and all(0 <= c < N_CLASSES for c in t)
    assert all(float(c) == int(c) for c in targets)


@test_case(failure_message="maps skal ha formen (2, 48, 48): ett Grad-CAM-kart per klasse i targets, for det samme "
                           "bildet, skalert opp til bildets størrelse (explain.grad_cam gjør det).")
def one_map_per_class_at_image_size(maps):
    assert np.shape(maps) == (2, 48, 48), f"formen er {np.shape(maps)}"


@test_case(failure_message="Kartene skal ha verdier mellom 0 og 1 (explain.grad_cam skalerer hvert kart slik).")
def maps_between_0_and_1(maps):
    m = np.asarray(maps, dtype=float)
    assert np.isfinite(m).all() and m.min() >= 0 and m.max() <= 1
