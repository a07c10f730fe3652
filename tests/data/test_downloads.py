"""Every dataset's real download path, offline: ``dyplab data fetch NAME`` against a local stand-in for the internet.

The server (:mod:`tests.data.http_mirror`) answers at each canonical URL's host and path; the library reaches it
only through ``DYPLAB_DOWNLOAD_BASE``. No loader is patched: the mirror is an empty folder, the cache is fresh and
``DYPLAB_OFFLINE`` is unset, so each fetch downloads, checks every sha256 and (for archives) extracts, and the
dataset's own loader then reads the result. Files the tests make get their checksums through
``DYPLAB_DOWNLOAD_HASHES``. Faults: 404, wrong bytes, a transfer cut off half-way (once: restarted; always: a
clear error), and nothing half-written is left behind.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dyplab import cli, config
from dyplab.data import _core

from .http_mirror import PROXY_VARS, CanonicalServer, files_under, flower_archive, online_env, serve_dataset

# Datasets served from the course mirror's files; the two big ones run with the slow marker (.ci/run runs them).
FROM_MIRROR = ["bonn_eeg", "medmnist", "mnist", "oasis_tabular", "tabpfn_demo", "uci_darwin", "uci_glioma",
               "uci_heart", "uci_parkinsons"]
BIG = ["mitdb", "oasis_mri"]
MADE_BY_TEST = ["flowers"]  # an archive in the original layout, made by test_flower_archive_...


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = cli.main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def leftovers(cache: Path) -> list[str]:
    """Temporary or partial files a download may have left."""
    return [f for f in files_under(cache) if f.endswith((".part", ".tmp")) or "/.extract-" in f or f.startswith(".extract-")]


def test_every_downloadable_dataset_is_covered() -> None:
    downloadable = {meta.name for meta in _core.list_datasets() if meta.downloads}
    assert downloadable == set(FROM_MIRROR + BIG + MADE_BY_TEST)


def test_download_base_keeps_host_and_path(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://raw.githubusercontent.com/RYH2077/EEG-Epilepsy-Datasets/185859a/Bonn%20EEG%20dataset.zip?raw=1"
    monkeypatch.delenv(_core.DOWNLOAD_BASE_ENV, raising=False)
    assert _core.download_url(url) == url
    monkeypatch.setenv(_core.DOWNLOAD_BASE_ENV, "http://127.0.0.1:8123/")
    assert _core.download_url(url) == ("http://127.0.0.1:8123/raw.githubusercontent.com/RYH2077/EEG-Epilepsy-Datasets/"
                                       "185859a/Bonn%20EEG%20dataset.zip?raw=1")
    monkeypatch.setenv(_core.DOWNLOAD_BASE_ENV, "127.0.0.1:8123")
    with pytest.raises(_core.DataError, match="must start with http"):
        _core.download_url(url)


def test_a_bad_hashes_file_names_the_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "hashes.sha256"
    bad.write_text("# made by a test\nabc  https://example.org/x.bin\n", encoding="utf-8")
    monkeypatch.setenv(_core.DOWNLOAD_HASHES_ENV, str(bad))
    with pytest.raises(_core.DataError, match=rf"{bad}, line 2: expected '<sha256>  <canonical URL>'"):
        _core.download_sha256(_core.info("uci_heart").downloads[0])
    monkeypatch.setenv(_core.DOWNLOAD_HASHES_ENV, str(tmp_path / "absent"))
    with pytest.raises(_core.DataError, match="does not exist"):
        _core.pinned_hash("https://example.org/x.bin", "md5:00")


def _check_loader(name: str) -> None:
    """The dataset's own loader reads what was downloaded."""
    from dyplab.data import bonn_eeg, heart, medmnist, mitbih, mnist, oasis, tabpfn_demo, uci_tables

    if name == "mnist":
        assert mnist.load().train.X.shape == (60_000, 28, 28)
    elif name == "uci_heart":
        assert len(heart.load()) == 303
    elif name == "mitdb":
        assert len(mitbih.records()) == 48 and mitbih.load_record(100).signal.shape[0] == 650_000
    elif name == "bonn_eeg":
        got = bonn_eeg.load("AC")
        ref = bonn_eeg.load("AC", root=Path(os.environ["DYPLAB_TEST_MIRROR"]) / "bonn_eeg")
        assert np.array_equal(got.X, ref.X) and list(got.groups) == list(ref.groups) and got.X.shape == (200, 4097)
    elif name == "medmnist":
        assert medmnist.load("retinamnist", "test").X.shape == (400, 28, 28, 3)
    elif name == "uci_parkinsons":
        assert len(uci_tables.parkinsons_table()) == 195
    elif name == "uci_darwin":
        assert uci_tables.darwin_table().shape[0] == 174
    elif name == "uci_glioma":
        assert len(uci_tables.glioma_table()) == 839
    elif name == "tabpfn_demo":
        assert tabpfn_demo.load().shape == (540, 960)
    elif name == "oasis_tabular":
        assert len(oasis.clinical_table()) == 436
    elif name == "oasis_mri":
        views = oasis.load_slices(("axial", "coronal", "sagittal"), size=64)
        assert views.X.shape == (196, 3, 64, 64) and int(views.y.sum()) == 98
        vols = oasis.volumes()
        assert len(vols) == 19 and all(str(p).endswith(".nii") for p in vols["path"])
        assert oasis.load_volume(vols["path"].iloc[0]).shape == (91, 109, 91)
    else:  # pragma: no cover - a new dataset must get a loader check here
        raise AssertionError(f"no loader check for {name}")


@pytest.mark.parametrize("name", FROM_MIRROR + [pytest.param(n, marks=pytest.mark.slow) for n in BIG])
def test_fetch_downloads_verifies_and_the_loader_reads_it(name: str, online: CanonicalServer, mirror: Path,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture) -> None:
    urls = serve_dataset(online, name, mirror, tmp_path)
    monkeypatch.setenv("DYPLAB_TEST_MIRROR", str(mirror))
    cache = config.data_dir() / name

    rc, out, err = run_cli(capsys, "data", "fetch", name)
    assert rc == 0, err[-3000:]
    assert f"{name}: download → {cache}" in out
    assert [u for u in urls if online.requests_for(u) != 1] == [], "each file is fetched exactly once"
    assert leftovers(config.data_dir()) == []
    assert "damaged" not in err, err[-2000:]
    assert _core.check_location(name, cache, layout="download", force=True).ok

    requests = len(online.requests)
    rc, out, err = run_cli(capsys, "data", "fetch", name)
    assert rc == 0 and f"{name}: cache → {cache}" in out and len(online.requests) == requests
    rc, out, _ = run_cli(capsys, "data", "verify", name)
    assert rc == 0 and "corrupt" not in out and f"{name:<16} cache    OK" in out, out
    _check_loader(name)


def test_flower_archive_is_downloaded_verified_and_extracted(online: CanonicalServer, capsys) -> None:
    from dyplab.data import images

    (item,) = _core.info("flowers").downloads
    online.serve(item.url, flower_archive(), override=True)
    rc, out, err = run_cli(capsys, "data", "fetch", "flowers")
    assert rc == 0, err[-3000:]
    cache = config.data_dir() / "flowers"
    assert f"flowers: download → {cache}" in out and "damaged" not in err
    found = images.scan(cache / "flower_photos")
    assert sorted(found.class_names) == ["daisy", "dandelion", "roses", "sunflowers", "tulips"] and len(found.y) == 15
    assert leftovers(config.data_dir()) == []
    rc, out, _ = run_cli(capsys, "data", "verify", "flowers")
    assert rc == 0 and "corrupt" not in out, out
    # the archive's LICENSE.txt is not the mirror sample's; a verified download is not damage to repair
    before = files_under(cache)
    rc, out, _ = run_cli(capsys, "data", "verify", "--repair", "flowers")
    assert rc == 0 and "repair" not in out and files_under(cache) == before, out


def _npz(colour: bool, n_classes: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    shape = (28, 28, 3) if colour else (28, 28)
    arrays = {}
    for split, n in (("train", 20), ("val", 6), ("test", 8)):
        arrays[f"{split}_images"] = rng.integers(0, 256, (n, *shape), dtype=np.uint8)
        arrays[f"{split}_labels"] = (np.arange(n) % n_classes).astype(np.uint8)[:, None]
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def test_medmnist_online_flags_pneumonia_and_blood(online: CanonicalServer, capsys) -> None:
    from dyplab.data import medmnist

    made = {"pneumoniamnist": _npz(False, 2, 1), "bloodmnist": _npz(True, 8, 2)}
    for flag, data in made.items():
        online.serve(medmnist._official(flag)[0], data, override=True)
    rc, out, err = run_cli(capsys, "data", "fetch", "medmnist", "--flag", "pneumoniamnist", "--flag", "bloodmnist")
    assert rc == 0, err[-3000:]
    for flag, data in made.items():
        path = config.data_dir() / "medmnist" / f"{flag}.npz"
        assert f"medmnist {flag}: download → {path}" in out
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert medmnist.load("pneumoniamnist", "val").X.shape == (6, 28, 28)
    blood = medmnist.load("bloodmnist", "test")
    assert blood.X.shape == (8, 28, 28, 3) and blood.y.max() == 7
    assert leftovers(config.data_dir()) == []


def test_medmnist_flag_without_override_is_checked_against_the_official_md5(online: CanonicalServer, capsys) -> None:
    from dyplab.data import medmnist

    url = medmnist._official("pneumoniamnist")[0]
    online.serve(url, _npz(False, 2, 3))  # not the official file, and no override
    rc, _, err = run_cli(capsys, "data", "fetch", "medmnist", "--flag", "pneumoniamnist")
    assert rc == 1
    assert "pneumoniamnist.npz" in err and "expected 28209eda62fecd6e6a2d98b1501bb15f" in err and url in err
    assert files_under(config.data_dir() / "medmnist") == []


# --------------------------------------------------------------------------- faults


@pytest.fixture
def heart_online(online: CanonicalServer, mirror: Path, tmp_path: Path) -> CanonicalServer:
    serve_dataset(online, "uci_heart", mirror, tmp_path)
    return online


def _first_url() -> str:
    return _core.info("uci_heart").downloads[0].url


def test_404_is_a_clear_error_that_names_file_and_url(heart_online: CanonicalServer, capsys) -> None:
    url = _first_url()
    heart_online.fault(url, "404")
    rc, _, err = run_cli(capsys, "data", "fetch", "uci_heart")
    name = url.rsplit("/", 1)[1]
    assert rc == 1
    assert f"download of {name} failed: {url}" in err and "HTTP 404" in err and "nothing was saved" in err
    assert "DYPLAB_DATA_MIRROR" in err  # what to do
    assert not (config.data_dir() / "uci_heart" / name).exists() and leftovers(config.data_dir()) == []


def test_wrong_bytes_are_refused_with_both_checksums(heart_online: CanonicalServer, capsys) -> None:
    url = _first_url()
    item = _core.info("uci_heart").downloads[0]
    heart_online.fault(url, "wrong")
    rc, _, err = run_cli(capsys, "data", "fetch", "uci_heart")
    assert rc == 1
    assert f"download of {item.filename} from {url}" in err and f"expected {item.sha256}" in err
    assert "nothing was saved" in err and "Run the command again" in err
    assert not (config.data_dir() / "uci_heart" / item.filename).exists() and leftovers(config.data_dir()) == []


def test_a_transfer_cut_off_once_is_restarted(heart_online: CanonicalServer, capsys) -> None:
    url = _first_url()
    heart_online.fault(url, "cut", times=1)
    rc, out, err = run_cli(capsys, "data", "fetch", "uci_heart")
    assert rc == 0, err[-3000:]
    assert heart_online.requests_for(url) == 2, "the broken transfer is restarted from the beginning"
    assert "uci_heart: download" in out and leftovers(config.data_dir()) == []


def test_a_transfer_that_always_breaks_leaves_nothing_and_the_next_fetch_works(heart_online: CanonicalServer,
                                                                               capsys) -> None:
    url = _first_url()
    item = _core.info("uci_heart").downloads[0]
    heart_online.fault(url, "cut")
    rc, _, err = run_cli(capsys, "data", "fetch", "uci_heart")
    assert rc == 1
    assert f"download of {item.filename} from {url}" in err and "was interrupted 2 times" in err
    assert "Run the same command again" in err
    assert not (config.data_dir() / "uci_heart" / item.filename).exists() and leftovers(config.data_dir()) == []
    heart_online.clear_faults()
    rc, out, err = run_cli(capsys, "data", "fetch", "uci_heart")
    assert rc == 0 and "uci_heart: download" in out, err[-2000:]


def test_the_console_command_downloads_in_a_fresh_process(online: CanonicalServer, mirror: Path, tmp_path: Path) -> None:
    """``dyplab data fetch`` as a student types it: a new process that sees only the environment."""
    serve_dataset(online, "oasis_tabular", mirror, tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS and k != "DYPLAB_OFFLINE"}
    env.update(online_env(online, tmp_path / "cache2", tmp_path / "empty-mirror"))
    dyplab = Path(sys.executable).with_name("dyplab")
    proc = subprocess.run([str(dyplab), "data", "fetch", "oasis_tabular"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"oasis_tabular: download → {tmp_path / 'cache2' / 'oasis_tabular'}" in proc.stdout
    assert files_under(tmp_path / "cache2" / "oasis_tabular") == ["oasis_cross-sectional.csv", "oasis_longitudinal.csv"]
