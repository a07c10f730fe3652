"""E1, Oppgave 2: de fire treningsbildene med høyest pikselvarians."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E1.2"


def pixel_std(images, chunk=1024):
    """Standardavviket til pikslene i hvert bilde, regnet i biter (hele FER2013 som float64 er over 0,5 GB)."""
    X = np.asarray(images)
    flat = X.reshape(len(X), -1)
    return np.concatenate([flat[i:i + chunk].astype(np.float64).std(axis=1) for i in range(0, len(flat), chunk)])


@test_case(failure_message="top skal være fire ulike indekser (heltall) til bilder i train.X.")
def four_distinct_indices(top, images):
    idx = np.asarray(top)
    assert idx.shape == (4,) and np.issubdtype(idx.dtype, np.integer), f"formen er {idx.shape}, typen {idx.dtype}"
    assert len(set(idx.tolist())) == 4 and idx.min() >= -len(images) and idx.max() < len(images)


@test_case(failure_message="Dette er ikke de fire med høyest pikselvarians i treningsbildene. np.argsort sorterer "
                           "stigende: de største står sist.")
def highest_pixel_variance(top, images):
    std = pixel_std(images)
    fourth = np.sort(std)[-4]
    assert (std[np.asarray(top)] >= fourth - 1e-9).all()
