"""C3, oppgave 1: Grad-CAM for den nest mest sannsynlige klassen."""

import numpy as np
from otter.test_files import test_case

name = "C3.1"
OTTER_OK = False


@test_case(failure_message="Finn klassen med nest høyest sannsynlighet for bildet, og lag Grad-CAM for begge klassene.")
def test_second_class(second, proba_row, pair, image):
    p = np.asarray(proba_row, dtype=float)
    assert p.ndim == 1, "proba_row skal være sannsynlighetene for ett bilde (én rad av proba)."
    assert int(second) != int(np.argmax(p)), "second er den mest sannsynlige klassen; oppgaven spør etter den nest mest."
    assert int(second) == int(np.argsort(p)[-2]), (
        "second er ikke den nest mest sannsynlige klassen. Sorter sannsynlighetene og ta nest høyeste.")
    maps = np.asarray(pair)
    assert maps.ndim == 3 and maps.shape[0] == 2, "pair skal være to Grad-CAM-kart: [2, høyde, bredde]."
    assert maps.shape[1:] == tuple(np.shape(image)[-2:]), "Kartene skal ha samme høyde og bredde som bildet."
