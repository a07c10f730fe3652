"""Bonn epilepsy EEG (Andrzejak et al. 2001): sets A-E, 100 single-channel segments of 4097 samples each."""

from __future__ import annotations

from ._core import DatasetInfo, register

NAME = "bonn_eeg"
SAMPLING_RATE_HZ = 173.61

INFO = register(
    DatasetInfo(
        name=NAME,
        title="Bonn epilepsy EEG (Andrzejak 2001)",
        description="Five sets (A-E) of 100 EEG segments, 23.6 s at 173.61 Hz: healthy eyes open/closed, "
        "interictal (two sites) and ictal.",
        license="free for research and teaching with citation (no formal licence)",
        citation="Andrzejak RG et al. Indications of nonlinear deterministic and finite-dimensional structures in "
        "time series of brain electrical activity. Phys. Rev. E 64, 061907 (2001).",
        homepage="https://www.upf.edu/web/ntsa/downloads",
        used_in="A2, F2",
        manual="download Z.zip, O.zip, N.zip, F.zip and S.zip from https://www.upf.edu/web/ntsa/downloads, "
        "repack them as setA.zip ... setE.zip (one folder setX/ each) in the course mirror layout, "
        "or use the course mirror.",
    )
)
