"""UCI Heart Disease (Cleveland, Hungary, Switzerland, VA Long Beach), the 14-attribute processed files."""

from __future__ import annotations

from ._core import DatasetInfo, manifest_downloads, register

NAME = "uci_heart"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="UCI Heart Disease",
        description="303 Cleveland patients (+ Hungary, Switzerland, VA), 13 clinical variables, angiographic "
        "disease grade 0-4.",
        license="CC BY 4.0",
        citation="Janosi A, Steinbrunn W, Pfisterer M, Detrano R (1989). Heart Disease [Dataset]. UCI Machine "
        "Learning Repository. https://doi.org/10.24432/C52P4X",
        homepage="https://archive.ics.uci.edu/dataset/45/heart+disease",
        used_in="B3",
        downloads=manifest_downloads(NAME, "https://archive.ics.uci.edu/ml/machine-learning-databases/heart-disease/"),
    )
)
