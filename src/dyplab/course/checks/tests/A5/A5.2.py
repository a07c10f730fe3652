"""A5, Oppgave 2: én fast, tilfeldig omstokking av de 784 pikslene, brukt likt på alle bildene."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A5.2"


def images(seed):
    return np.random.default_rng(seed).random((5, 1, 28, 28)).astype(np.float32)


@test_case(failure_message="perm skal være en omstokking av tallene 0–783 (hver piksel nøyaktig én gang).")
def is_a_permutation(perm):
    assert sorted(np.asarray(perm).tolist()) == list(range(784))


@test_case(failure_message="perm lar pikslene stå der de er: bruk en tilfeldig omstokking, ikke 0, 1, 2, ...")
def not_the_identity(perm):
    assert not np.array_equal(np.asarray(perm), np.arange(784))


@test_case(failure_message="shuffle_pixels(X) skal gi tilbake bilder med samme form som X, med de samme pikselverdiene "
                           "i ny rekkefølge.")
def keeps_shape_and_values(shuffle_pixels):
    X = images(1)
    out = np.asarray(shuffle_pixels(X))
    assert out.shape == X.shape and np.allclose(np.sort(out.reshape(5, -1)), np.sort(X.reshape(5, -1)))


@test_case(failure_message="Omstokkingen er ikke den samme hver gang: lag perm én gang og bruk den samme perm for "
                           "trening og validering (ikke trekk en ny inne i funksjonen).")
def same_permutation_every_call(shuffle_pixels, perm):
    X = images(2)
    first, second = np.asarray(shuffle_pixels(X)), np.asarray(shuffle_pixels(X))
    assert np.array_equal(first, second)
    assert np.allclose(first.reshape(5, -1), X.reshape(5, -1)[:, np.asarray(perm)])
