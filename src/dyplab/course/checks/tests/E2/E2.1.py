"""E2, Oppgave 1: ECE regnet for hånd fra pålitelighetstabellen rel (valideringsdelen)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E2.1"


def bins(rel):
    """Antall, nøyaktighet og konfidens for intervallene som ikke er tomme."""
    filled = rel[rel["antall"] > 0]
    return (filled["antall"].to_numpy(dtype=float), filled["nøyaktighet"].to_numpy(dtype=float),
            filled["konfidens"].to_numpy(dtype=float))


def close(a, b):
    return bool(np.isclose(float(a), float(b), atol=1e-4))


@test_case(failure_message="ece_manual skal være ett tall. Får du NaN, har du tatt med tomme intervaller (antall 0): "
                           "de har ingen verdi og skal ikke telle.")
def a_number(ece_manual):
    assert np.ndim(ece_manual) == 0 and np.isfinite(float(ece_manual))


@test_case(failure_message="Husk absoluttverdien |nøyaktighet − konfidens|: uten den nuller intervaller der modellen "
                           "er for sikker og for forsiktig hverandre ut.")
def absolute_gaps(ece_manual, rel, ece):
    n, acc, conf = bins(rel)
    signed = float((n / n.sum() * (acc - conf)).sum())
    assert not ((close(ece_manual, signed) or close(ece_manual, -signed)) and not close(ece_manual, ece))


@test_case(failure_message="Du har tatt et vanlig snitt over intervallene. ECE vekter hvert intervall med andelen "
                           "av prediksjonene som ligger i det (antall / summen av antall).")
def weighted_by_the_bin_sizes(ece_manual, rel, ece):
    n, acc, conf = bins(rel)
    assert not (close(ece_manual, np.abs(acc - conf).mean()) and not close(ece_manual, ece))


@test_case(failure_message="Tallet stemmer ikke med calibration.expected_calibration_error. Bruk kolonnene "
                           "antall, konfidens og nøyaktighet i rel, og bare intervallene med antall > 0.")
def same_as_the_library(ece_manual, ece):
    assert close(ece_manual, ece)
