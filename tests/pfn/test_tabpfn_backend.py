import importlib.util
import sys

import pytest

from dyplab.pfn import tabpfn_backend


def test_package_absent_gives_one_norwegian_line(monkeypatch, no_network):
    if importlib.util.find_spec("tabpfn") is not None:
        pytest.skip("tabpfn is installed here; the absent-package path is covered where it is not")
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    st = tabpfn_backend.status()
    assert not st.available and st.weights is None
    assert "ikke installert" in st.message and "\n" not in st.message
    with pytest.raises(RuntimeError, match="ikke tilgjengelig"):
        tabpfn_backend.classifier()
    assert not no_network
    assert "tabpfn" not in sys.modules


@pytest.fixture
def fake_installed_tabpfn(tmp_path, monkeypatch):
    """A real (empty) package named tabpfn on sys.path: the weights check must not import or download anything."""
    pkg = tmp_path / "site" / "tabpfn"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise ImportError('the weights check must not import tabpfn')\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    cache = tmp_path / "tabpfn_cache"
    cache.mkdir()
    monkeypatch.setenv("TABPFN_MODEL_CACHE_DIR", str(cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    for var in ("TABPFN_DISABLE_TELEMETRY", "TABPFN_NO_TELEMETRY", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    return cache


def test_weights_absent_offline_no_network_and_telemetry_off(fake_installed_tabpfn, no_network):
    import os

    st = tabpfn_backend.status()
    assert not st.available
    assert "fant ingen modellvekter" in st.message and "\n" not in st.message
    assert os.environ["TABPFN_DISABLE_TELEMETRY"] == "1" and os.environ["HF_HUB_OFFLINE"] == "1"
    assert not no_network


def test_weights_found_in_cache_dir_or_model_path(fake_installed_tabpfn, tmp_path):
    ckpt = fake_installed_tabpfn / "tabpfn-v2-classifier.ckpt"
    ckpt.write_bytes(b"x")
    st = tabpfn_backend.status()
    assert st.available and st.weights == ckpt
    assert not tabpfn_backend.status(tmp_path / "missing.ckpt").available
