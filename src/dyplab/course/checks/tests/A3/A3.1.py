"""A3, Oppgave 1: lagringsmålingen på 5 000 bilder (formats.benchmark til en egen mappe)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A3.1"


@test_case(failure_message="small skal være tabellen som formats.benchmark(...) gir tilbake (med kolonnene format, "
                           "bytes og bytes_per_image).")
def is_a_benchmark_table(small):
    assert {"format", "bytes", "bytes_per_image", "identical"} <= set(small.columns)


@test_case(failure_message="Målingen skal gjelde 5 000 bilder: gi formats.benchmark X[:5000] og y[:5000].")
def five_thousand_images(small):
    n = np.asarray(small["bytes"], dtype=float) / np.asarray(small["bytes_per_image"], dtype=float)
    assert np.allclose(n, 5000, rtol=1e-6), f"Tabellen din gjelder {int(round(float(n[0])))} bilder."


@test_case(failure_message="Ikke alle formatene ga tilbake de samme bildene (identical er False): les dataene på "
                           "nytt og se hvilket format som mangler.")
def lossless(small):
    assert bool(np.all(small["identical"]))
