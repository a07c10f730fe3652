"""A3, Oppgave 4: utvalget trukket to ganger med frø 42 (a, b) og én gang med frø 7 (c)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A3.4"


@test_case(failure_message="a, b og c skal være utvalg fra mnist.course_subset(n=20000, seed=...), hvert med 20 000 bilder.")
def three_subsets(a, b, c):
    assert all(len(s.indices) == 20000 for s in (a, b, c))


@test_case(failure_message="a og b er ikke like: trekk begge med samme frø (42).")
def same_seed_same_subset(a, b):
    assert np.array_equal(a.indices, b.indices)


@test_case(failure_message="c er lik a: trekk c med et annet frø (7).")
def other_seed_other_subset(a, c):
    assert not np.array_equal(a.indices, c.indices)
