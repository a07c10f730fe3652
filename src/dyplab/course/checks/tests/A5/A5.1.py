"""A5, Oppgave 1: MLP(hidden=(100, 50)) uten dropout og BatchNorm, trent med training.fit."""

from otter.test_files import test_case
from torch import nn

OTTER_OK = False
name = "A5.1"


@test_case(failure_message="De skjulte lagene skal ha 100 og 50 nevroner: MLP(hidden=(100, 50), ...).")
def hidden_sizes(small):
    sizes = [m.out_features for m in small.modules() if isinstance(m, nn.Linear)]
    assert sizes == [100, 50, 10], f"Lagene dine gir ut {sizes}."


@test_case(failure_message="Modellen skal være uten regularisering: dropout=0.0, input_dropout=0.0 og batch_norm=False.")
def no_regularisation(small):
    assert not any(isinstance(m, nn.BatchNorm1d) or (isinstance(m, nn.Dropout) and m.p > 0) for m in small.modules())


@test_case(failure_message="Antall parametre stemmer ikke: 784·100 + 100 + 100·50 + 50 + 50·10 + 10 (vekter og bias).")
def parameter_count(small):
    assert sum(p.numel() for p in small.parameters()) == 84_060


@test_case(failure_message="res_small skal være resultatet av training.fit(small, train_data, val_data, ...), med "
                           "valideringstap per epoke i res_small.history.")
def trained_with_validation(small, res_small):
    assert res_small.model is small and "val_loss" in res_small.history.columns and len(res_small.history) >= 1
