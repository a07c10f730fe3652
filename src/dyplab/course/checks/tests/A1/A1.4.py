"""A1, Oppgave 4 (valgfri): høyde/bredde etter hvert lag og antall tall inn i det fullt koblede laget."""

from otter.test_files import test_case

OTTER_OK = False
name = "A1.4"


@test_case(failure_message="sizes skal være en liste med fire tall: høyde/bredde etter conv, pool, conv og pool.")
def four_sizes(sizes):
    assert len(sizes) == 4 and all(int(s) == s for s in sizes)


@test_case(failure_message="Første konvolusjon er feil: uten utfylling krymper en 3 × 3-kjerne bildet med k − 1 "
                           "piksler (bruk formelen med p = 0, s = 1).")
def first_convolution(sizes):
    assert sizes[0] == 28 - 3 + 1


@test_case(failure_message="Størrelsene passer ikke med formelen: pooling halverer og runder NED (⌊n/2⌋), "
                           "konvolusjon uten utfylling trekker fra 2.")
def all_sizes(sizes):
    expected, n = [], 28
    for op in ("conv", "pool", "conv", "pool"):
        n = n - 2 if op == "conv" else n // 2
        expected.append(n)
    assert list(sizes) == expected


@test_case(failure_message="n_features er antall kanaler ganger høyde ganger bredde etter siste pooling "
                           "(husk at siste konvolusjon har 64 kanaler).")
def flat_features(sizes, n_features):
    assert n_features == 64 * sizes[-1] * sizes[-1]
