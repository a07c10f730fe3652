"""B3, oppgave 3: MLP-en uten dropout og en større variant med tre skjulte lag (128, 64, 32)."""

from otter.test_files import test_case

OTTER_OK = False
name = "B3.3"


def _hidden(model) -> tuple[int, ...]:
    import torch

    return tuple(m.out_features for m in model.features if isinstance(m, torch.nn.Linear))


def _dropout(model) -> list[float]:
    import torch

    return [m.p for m in model.modules() if isinstance(m, torch.nn.Dropout)]


@test_case(failure_message="Lag de to variantene med TabularMLP: oppskriften med dropout=0.0, og hidden=(128, 64, 32).")
def test_variants(no_dropout, large, recipe, n_features):
    for label, model in (("no_dropout", no_dropout), ("large", large)):
        assert hasattr(model, "features") and hasattr(model, "head"), f"{label} skal være en TabularMLP."
        first = next(iter(model.features), None)
        assert getattr(first, "in_features", None) == n_features, (
            f"{label} tar ikke de forbehandlede kolonnene som inndata (len(feature_names)).")
    assert all(p == 0.0 for p in _dropout(no_dropout)), "no_dropout har fortsatt dropout: sett dropout=0.0."
    assert _hidden(no_dropout) == tuple(recipe["hidden"]), (
        "no_dropout har andre skjulte lag enn oppskriften: bare dropout skal endres ({**MLP_PARAMS, \"dropout\": 0.0}).")
    assert _hidden(large) == (128, 64, 32), "large skal ha tre skjulte lag med 128, 64 og 32 enheter."
