"""E3, Oppgave 2: alle gale svar med konfidens over 0,8 (indekser i testmappen). Sjekken kontrollerer utvalget,
ikke hvor mange det er."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E3.2"
LIMIT = 0.8


@test_case(failure_message="wrong skal være indekser (heltall) til bilder i testmappen, uten gjentakelser.")
def indices(wrong, y_test):
    idx = np.asarray(wrong).reshape(-1)
    assert idx.size == 0 or np.issubdtype(idx.dtype, np.integer), f"typen er {idx.dtype}"
    assert len(set(idx.tolist())) == idx.size and (idx.size == 0 or (idx.min() >= 0 and idx.max() < len(y_test)))


@test_case(failure_message="Noen av bildene er riktig klassifisert (pred == test.y). Ta bare med gale svar.")
def only_wrong_answers(wrong, y_test, pred):
    idx = np.asarray(wrong, dtype=int).reshape(-1)
    assert (np.asarray(pred)[idx] != np.asarray(y_test)[idx]).all()


@test_case(failure_message="Noen av bildene har konfidens 0,8 eller lavere. Konfidensen er den høyeste "
                           "sannsynligheten (conf), og den skal være over 0,8.")
def only_confident_answers(wrong, conf):
    idx = np.asarray(wrong, dtype=int).reshape(-1)
    assert (np.asarray(conf)[idx] > LIMIT).all()


@test_case(failure_message="Du mangler noen: ta med alle bilder der svaret er galt OG konfidensen er over 0,8.")
def all_of_them(wrong, y_test, pred, conf):
    expected = (np.asarray(pred) != np.asarray(y_test)) & (np.asarray(conf) > LIMIT)
    assert np.asarray(wrong).size == int(expected.sum())
