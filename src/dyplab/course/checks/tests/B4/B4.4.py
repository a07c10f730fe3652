"""B4, oppgave 4: valg av kanaler med kryssvalidering innen DS1, uten å se på DS2."""

import numpy as np
from otter.test_files import test_case

name = "B4.4"
OTTER_OK = False


@test_case(failure_message="Kryssvalider bare innen DS1 (mitbih.DS1_CV_FOLDS); DS2 er testsettet og skal ikke brukes til valget.")
def test_choice_inside_ds1(cv_records, cv_f1):
    from dyplab.data import mitbih

    used = set(map(str, np.unique(np.asarray(cv_records))))
    assert not used & set(mitbih.DS2), (
        "Sammenligningen bruker opptak fra DS2, testsettet. Et valg tatt på testsettet gjør testtallet for optimistisk.")
    assert used <= set(mitbih.DS1), "Sammenligningen bruker opptak som ikke er i DS1."
    assert isinstance(cv_f1, dict) and len(cv_f1) == 2, "cv_f1 skal ha ett resultat for hver variant (én og to kanaler)."
    for variant, scores in cv_f1.items():
        scores = np.asarray(scores, dtype=float)
        assert scores.shape == (2,), f"cv_f1[{variant!r}] skal være F1 for S og V (to tall)."
        assert np.all((scores >= 0) & (scores <= 1)), f"cv_f1[{variant!r}]: F1 ligger mellom 0 og 1."
