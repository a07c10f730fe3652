"""FER2013 facial expressions (Goodfellow et al. 2013), Kaggle msambare/fer2013 image-folder layout."""

from __future__ import annotations

from ._core import DatasetInfo, register

NAME = "fer2013"
CLASSES = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")

INFO = register(
    DatasetInfo(
        name=NAME,
        title="FER2013",
        description="35,887 grey 48x48 face images in 7 emotion classes (train 28,709 / test 7,178).",
        license="research and education only (no explicit licence; Kaggle ICML 2013 challenge)",
        citation="Goodfellow IJ et al. Challenges in Representation Learning: A report on three machine learning "
        "contests. ICONIP 2013; arXiv:1307.0414.",
        homepage="https://www.kaggle.com/datasets/msambare/fer2013",
        used_in="E1-E3",
        manual="with a Kaggle account: `kaggle datasets download msambare/fer2013` and unzip it so that "
        "train/ and test/ lie in the cache folder named above, or use the course mirror.",
    )
)
