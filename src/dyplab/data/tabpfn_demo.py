"""TabPFN demo image (``thebat.npy``): a 540×960 binary mask used as a 2-D classification toy."""

from __future__ import annotations

from ._core import DatasetInfo, Download, register

NAME = "tabpfn_demo"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="TabPFN demo image (thebat.npy)",
        description="A 540x960 uint8 binary mask; each pixel (x, y) is a sample with a 0/1 label.",
        license="no licence stated (Prior Labs demo file; attribution: Prior Labs)",
        citation="Prior Labs, TabPFNDemoFiles, https://github.com/PriorLabs/TabPFNDemoFiles",
        homepage="https://github.com/PriorLabs/TabPFNDemoFiles",
        used_in="F1",
        downloads=(
            Download(
                "https://github.com/PriorLabs/TabPFNDemoFiles/raw/main/thebat.npy",
                "e9540c483e22a0167ecfd6c1dcda213cfde7c878e5da5e4bd7ce3c0e8ddd9fb8",
                "thebat.npy",
            ),
        ),
    )
)
