"""A6, Oppgave 3: et CNN uten data augmentation (max_shift=0) og antall feil på valideringssettet."""

import numpy as np
import torch
from otter.test_files import test_case

from dyplab import training

OTTER_OK = False
name = "A6.3"


@test_case(failure_message="model_noaug skal være et CNN laget med CNN(max_shift=0): uten forskyvninger.")
def no_shifts(model_noaug):
    layer = model_noaug.augment  # the shift layer: it must leave images alone even in training mode
    was_training = layer.training
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.random.fork_rng(devices=[]):  # the student's random stream is not moved by the check
        try:
            assert torch.equal(layer.train()(x), x)
        finally:
            layer.train(was_training)


@test_case(failure_message="val_errors_noaug skal være et helt tall mellom 0 og antall valideringsbilder.")
def a_count(val_errors_noaug, val_data):
    assert int(val_errors_noaug) == val_errors_noaug and 0 <= val_errors_noaug <= len(val_data[1])


@test_case(failure_message="Antallet feil stemmer ikke med valideringssettet for modellen uten forskyvninger: tell "
                           "(training.predict(modell, val_data[0]) != y_val), ikke feil på testsettet.")
def counted_on_validation(model_noaug, val_errors_noaug, val_data):
    errors = int((np.asarray(training.predict(model_noaug, val_data[0])) != np.asarray(val_data[1])).sum())
    assert int(val_errors_noaug) == errors
