"""The F1/F2 classification tables as LabeledData: identifiers never features, subjects as groups, 1 = finding."""

import numpy as np
import pandas as pd
import pytest

from dyplab.data import uci_tables


def test_breast_cancer_one_means_malignant():
    bc = uci_tables.breast_cancer()
    assert bc.class_names == ["godartet", "ondartet"]
    assert np.bincount(bc.y).tolist() == [357, 212]  # scikit-learn: 212 malignant (its class 0)
    assert bc.X.shape == (569, 30) and isinstance(bc.X, pd.DataFrame)


@pytest.mark.mirror
def test_identifiers_never_features_and_subjects_as_groups(mirror):
    darwin = uci_tables.darwin()
    assert "ID" not in darwin.X.columns and darwin.X.shape == (174, 450)
    assert list(darwin.meta["ID"]) == list(uci_tables.darwin_table()["ID"])
    park = uci_tables.parkinsons()
    assert not {"name", "subject_id", "status"} & set(park.X.columns)
    assert park.X.shape == (195, 22) and len(np.unique(park.groups)) == 32 and park.group_kind == "subject"
    assert list(park.meta.columns) == ["name", "subject_id"]
    glioma = uci_tables.glioma()
    assert "Grade" not in glioma.X.columns and glioma.X.shape == (839, 23)
    for data in (darwin, park, glioma):
        assert data.y.dtype == np.int64 and data.n_classes == 2


@pytest.mark.mirror
def test_loaders_keep_the_rows_and_labels_of_the_raw_tables(mirror):
    raw = uci_tables.parkinsons_table()
    park = uci_tables.parkinsons()
    pd.testing.assert_frame_equal(park.X, raw.drop(columns=["name", "subject_id", "status"]))
    assert np.array_equal(park.y, raw["status"].to_numpy())
    glioma = uci_tables.glioma_table()
    assert np.array_equal(uci_tables.glioma().y, glioma["Grade"].to_numpy())
