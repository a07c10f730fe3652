"""A2, Oppgave 2: DeepPatientClassifier med skjulte lag 16, 8 og 4 (ReLU mellom), 3 innganger og 2 logits."""

import torch
from otter.test_files import test_case
from torch import nn

OTTER_OK = False
name = "A2.2"


def linear_layers(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


@test_case(failure_message="deep skal være et nettverk (en nn.Module), for eksempel deep = DeepPatientClassifier().")
def is_a_module(deep):
    assert isinstance(deep, nn.Module)


@test_case(failure_message="Nettverket skal ta 3 blodverdier inn og gi 2 logits ut per pasient: sjekk første og "
                           "siste nn.Linear.")
def input_and_output(deep):
    with torch.no_grad():
        out = deep.eval()(torch.zeros(4, 3))
    assert tuple(out.shape) == (4, 2), f"For 4 pasienter fikk jeg form {tuple(out.shape)}."


@test_case(failure_message="De skjulte lagene skal ha 16, 8 og 4 nevroner, i den rekkefølgen (fire nn.Linear i alt).")
def hidden_sizes(deep):
    sizes = [m.out_features for m in linear_layers(deep)]
    assert sizes == [16, 8, 4, 2], f"Lagene dine gir ut {sizes}."


@test_case(failure_message="Det mangler ReLU mellom lagene: uten aktiveringsfunksjon blir hele nettverket ett "
                           "lineært lag (se A1, oppgave 5).")
def has_relus(deep):
    assert sum(isinstance(m, nn.ReLU) for m in deep.modules()) >= 3
