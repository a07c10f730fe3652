"""The Gradio page is built in both languages from the same handlers (needs the optional extra ``app``)."""

from __future__ import annotations

import pytest

from dyplab.app import ui
from dyplab.app.service import AppState


def test_both_languages_have_the_same_labels():
    assert set(ui.TEXT["no"]) == set(ui.TEXT["en"])


@pytest.mark.parametrize("lang, tab", [("no", "Siffer"), ("en", "Digits")])
def test_page_builds(tmp_path, monkeypatch, lang, tab):
    pytest.importorskip("gradio", reason="the app extra is not installed (pip install -e '.[app]')")
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    page = ui.build(AppState.load(), lang)  # no checkpoints: every tab still builds, with its message
    labels = {getattr(block, "label", None) for block in page.blocks.values()}
    assert tab in labels


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        ui.build(AppState(), "de")
