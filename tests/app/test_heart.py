"""The «Hjerte» tab's form: valid ranges, category codes and the messages."""

from __future__ import annotations

import pytest

from dyplab.app import heart
from dyplab.data import heart as heart_data


def test_defaults_are_a_valid_patient():
    frame, errors = heart.validate(heart.DEFAULTS)
    assert errors == [] and list(frame.columns) == list(heart_data.FEATURES) and frame.shape == (1, 13)
    assert frame.loc[0, "cp"] == 4 and isinstance(frame.loc[0, "cp"].item(), int)


@pytest.mark.parametrize("field, value, message", [
    ("age", 150, "Alder (age) = 150 er utenfor gyldig område 18–100 år"),
    ("chol", 20, "utenfor gyldig område 80–700 mg/dl"),
    ("oldpeak", -1, "utenfor gyldig område 0–10"),
    ("ca", 1.5, "må være et helt tall"),
    ("cp", 5, "ingen gyldig kode (gyldige: 1 = typisk angina"),
    ("thal", 4, "3 = normal, 6 = fiksert defekt, 7 = reversibel defekt"),
    ("age", "sixty", "«sixty» er ikke et tall"),
    ("age", None, "Alder (age) mangler"),
    ("thalach", float("nan"), "ikke et endelig tall"),
])
def test_bad_values_get_a_message_naming_the_variable(field, value, message):
    frame, errors = heart.validate({**heart.DEFAULTS, field: value})
    assert frame is None
    assert len(errors) == 1 and message in errors[0], errors


def test_all_problems_are_listed_at_once():
    _, errors = heart.validate({**heart.DEFAULTS, "age": 5, "sex": 3, "trestbps": 400})
    assert len(errors) == 3


def test_labels_and_choices_show_ranges_and_category_names():
    assert heart.label("age") == "Alder (år, 18–100)"
    assert heart.label("cp") == "Type brystsmerte"
    assert heart.choices("thal") == [("3: normal", 3), ("6: fiksert defekt", 6), ("7: reversibel defekt", 7)]
    assert set(heart.RANGES) == set(heart_data.NUMERIC)
