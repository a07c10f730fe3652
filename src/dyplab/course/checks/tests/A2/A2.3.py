"""A2, Oppgave 3: PatientClassifier trent med læringsratene 0,001, 0,1 og 1,0 (historikk per læringsrate)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A2.3"
RATES = {0.001, 0.1, 1.0}


@test_case(failure_message="histories skal være en ordbok {læringsrate: tabellen fra train_patient_model} med "
                           "nøyaktig læringsratene 0.001, 0.1 og 1.0.")
def three_rates(histories):
    assert isinstance(histories, dict) and {float(k) for k in histories} == RATES, (
        f"Nøklene dine er {sorted(histories) if isinstance(histories, dict) else type(histories).__name__}.")


@test_case(failure_message="Hver tabell skal komme fra train_patient_model og ha kolonnen val_tap (valideringstapet).")
def tables_have_validation_loss(histories):
    for h in histories.values():
        assert "val_tap" in h.columns and len(h) >= 1


@test_case(failure_message="Alle tre skal trenes like mange epoker (samme løkke, samme N_EPOCHS).")
def same_number_of_epochs(histories, n_epochs):
    assert {len(h) for h in histories.values()} == {n_epochs}


@test_case(failure_message="Valideringstapet er ikke et endelig tall i alle epoker: se etter nan eller inf i tabellene.")
def finite_losses(histories):
    for h in histories.values():
        assert np.all(np.isfinite(h["val_tap"].to_numpy(dtype=float)))
