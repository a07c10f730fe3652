import numpy as np
import pytest

from dyplab.pfn import tables


def test_breast_cancer_one_means_malignant():
    bc = tables.breast_cancer()
    assert bc.class_names == ["godartet", "ondartet"]
    assert np.bincount(bc.y).tolist() == [357, 212]  # scikit-learn: 212 malignant (its class 0)
    assert bc.X.shape == (569, 30)


@pytest.mark.mirror
def test_identifiers_never_features_and_subjects_as_groups(mirror):
    darwin = tables.darwin()
    assert "ID" not in darwin.X.columns and darwin.X.shape == (174, 450)
    park = tables.parkinsons()
    assert not {"name", "subject_id", "status"} & set(park.X.columns)
    assert park.X.shape == (195, 22) and len(np.unique(park.groups)) == 32
    glioma = tables.glioma()
    assert "Grade" not in glioma.X.columns and glioma.X.shape == (839, 23)


@pytest.mark.mirror
def test_bat_points_and_grid(mirror):
    pts = tables.bat_points(100, seed=0)
    assert pts.X.shape == (100, 2) and set(np.unique(pts.y)) <= {0, 1}
    assert pts.X.to_numpy().min() >= 0 and pts.X.to_numpy().max() <= 1
    grid, mask = tables.bat_grid(step=60)
    assert len(grid) == mask.size == 9 * 16
