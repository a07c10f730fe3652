"""E2, Oppgave 2: de to klassene som forveksles oftest på valideringsdelen (største tall utenfor diagonalen)."""

import numpy as np
from otter.test_files import test_case
from sklearn.metrics import confusion_matrix

OTTER_OK = False
name = "E2.2"
N_CLASSES = 7


def off_diagonal(y_val, val_pred):
    """Forvirringsmatrisen for valideringsdelen (rad = sann, kolonne = predikert) med 0 på diagonalen."""
    cm = confusion_matrix(np.asarray(y_val), np.asarray(val_pred), labels=np.arange(N_CLASSES))
    np.fill_diagonal(cm, 0)
    return cm


def accepted(i, j, cm):
    """Største tall utenfor diagonalen (rad i, kolonne j), eller største par når begge retninger legges sammen."""
    both = cm + cm.T
    return cm[i, j] == cm.max() or both[i, j] == both.max()


@test_case(failure_message="true_class og predicted_class skal være klassenumre (heltall 0–6): raden og kolonnen i "
                           "forvirringsmatrisen.")
def class_numbers(true_class, predicted_class):
    for c in (true_class, predicted_class):
        assert np.ndim(c) == 0 and float(c) == int(c) and 0 <= int(c) < N_CLASSES


@test_case(failure_message="Samme klasse to ganger er riktige svar (diagonalen), ikke en forveksling. Sett "
                           "diagonalen til 0 før du leter etter det største tallet.")
def two_different_classes(true_class, predicted_class):
    assert int(true_class) != int(predicted_class)


@test_case(failure_message="Rad og kolonne er byttet om: i forvirringsmatrisen er raden den sanne klassen og "
                           "kolonnen den predikerte.")
def not_swapped(true_class, predicted_class, y_val, val_pred):
    cm, i, j = off_diagonal(y_val, val_pred), int(true_class), int(predicted_class)
    assert accepted(i, j, cm) or cm[j, i] != cm.max()


@test_case(failure_message="Dette er ikke det største tallet utenfor diagonalen i forvirringsmatrisen for "
                           "valideringsdelen. Tell bilder (ikke andeler), med val.y og val_pred – ikke testmappen.")
def most_confused_pair(true_class, predicted_class, y_val, val_pred):
    assert accepted(int(true_class), int(predicted_class), off_diagonal(y_val, val_pred))
