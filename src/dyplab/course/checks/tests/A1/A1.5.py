"""A1, Oppgave 5: to lineære lag uten aktivering er ett lineært lag (samlet W og b)."""

import torch
from otter.test_files import test_case

OTTER_OK = False
name = "A1.5"


@test_case(failure_message="W skal ha formen (ut fra l2, inn til l1), her (2, 4): gang l2.weight med l1.weight "
                           "i riktig rekkefølge.")
def weight_shape(W, l1, l2):
    assert tuple(W.shape) == (l2.out_features, l1.in_features), f"Formen din er {tuple(W.shape)}."


@test_case(failure_message="b skal ha én verdi per utgang fra l2.")
def bias_shape(b, l2):
    assert tuple(b.shape) == (l2.out_features,)


@test_case(failure_message="W er ikke den samlede vektmatrisen: sett inn l1(v) = W1 v + b1 i l2 og gang ut.")
def weight_is_the_product(W, l1, l2):
    assert torch.allclose(W.detach(), (l2.weight @ l1.weight).detach(), atol=1e-5)


@test_case(failure_message="b er ikke den samlede biasen: b1 går også gjennom l2 (W2 b1), før b2 legges til.")
def one_linear_layer(W, b, l1, l2):
    v = torch.randn(7, l1.in_features, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.allclose(l2(l1(v)), v @ W.T + b, atol=1e-5)
