"""A2, Oppgave 4: LesionCNN med et tredje konvolusjonslag (32 → 64 kanaler) og en classifier som passer."""

import torch
from otter.test_files import test_case
from torch import nn

OTTER_OK = False
name = "A2.4"


@test_case(failure_message="deeper skal være et nettverk (en nn.Module), for eksempel deeper = DeeperLesionCNN().")
def is_a_module(deeper):
    assert isinstance(deeper, nn.Module)


@test_case(failure_message="features skal ha tre konvolusjonslag (Conv2d), det tredje med 32 kanaler inn og 64 ut.")
def three_convolutions(deeper):
    convs = [m for m in deeper.features.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 3 and (convs[2].in_channels, convs[2].out_channels) == (32, 64), (
        f"Du har {len(convs)} Conv2d i features.")


@test_case(failure_message="Etter tre 2 × 2-poolinger skal features gi [batch, 64, 4, 4] for et 32 × 32-bilde: sjekk "
                           "padding=1 og at hvert lag har sin MaxPool2d(2).")
def feature_shape(deeper):
    with torch.no_grad():
        out = deeper.eval().features(torch.zeros(2, 1, 32, 32))
    assert tuple(out.shape) == (2, 64, 4, 4), f"features ga form {tuple(out.shape)}."


@test_case(failure_message="classifier passer ikke med det features gir ut: det første nn.Linear må ta inn "
                           "kanaler · høyde · bredde etter siste pooling, og nettverket skal gi 2 logits.")
def whole_network(deeper):
    with torch.no_grad():
        out = deeper.eval()(torch.zeros(2, 1, 32, 32))
    assert tuple(out.shape) == (2, 2)
