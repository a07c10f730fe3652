"""OASIS-1/OASIS-2 brain MRI: clinical tables, T88 slices joined to CDR, and MNI152 volumes."""

from __future__ import annotations

from ._core import DatasetInfo, register

MRI_NAME = "oasis_mri"
TABULAR_NAME = "oasis_tabular"
_TERMS = "OASIS Data Use Terms (acknowledge OASIS, cite Marcus et al. 2007; no re-identification)"
_CITATION = (
    "Marcus DS, Wang TH, Parker J, Csernansky JG, Morris JC, Buckner RL. Open Access Series of Imaging "
    "Studies (OASIS): cross-sectional MRI data in young, middle aged, nondemented, and demented older adults. "
    "J Cogn Neurosci 19(9):1498-1507 (2007)."
)

MRI_INFO = register(
    DatasetInfo(
        name=MRI_NAME,
        title="OASIS-1 brain MRI (course subset)",
        description="Three orthogonal T88 slices for 196 subjects aged >= 60 (98 CDR 0 / 98 CDR > 0), "
        "19 MNI152 2 mm T1 volumes and the clinical CSV.",
        license=_TERMS,
        citation=_CITATION,
        homepage="https://sites.wustl.edu/oasisbrains/",
        used_in="D1",
        manual="register at https://sites.wustl.edu/oasisbrains/ and download OASIS-1, or use the course mirror; "
        "online, nilearn.datasets.fetch_oasis_vbm() gives VBM maps as an alternative source.",
    )
)

TABULAR_INFO = register(
    DatasetInfo(
        name=TABULAR_NAME,
        title="OASIS-1 and OASIS-2 clinical tables",
        description="OASIS-1 cross-sectional (436 sessions) and OASIS-2 longitudinal (373 sessions, 150 subjects).",
        license=_TERMS,
        citation=_CITATION,
        homepage="https://sites.wustl.edu/oasisbrains/",
        used_in="D1",
        manual="download 'MRI and Alzheimers' from https://www.kaggle.com/datasets/jboysen/mri-and-alzheimers "
        "(oasis_cross-sectional.csv, oasis_longitudinal.csv) into the cache folder named above.",
    )
)
