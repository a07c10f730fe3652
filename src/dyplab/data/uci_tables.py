"""Small UCI clinical tables for TabPFN: Parkinsons (voice), DARWIN (handwriting), Glioma grading."""

from __future__ import annotations

from ._core import DatasetInfo, Download, register

PARKINSONS = "uci_parkinsons"
DARWIN = "uci_darwin"
GLIOMA = "uci_glioma"

PARKINSONS_INFO = register(
    DatasetInfo(
        name=PARKINSONS,
        title="UCI Parkinsons",
        description="195 voice recordings of 31 subjects (23 with Parkinson's disease), 22 acoustic features.",
        license="CC BY 4.0",
        citation="Little MA et al. Exploiting nonlinear recurrence and fractal scaling properties for voice "
        "disorder detection. BioMedical Engineering OnLine 6:23 (2007). https://doi.org/10.24432/C59C74",
        homepage="https://archive.ics.uci.edu/dataset/174/parkinsons",
        used_in="F1",
        downloads=(
            Download(
                "https://archive.ics.uci.edu/ml/machine-learning-databases/parkinsons/parkinsons.data",
                "a36116c2deac07895b79ce97a2f99a1b3720ac4892995ff5c3b9ccb397ed2bc5",
                "parkinsons.data",
            ),
            Download(
                "https://archive.ics.uci.edu/ml/machine-learning-databases/parkinsons/parkinsons.names",
                "ac4f44495100d468feb566d1272b2070000507ec6a02ea64ff50b847784d7455",
                "parkinsons.names",
            ),
        ),
    )
)

DARWIN_INFO = register(
    DatasetInfo(
        name=DARWIN,
        title="DARWIN handwriting (UCI 732)",
        description="174 subjects (89 Alzheimer's, 85 healthy) x 451 handwriting features.",
        license="CC BY 4.0",
        citation="Cilia ND et al. Diagnosing Alzheimer's disease from on-line handwriting: a novel dataset and "
        "performance benchmarking. Eng Appl Artif Intell 111:104822 (2022). https://doi.org/10.24432/C55D0K",
        homepage="https://archive.ics.uci.edu/dataset/732/darwin",
        used_in="F2",
        downloads=(
            Download(
                "https://archive.ics.uci.edu/static/public/732/darwin.zip",
                "4e28ebe910984d906746279032302abe6e7a312e776758fab666cca5687d0d91",
                "darwin.zip",
                extract=True,
            ),
        ),
    )
)

GLIOMA_INFO = register(
    DatasetInfo(
        name=GLIOMA,
        title="Glioma grading (UCI 759)",
        description="839 TCGA glioma patients (LGG vs GBM), clinical variables and 20 mutation flags.",
        license="CC BY 4.0",
        citation="Tasci E et al. Glioma Grading Clinical and Mutation Features [Dataset]. UCI Machine Learning "
        "Repository (2022). https://doi.org/10.24432/C5R62J",
        homepage="https://archive.ics.uci.edu/dataset/759/glioma+grading+clinical+and+mutation+features+dataset",
        used_in="F2",
        manual="download the archive from the dataset page above (TCGA_InfoWithGrade.csv, "
        "TCGA_GBM_LGG_Mutations_all.csv) into the cache folder named above, or use the course mirror.",
    )
)
