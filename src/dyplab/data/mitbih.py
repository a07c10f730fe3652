"""MIT-BIH Arrhythmia Database (PhysioNet mitdb 1.0.0): 48 two-lead 30-minute ECG records at 360 Hz."""

from __future__ import annotations

from ._core import DatasetInfo, manifest_downloads, register

NAME = "mitdb"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="MIT-BIH Arrhythmia Database",
        description="48 half-hour two-lead ambulatory ECG records (47 patients), 360 Hz, with beat annotations.",
        license="ODC-By 1.0",
        citation="Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database. IEEE Eng Med Biol "
        "20(3):45-50 (2001); Goldberger AL et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation "
        "101(23):e215-e220 (2000).",
        homepage="https://physionet.org/content/mitdb/1.0.0/",
        used_in="B4",
        downloads=manifest_downloads(NAME, "https://physionet.org/files/mitdb/1.0.0/"),
    )
)
