"""The report's label table covers every metric the notebooks record, and numbers are written the Norwegian way."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from dyplab.course import labels, report

ROOT = Path(__file__).resolve().parents[2]


def _record_keys(source: str) -> tuple[set[str], set[str]]:
    """String keys, and f-string key patterns (as regexes), of the dicts a cell passes to ``results.record``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    dicts_by_name: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Dict, ast.DictComp)):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    dicts_by_name.setdefault(target.id, []).append(node.value)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
                and isinstance(node.func.value, ast.Name) and node.args
                and isinstance(node.args[0], (ast.Dict, ast.DictComp))):
            dicts_by_name.setdefault(node.func.value.id, []).append(node.args[0])
    keys: set[str] = set()
    patterns: set[str] = set()

    def collect(expr: ast.AST) -> None:
        for node in ast.walk(expr):
            if isinstance(node, ast.Name):
                for d in dicts_by_name.get(node.id, []):
                    collect(d)
            if isinstance(node, (ast.Dict, ast.DictComp)):
                for k in node.keys if isinstance(node, ast.Dict) else [node.key]:
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        keys.add(k.value)
                    elif isinstance(k, ast.JoinedStr):
                        patterns.add("".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[A-Za-z0-9_]+"
                                             for v in k.values))

    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                and len(node.args) >= 2):
            collect(node.args[1])
    return keys, patterns


def _notebook_keys() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    keys: dict[str, set[str]] = {}
    patterns: dict[str, set[str]] = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] != "code" or "record(" not in src:
                continue
            k, p = _record_keys("\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))))
            keys.setdefault(path.stem, set()).update(k)
            patterns.setdefault(path.stem, set()).update(p)
    return keys, patterns


def _missing(keys: set[str]) -> list[str]:
    as_metrics = dict.fromkeys(keys, 0)
    return sorted(k for k in keys if k not in labels.LABELS and not labels.is_part(k, as_metrics))


def test_every_key_the_notebooks_record_has_a_label() -> None:
    keys, patterns = _notebook_keys()
    assert sum(map(len, keys.values())) > 100, "the notebooks' record calls were not found"
    problems = [f"{nb}: {k}" for nb, ks in keys.items() for k in _missing(ks)]
    problems += [f"{nb}: no label matches the generated key {p}" for nb, ps in patterns.items() for p in ps
                 if not any(re.fullmatch(p, key) for key in labels.LABELS)]
    assert not problems, "keys without a Norwegian label in dyplab/course/labels.py:\n" + "\n".join(problems)


def test_every_target_and_every_recorded_summary_key_has_a_label() -> None:
    keys = set()
    for path in (ROOT / "tests" / "notebook_targets").glob("*.json"):
        for bounds in json.loads(path.read_text(encoding="utf-8")).values():
            keys |= set(bounds)
    assert keys, "no targets found"
    for path in (ROOT / "results").glob("*/summary.json"):  # a developer's runs, when there are any
        metrics = json.loads(path.read_text(encoding="utf-8")).get("metrics", {})
        keys |= {k for k in metrics if not labels.is_part(k, metrics)}
    assert not _missing(keys)


def test_the_key_extractor_sees_generated_and_indirect_keys() -> None:
    src = ('h = {"a_val_acc": 1}\nh.update({f"{p}_test_acc": 2 for p in "xy"})\n'
           'results.record("Z9", h | {"b": 3})\nresults.record("Z9", {"c": 4}, n_test=5)\nother = {"not_recorded": 1}')
    keys, patterns = _record_keys(src)
    assert keys == {"a_val_acc", "b", "c"} and patterns == {r"[A-Za-z0-9_]+_test_acc"}


def test_labels_use_one_term_per_concept() -> None:
    for key, lab in labels.LABELS.items():
        assert lab.unit in labels.UNITS, key
        assert not re.search("treffsikkerhet|forvekslings|notatbok", lab.text), key
        if re.search(r"(^|_)(acc|accuracy)(_|$)", key) and "balanced" not in key:
            assert "nøyaktighet" in lab.text, f"{key}: accuracy is «nøyaktighet» ({lab.text})"


@pytest.mark.parametrize("key, metrics, expected", [
    ("cnn_test_accuracy", {"cnn_test_accuracy": 0.99175, "cnn_test_accuracy_ci_low": 0.98925,
                           "cnn_test_accuracy_ci_high": 0.99425}, "99,2 % (95 % KI 98,9–99,4)"),
    ("test_macro_f1", {"test_macro_f1": 0.59046, "test_macro_f1_ci": [0.57474, 0.60500]}, "0,590 (95 % KI 0,575–0,605)"),
    ("breast_test_auc_mean", {"breast_test_auc_mean": 0.90852, "breast_test_auc_sd": 0.01017}, "0,909 (sd 0,010 over frø)"),
    ("breast_test_acc_mean", {"breast_test_acc_mean": 0.85043, "breast_test_acc_sd": 0.01334},
     "85,0 % (sd 1,3 prosentpoeng over frø)"),
    ("n_images", {"n_images": 3483}, "3\u202f483"),
    ("sanity_passed", {"sanity_passed": 1}, "ja"),
    ("image_beats_tabular", {"image_beats_tabular": False}, "nei"),
    ("pfn_gap_mean", {"pfn_gap_mean": -0.0182}, "−0,018"),
    ("gap_pp", {"gap_pp": 3.8016}, "3,8 prosentpoeng"),
    ("train_time_s", {"train_time_s": 182.2067}, "182,2 s"),
    ("flowers_val_acc", {"flowers_val_acc": None}, "–"),
    ("unknown_key", {"unknown_key": 0.12345}, "0,123"),
])
def test_estimates_are_written_the_norwegian_way(key: str, metrics: dict, expected: str) -> None:
    assert labels.format_estimate(key, metrics) == expected


def test_unknown_keys_fall_back_to_the_key_and_intervals_are_parts() -> None:
    assert labels.label("something_new") == "something_new" and labels.label("test_acc") == "nøyaktighet, test"
    metrics = {"test_acc": 0.8, "test_acc_ci_low": 0.7, "test_acc_ci_high": 0.9, "x_mean": 1, "x_sd": 0.1, "y_sd": 2}
    assert [k for k in metrics if not labels.is_part(k, metrics)] == ["test_acc", "x_mean", "y_sd"]


def test_references_are_documented_numbers_for_recorded_metrics() -> None:
    refs, notes = report.load_references()
    ids = {p.name.split("-")[0] for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert refs and set(refs) <= ids and set(notes) <= ids and not set(refs) & set(notes)
    for nb, rows in refs.items():
        for r in rows:
            assert r.metric in labels.LABELS, f"{nb}: reference for {r.metric}, which no notebook records"
            assert 0 < r.value <= 1 and r.what.strip() and r.source.strip(), r
    assert any(r.value == 0.988 and "ELMED219" in r.what for r in refs["A6"])


def test_a_malformed_reference_names_the_file_and_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "refs.toml"
    bad.write_text('[[reference]]\nnotebook = "A6"\nmetric = "cnn_test_accuracy"\nvalue = 0.9\nwhat = "x"\n')
    with pytest.raises(ValueError, match=r"refs.toml: reference 1 lacks source"):
        report.load_references(bad)
    bad.write_text('[[reference]]\nnotebook = "A6"\nmetric = "m"\nvalue = "høy"\nwhat = "x"\nsource = "y"\n')
    with pytest.raises(ValueError, match=r"refs.toml: reference 1 \(A6 m\): value must be a number"):
        report.load_references(bad)
    bad.write_text("[[reference]\n")
    with pytest.raises(ValueError, match="refs.toml is not valid TOML"):
        report.load_references(bad)
