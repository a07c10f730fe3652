"""B4, oppgave 1: hvor mange opptak er i testsettet, og hvor mange testslag har pasienten sin i treningen?"""

from numbers import Real

import numpy as np
from otter.test_files import test_case

name = "B4.1"
OTTER_OK = False


def _truth(records, train, test) -> tuple[int, float]:
    records = np.asarray(records)
    return len(np.unique(records[test])), float(np.isin(records[test], records[train]).mean())


@test_case(failure_message="Tell opptak (pasienter), ikke slag, og regn andelen testslag som har pasienten sin i treningen.")
def test_leakage_numbers(records_p1, records_p2, shared_p1, shared_p2, b1, tr1, te1, b2, tr2, te2):
    for label, value in (("records_p1", records_p1), ("records_p2", records_p2),
                         ("shared_p1", shared_p1), ("shared_p2", shared_p2)):
        assert isinstance(value, Real) and not isinstance(value, bool), f"{label} skal være ett tall."
    for label, share in (("shared_p1", shared_p1), ("shared_p2", shared_p2)):
        assert 0.0 <= share <= 1.0, f"{label} skal være en andel mellom 0 og 1 (ikke prosent)."
    for protocol, (n_rec, share), (beats, train, test) in (
            (1, (records_p1, shared_p1), (b1, tr1, te1)), (2, (records_p2, shared_p2), (b2, tr2, te2))):
        true_n, true_share = _truth(beats.record, train, test)
        assert n_rec != len(test) or true_n == len(test), (
            f"records_p{protocol} er antall testslag: oppgaven spør om antall opptak (np.unique på opptaksnavnene).")
        assert n_rec == true_n, f"records_p{protocol} stemmer ikke: tell de ulike opptakene blant testslagene."
        assert abs(share - true_share) < 1e-9, (
            f"shared_p{protocol} stemmer ikke: for hvert testslag, finnes opptaket også blant treningsslagene?")
