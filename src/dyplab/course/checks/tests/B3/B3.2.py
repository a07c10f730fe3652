"""B3, oppgave 2: modeller uten ca og thal, med forbehandling som bare lærer av treningsdata."""

from numbers import Real

from otter.test_files import test_case

name = "B3.2"
OTTER_OK = False
DROPPED = {"ca", "thal"}


@test_case(failure_message="Ta bort ca og thal, tilpass forbehandlingen bare på treningsdata, og mål ROC AUC på validering.")
def test_without_invasive(features, preprocessor, X_train, auc_lr, auc_mlp):
    from dyplab.data import heart

    used = set(features)
    assert not used & DROPPED, "features inneholder fortsatt ca eller thal."
    missing = set(heart.FEATURES) - DROPPED - used
    assert not missing, f"features mangler {len(missing)} av de andre kliniske variablene."
    seen = set(getattr(preprocessor, "feature_names_in_", ()))
    assert seen, "preprocessor er ikke tilpasset (kall .fit(...) på treningsdata)."
    assert seen == used, "Forbehandlingen er tilpasset på andre kolonner enn dem i features."
    scaler = preprocessor.named_transformers_["numeric"].named_steps["scale"]
    assert int(scaler.n_samples_seen_) == len(X_train), (
        f"Forbehandlingen har lært av {int(scaler.n_samples_seen_)} pasienter, men treningsdelen har {len(X_train)}. "
        "Tilpass den bare på treningsdata, ellers lekker informasjon fra validering og test inn i modellen.")
    for label, auc in (("auc_lr", auc_lr), ("auc_mlp", auc_mlp)):
        assert isinstance(auc, Real) and 0.0 <= auc <= 1.0, f"{label} skal være en ROC AUC: ett tall mellom 0 og 1."
