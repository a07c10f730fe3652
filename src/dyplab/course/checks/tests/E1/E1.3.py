"""E1, Oppgave 3: antall parametre i FaceCNN(width=16) og FaceCNN(width=32)."""

from otter.test_files import test_case

OTTER_OK = False
name = "E1.3"


def count(width):
    from dyplab.models.faces import FaceCNN

    return sum(p.numel() for p in FaceCNN(width=width).parameters())


@test_case(failure_message="n_small og n_wide skal være hele tall: antall parametre i hver modell.")
def whole_numbers(n_small, n_wide):
    assert float(n_small) == int(n_small) > 0 and float(n_wide) == int(n_wide) > 0


@test_case(failure_message="Tallene er byttet om: n_small er modellen med width=16, n_wide den med width=32.")
def not_swapped(n_small, n_wide):
    assert not (int(n_small) == count(32) and int(n_wide) == count(16))


@test_case(failure_message="Antallet stemmer ikke. Tell alle parametrene i hele modellen "
                           "(training.count_parameters(model)) for FaceCNN(width=16) og FaceCNN(width=32).")
def counts_match_the_models(n_small, n_wide):
    assert int(n_small) == count(16) and int(n_wide) == count(32)
