"""MedMNIST v2 (28×28): RetinaMNIST and BreastMNIST in the course mirror, any flag online."""

from __future__ import annotations

from ._core import DatasetInfo, Download, register

NAME = "medmnist"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="MedMNIST v2",
        description="Small standardised biomedical image sets; the mirror holds RetinaMNIST (official) and "
        "BreastMNIST (re-saved copy).",
        license="CC BY 4.0 (DermaMNIST: CC BY-NC 4.0)",
        citation="Yang J et al. MedMNIST v2 - A large-scale lightweight benchmark for 2D and 3D biomedical image "
        "classification. Scientific Data 10, 41 (2023).",
        homepage="https://medmnist.com/",
        used_in="C4a",
        downloads=(
            Download(
                url="https://zenodo.org/records/10519652/files/retinamnist.npz",
                sha256="254915f5f0a2074665c4676356824cf4ef4a3bcab233894b4bafcaf48962bd69",
                filename="retinamnist.npz",
            ),
        ),
        notes="breastmnist_unofficial_resave.npz exists only in the course mirror.",
    )
)
