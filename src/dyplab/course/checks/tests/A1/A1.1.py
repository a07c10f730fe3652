"""A1, Oppgave 1: out[0, 0] regnet for hånd (Sobel-x på det øverste venstre 3 × 3-utsnittet av inp)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A1.1"

PATCH = np.array([[1, 2, 1], [2, 1, 2], [1, 1, 2]], dtype=float)  # inp[0:3, 0:3] i A1, del 2
SOBEL_X = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)


@test_case(failure_message="Svaret skal være ett tall (verdien i out[0, 0]), ikke en matrise, en liste eller tekst.")
def is_a_number(out_00):
    assert np.ndim(out_00) == 0 and np.isfinite(float(out_00))


@test_case(failure_message="Fortegnet er snudd: du har trolig speilvendt kjernen. Gang utsnittet med sobel_x "
                           "slik den står (PyTorch speilvender ikke kjernen).")
def kernel_not_flipped(out_00):
    assert not np.isclose(float(out_00), np.sum(PATCH * SOBEL_X[::-1, ::-1]))


@test_case(failure_message="Ikke riktig ennå. Bruk utsnittet inp[0:3, 0:3], gang det element for element med "
                           "sobel_x og summer alle ni produktene.")
def value_is_the_sum_of_products(out_00):
    assert np.isclose(float(out_00), np.sum(PATCH * SOBEL_X))
