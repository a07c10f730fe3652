"""TensorFlow flower_photos: five flower classes in an ImageFolder layout."""

from __future__ import annotations

from ._core import DatasetInfo, Download, register

NAME = "flowers"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="TensorFlow flower_photos",
        description="Flower photos in 5 classes (daisy, dandelion, roses, sunflowers, tulips); 3670 online, "
        "a balanced 400-image subset in the course mirror.",
        license="CC BY 2.0 (per-image attribution in flower_photos/LICENSE.txt)",
        citation='The TensorFlow Team, "Flowers", http://download.tensorflow.org/example_images/flower_photos.tgz (2019).',
        homepage="https://www.tensorflow.org/datasets/catalog/tf_flowers",
        used_in="C1-C3",
        downloads=(
            Download(
                url="https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz",
                sha256="4c54ace7911aaffe13a365c34f650e71dd5bf1be0a58b464e5a7183e3e595d9c",
                filename="flower_photos.tgz",
                extract=True,
            ),
        ),
    )
)
