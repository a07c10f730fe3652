"""A4, Oppgave 2: de tre sifferparene som forveksles oftest (begge retninger til sammen) i forvirringsmatrisen."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A4.2"


def pair_counts(cm):
    cm = np.asarray(cm)
    return {(i, j): int(cm[i, j] + cm[j, i]) for i in range(len(cm)) for j in range(i + 1, len(cm))}


@test_case(failure_message="cm skal være forvirringsmatrisen, 10 × 10 (rader: sant siffer, kolonner: predikert).")
def confusion_shape(cm):
    assert np.asarray(cm).shape == (10, 10)


@test_case(failure_message="top_pairs skal være en liste med tre sifferpar (i, j), for eksempel [(4, 9), ...].")
def three_pairs(top_pairs):
    assert len(top_pairs) == 3 and all(len(pair) == 2 for pair in top_pairs)


@test_case(failure_message="Et siffer forveksles ikke med seg selv: hopp over diagonalen (i ≠ j).")
def no_diagonal(top_pairs):
    assert all(int(i) != int(j) for i, j in top_pairs)


@test_case(failure_message="Samme par står flere ganger: (i, j) og (j, i) er ett par, tell begge retningene sammen.")
def distinct_pairs(top_pairs):
    assert len({tuple(sorted((int(i), int(j)))) for i, j in top_pairs}) == 3


@test_case(failure_message="Dette er ikke de tre parene med flest forvekslinger: legg sammen cm[i, j] og cm[j, i] for "
                           "hvert par og sorter synkende.")
def most_confused(top_pairs, cm):
    counts = pair_counts(cm)
    chosen = sorted((counts[tuple(sorted((int(i), int(j))))] for i, j in top_pairs), reverse=True)
    best = sorted(counts.values(), reverse=True)[:3]
    assert chosen == best
