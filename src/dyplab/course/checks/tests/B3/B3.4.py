"""B3, oppgave 4: ekstern validering – logistisk regresjon trent på Cleveland, testet på de tre andre sykehusene."""

from otter.test_files import test_case

name = "B3.4"
OTTER_OK = False
OTHER_SITES = {"hungarian", "switzerland", "va"}


@test_case(failure_message="Tren bare på Cleveland-pasientene og mål ROC AUC på hvert av de andre sykehusene.")
def test_external(lr_ext, external_auc, all_sites):
    assert isinstance(external_auc, dict), "external_auc skal være en ordbok {sykehus: ROC AUC}."
    assert set(external_auc) == OTHER_SITES, (
        "external_auc skal ha ett tall for hvert av de tre andre sykehusene (hungarian, switzerland, va), "
        "og ikke for Cleveland.")
    assert all(0.0 <= float(v) <= 1.0 for v in external_auc.values()), "En ROC AUC ligger mellom 0 og 1."
    n_cleveland = int((all_sites["site"] == "cleveland").sum())
    scaler = lr_ext.named_steps["pre"].named_transformers_["numeric"].named_steps["scale"]
    assert int(scaler.n_samples_seen_) == n_cleveland, (
        f"Modellen har lært av {int(scaler.n_samples_seen_)} pasienter, men Cleveland har {n_cleveland}. "
        "Pasientene modellen testes på, kan ikke være med i treningen.")
