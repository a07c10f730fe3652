"""A2, Oppgave 1: en tensor med 5 pasienter × 4 blodverdier, gjennomsnitt per analyse og z-verdier per kolonne."""

import torch
from otter.test_files import test_case

OTTER_OK = False
name = "A2.1"


@test_case(failure_message="blood skal være en tensor med form [5, 4]: én rad per pasient, én kolonne per analyse, "
                           "med desimaltall (float).")
def blood_shape(blood):
    assert isinstance(blood, torch.Tensor) and tuple(blood.shape) == (5, 4) and blood.is_floating_point(), (
        f"Du har {type(blood).__name__} med form {tuple(getattr(blood, 'shape', ()))}.")


@test_case(failure_message="means skal ha én verdi per analyse (4 tall): ta gjennomsnittet over pasientene, dim=0.")
def means_per_column(blood, means):
    assert tuple(means.shape) == (4,), f"Formen din er {tuple(means.shape)}."
    assert torch.allclose(means, blood.mean(dim=0))


@test_case(failure_message="z_blood skal ha samme form som blood, [5, 4].")
def z_shape(z_blood):
    assert tuple(z_blood.shape) == (5, 4)


@test_case(failure_message="z_blood er ikke standardisert per kolonne: hver analyse (kolonne) skal få gjennomsnitt 0 "
                           "og standardavvik 1. Trekk fra og del med verdier regnet over dim=0, ikke per pasient.")
def z_per_column(blood, z_blood):
    centred = blood - blood.mean(dim=0)
    candidates = [centred / blood.std(dim=0), centred / blood.std(dim=0, unbiased=False)]
    assert any(torch.allclose(z_blood, c, atol=1e-4) for c in candidates)
