"""C2, oppgave 2: den samme modellen trent uten augmentering – nøyaktighet på trening og validering."""

from numbers import Real

from otter.test_files import test_case

name = "C2.2"
OTTER_OK = False


@test_case(failure_message="Mål nøyaktigheten til den nye modellen med training.evaluate på de uendrede trenings- og valideringsbildene.")
def test_without_augmentation(plain, train_acc, val_acc, train_tensors, val_data):
    from dyplab import training

    for label, value in (("train_acc", train_acc), ("val_acc", val_acc)):
        assert isinstance(value, Real) and 0.0 <= value <= 1.0, f"{label} skal være en nøyaktighet mellom 0 og 1."
    assert hasattr(plain, "model") and hasattr(plain, "history"), "plain skal være det training.fit gir tilbake."
    clean_train = training.evaluate(plain.model, train_tensors)["acc"]
    assert abs(train_acc - clean_train) < 1e-6, (
        "train_acc er ikke nøyaktigheten på de uendrede treningsbildene. Tallet fra historikken er målt under "
        "treningen (med dropout); mål på nytt med training.evaluate.")
    assert abs(val_acc - training.evaluate(plain.model, val_data)["acc"]) < 1e-6, (
        "val_acc er ikke den nye modellens nøyaktighet på valideringsbildene.")
