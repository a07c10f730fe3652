"""C1, oppgave 1: parametre i SimpleCNN ved 128 × 128 piksler, og hvor mange av dem som sitter i fc1."""

from numbers import Integral

from otter.test_files import test_case

name = "C1.1"
OTTER_OK = False
SIZE = 128


@test_case(failure_message="Lag SimpleCNN med image_size=128 og tell parametrene, både i hele nettet og i fc1.")
def test_parameter_counts(n_params_128, n_fc1_128):
    import torch

    from dyplab.models.images import SimpleCNN

    for label, value in (("n_params_128", n_params_128), ("n_fc1_128", n_fc1_128)):
        assert isinstance(value, Integral) and not isinstance(value, bool), f"{label} skal være et heltall."
    with torch.device("meta"):
        model = SimpleCNN(n_classes=5, image_size=SIZE)
    weights, bias = model.fc1.weight.numel(), model.fc1.bias.numel()
    assert n_fc1_128 != weights, "n_fc1_128 mangler biasene: fc1 har én bias per nevron i tillegg til vektene."
    assert n_fc1_128 == weights + bias, (
        "n_fc1_128 stemmer ikke. Hvor stort er kartet etter tre ganger max-pooling ved 128 piksler, og hvor mange "
        "nevroner har fc1?")
    total = sum(p.numel() for p in model.parameters())
    assert n_params_128 == total, "n_params_128 stemmer ikke med SimpleCNN(n_classes=5, image_size=128)."
