"""A3, Oppgave 3: standardavvik piksel for piksel innen hver klasse, snittet over pikslene; mest variert siffer."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A3.3"


def per_class(X, y, ddof):
    X, y = np.asarray(X), np.asarray(y)
    return np.array([X[y == k].astype(float).std(axis=0, ddof=ddof).mean() for k in range(10)])


@test_case(failure_message="variation skal ha én verdi per siffer 0–9 (for eksempel en pandas Series med indeks 0–9).")
def ten_values(variation):
    assert len(variation) == 10 and [int(k) for k in variation.index] == list(range(10))


@test_case(failure_message="Alle sifrene har samme verdi: regn ut standardavviket innen hver klasse, X[y == k].")
def differs_between_classes(variation):
    assert np.ptp(np.asarray(variation, dtype=float)) > 0


@test_case(failure_message="Verdiene passer ikke: ta standardavviket over bildene i klassen for hver piksel "
                           "(axis=0, gir et 28 × 28-kart) og så gjennomsnittet av det kartet.")
def matches_per_pixel_std(variation, X, y):
    values = np.asarray(variation, dtype=float)
    assert any(np.allclose(values, per_class(X, y, ddof), rtol=1e-3) for ddof in (0, 1))


@test_case(failure_message="most_varied skal være sifferet med størst verdi i variation.")
def most_varied_digit(variation, most_varied):
    assert int(most_varied) == int(np.argmax(np.asarray(variation, dtype=float)))
