"""MNIST handwritten digits (LeCun et al. 1998): 60,000 training and 10,000 test images, 28×28."""

from __future__ import annotations

from ._core import DatasetInfo, Download, register

NAME = "mnist"
_BASE = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_FILES = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

INFO = register(
    DatasetInfo(
        name=NAME,
        title="MNIST",
        description="70,000 handwritten digits 0-9 (28x28 grey), 60k train / 10k test.",
        license="CC BY-SA 3.0 (LeCun & Cortes)",
        citation="Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to document "
        "recognition. Proc. IEEE 86(11):2278-2324, 1998.",
        homepage="http://yann.lecun.com/exdb/mnist/",
        used_in="A1-A6",
        downloads=tuple(Download(_BASE + f, sha, f) for f, sha in _FILES.items()),
    )
)
