"""Unit tests of dyplab.data._core on data the tests make: registry, resolution, downloads, extraction, stamps."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import stat
import tarfile
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from dyplab.data import _core
from dyplab.data._core import DataError, DatasetInfo, Download, integrity

from .http_mirror import PROXY_VARS, LoopbackServer

NAME = "tinyset"
FILES = {"a.txt": b"alpha\n", "sub/b.txt": b"bravo bravo\n"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_files(root: Path, files: dict[str, bytes] = FILES) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def files_under(root: Path) -> list[str]:
    """Every file (not folder) below ``root``, hidden ones included."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


# --------------------------------------------------------------------------- local HTTP server


class _Server(LoopbackServer):
    """A loopback HTTP server; ``routes[path] = (body, content_length or None)``; records each request."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, int | None]] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                outer.requests.append(self.path)
                if self.path not in outer.routes:
                    self.send_error(404)
                    return
                body, length = outer.routes[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

        self._start(Handler)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    srv = _Server()
    yield srv
    srv.close()


# --------------------------------------------------------------------------- a fake registered dataset


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch, isolated_cache: Path, tmp_path: Path):
    """Register ``tinyset`` (its manifest = FILES) with an empty cache, no mirror and network allowed.

    Returns a function ``register(downloads=())`` that (re)registers the dataset with downloads; the
    dataset is removed from the registry after the test.
    """
    monkeypatch.delenv("DYPLAB_DATA_MIRROR", raising=False)
    monkeypatch.delenv("DYPLAB_OFFLINE", raising=False)

    def register(downloads: tuple[Download, ...] = ()) -> DatasetInfo:
        meta = DatasetInfo(
            name=NAME,
            title="Tiny test set",
            description="two small text files",
            license="CC0",
            citation="none",
            homepage="http://127.0.0.1/",
            downloads=downloads,
            files=tuple((k, sha(v)) for k, v in FILES.items()),
        )
        return _core.register(meta)

    register()
    yield register
    _core.unregister(NAME)


def downloads_for(server: _Server, files: dict[str, bytes] = FILES, *, served: dict[str, bytes] | None = None):
    """Register every file at the server; ``served`` overrides the bytes actually served."""
    served = served or {}
    out = []
    for rel, data in files.items():
        server.routes[f"/{rel}"] = (served.get(rel, data), None)
        out.append(Download(url=f"{server.url}/{rel}", sha256=sha(data), filename=rel))
    return tuple(out)


def make_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes] = FILES) -> Path:
    mirror = tmp_path / "mirror"
    write_files(mirror / NAME, files)
    monkeypatch.setenv("DYPLAB_DATA_MIRROR", str(mirror))
    return mirror / NAME


# --------------------------------------------------------------------------- registry and manifests


def test_unknown_dataset_lists_known_names():
    with pytest.raises(DataError, match="Unknown dataset 'no_such_set'.*mnist"):
        _core.info("no_such_set")


def test_registry_has_the_14_course_datasets():  # flowers_256 (a4f63a6) is the 14th
    names = {d.name for d in _core.list_datasets()}
    assert len(names) == 14
    for name in names:
        assert _core.manifest(name), f"no manifest shipped for {name}"


def test_parse_sha256sums_handles_binary_marker_comments_and_blank_lines():
    text = f"# comment\n\n{'A' * 64}  plain.txt\n{'b' * 64} *binary.bin\n"
    assert _core.parse_sha256sums(text) == {"plain.txt": "a" * 64, "binary.bin": "b" * 64}


# --------------------------------------------------------------------------- resolution order


def test_cache_wins_over_mirror_and_download(tiny, server, isolated_cache, tmp_path, monkeypatch):
    tiny(downloads_for(server))
    write_files(isolated_cache / NAME)
    make_mirror(tmp_path, monkeypatch)
    assert _core.fetch(NAME, progress=False) == isolated_cache / NAME
    assert _core.source(NAME) == ("cache", isolated_cache / NAME)
    assert server.requests == []


def test_mirror_used_when_cache_is_empty_and_left_untouched(tiny, server, isolated_cache, tmp_path, monkeypatch):
    tiny(downloads_for(server))
    mirror = make_mirror(tmp_path, monkeypatch)
    before = snapshot(mirror)
    assert _core.fetch(NAME, progress=False) == mirror
    assert _core.source(NAME)[0] == "mirror"
    assert "kursspeil" in _core.describe_source(NAME)
    assert server.requests == []
    assert snapshot(mirror) == before  # nothing written into the mirror
    assert files_under(isolated_cache / NAME) == []


def test_corrupt_cache_falls_through_to_mirror(tiny, isolated_cache, tmp_path, monkeypatch):
    write_files(isolated_cache / NAME, {**FILES, "a.txt": b"tampered\n"})
    mirror = make_mirror(tmp_path, monkeypatch)
    assert _core.fetch(NAME, progress=False) == mirror


def test_download_when_cache_and_mirror_lack_the_data(tiny, server, isolated_cache):
    tiny(downloads_for(server))
    root = _core.fetch(NAME, progress=False)
    assert root == isolated_cache / NAME
    assert _core.source(NAME)[0] == "download"
    assert sorted(server.requests) == ["/a.txt", "/sub/b.txt"]
    for rel, data in FILES.items():
        assert (root / rel).read_bytes() == data
    # a second fetch is served from the cache without any request
    server.requests.clear()
    assert _core.fetch(NAME, progress=False) == root
    assert _core.source(NAME)[0] == "cache" and server.requests == []


def test_download_with_archive_is_extracted_and_marked(tiny, server, isolated_cache):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for rel, data in FILES.items():
            member = tarfile.TarInfo(f"pack/{rel}")
            member.size = len(data)
            tf.addfile(member, io.BytesIO(data))
    archive = buf.getvalue()
    server.routes["/pack.tgz"] = (archive, None)
    tiny((Download(f"{server.url}/pack.tgz", sha(archive), "pack.tgz", extract=True),))
    root = _core.fetch(NAME, progress=False)
    assert (root / "pack" / "sub" / "b.txt").read_bytes() == FILES["sub/b.txt"]
    assert (root / ".pack.tgz.extracted").read_text() == sha(archive)
    assert not [p for p in root.iterdir() if p.name.startswith(".extract-")]  # temp folder removed


# --------------------------------------------------------------------------- failing downloads leave nothing valid


def assert_nothing_valid_left(cache: Path) -> None:
    assert files_under(cache / NAME) == [], "a failed download left files in the cache"
    report = _core.check_location(NAME, cache / NAME, layout="download", force=True)
    assert not report.ok


def test_corrupt_download_names_file_with_expected_and_actual_hash(tiny, server, isolated_cache):
    bad = b"this is not alpha\n"
    tiny(downloads_for(server, served={"a.txt": bad}))
    with pytest.raises(DataError) as err:
        _core.fetch(NAME, progress=False)
    msg = str(err.value)
    assert "a.txt" in msg
    assert sha(FILES["a.txt"]) in msg  # expected
    assert sha(bad) in msg  # actual
    assert "download:" in msg and "cache:" in msg
    assert_nothing_valid_left(isolated_cache)


def test_truncated_download_fails_and_leaves_no_file(tiny, server, isolated_cache):
    tiny(downloads_for(server))
    body = FILES["a.txt"]
    server.routes["/a.txt"] = (body[:3], len(body) + 100)  # Content-Length promises more than is sent
    with pytest.raises(DataError, match="download:"):
        _core.fetch(NAME, progress=False)
    assert "/a.txt" in server.requests
    assert_nothing_valid_left(isolated_cache)


def test_missing_url_fails_and_leaves_no_file(tiny, server, isolated_cache):
    downloads = downloads_for(server)
    del server.routes["/sub/b.txt"]
    tiny(downloads)
    with pytest.raises(DataError, match="404"):
        _core.fetch(NAME, progress=False)
    # a.txt was fetched and verified before the failure; it is genuinely valid, b.txt must be absent
    assert files_under(isolated_cache / NAME) == ["a.txt"]
    assert not _core.check_location(NAME, isolated_cache / NAME, layout="download", force=True).ok


# --------------------------------------------------------------------------- offline mode and error messages


def test_offline_never_connects_and_lists_every_source(tiny, server, isolated_cache, tmp_path, monkeypatch):
    tiny(downloads_for(server))
    mirror = make_mirror(tmp_path, monkeypatch, {"a.txt": FILES["a.txt"]})  # incomplete mirror
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    attempts = []

    def refuse(self, address):  # noqa: ANN001
        attempts.append(address)
        raise OSError("connection attempted while DYPLAB_OFFLINE=1")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    with pytest.raises(DataError) as err:
        _core.fetch(NAME, progress=False)
    msg = str(err.value)
    assert attempts == [] and server.requests == []
    assert f"cache: folder {isolated_cache / NAME} does not exist" in msg
    assert "mirror: 1 file(s) missing, e.g. sub/b.txt" in msg
    assert files_under(mirror) == ["a.txt"]
    assert "download: skipped because DYPLAB_OFFLINE=1" in msg
    assert "How to fix it" in msg


def test_no_mirror_configured_is_reported(tiny, isolated_cache):
    with pytest.raises(DataError) as err:
        _core.fetch(NAME, progress=False)
    msg = str(err.value)
    assert "mirror: DYPLAB_DATA_MIRROR is not set" in msg
    assert "download: no public download for this dataset" in msg


def test_corrupt_mirror_file_reported_with_expected_and_actual_hash(tiny, tmp_path, monkeypatch):
    bad = b"bravo, corrupted\n"
    mirror = make_mirror(tmp_path, monkeypatch, {**FILES, "sub/b.txt": bad})
    report = _core.check_location(NAME, mirror, force=True)
    assert report.status == "corrupt"
    assert report.corrupt == [("sub/b.txt", sha(FILES["sub/b.txt"]), sha(bad))]
    with pytest.raises(DataError) as err:
        _core.fetch(NAME, progress=False)
    msg = str(err.value)
    assert "mirror: checksum mismatch" in msg
    assert str(mirror / "sub" / "b.txt") in msg
    assert f"expected sha256 {sha(FILES['sub/b.txt'])}, got {sha(bad)}" in msg



# --------------------------------------------------------------------------- fetch_file: the same chain, one file


def test_fetch_file_walks_cache_then_mirror_then_download(tiny, isolated_cache, tmp_path, monkeypatch, server):
    data = FILES["a.txt"]
    server.routes["/a.txt"] = (data, None)
    url, md5 = f"{server.url}/a.txt", "md5:" + hashlib.md5(data).hexdigest()
    mirror = make_mirror(tmp_path, monkeypatch)
    assert _core.fetch_file(NAME, "a.txt", url=url, known_hash=md5, mirror_file="a.txt") == mirror / "a.txt"
    assert _core.source(NAME) == ("mirror", mirror) and server.requests == []
    monkeypatch.delenv("DYPLAB_DATA_MIRROR")
    got = _core.fetch_file(NAME, "a.txt", url=url, known_hash=md5, mirror_file="a.txt", progress=False)
    assert got == isolated_cache / NAME / "a.txt" and got.read_bytes() == data
    assert _core.source(NAME)[0] == "download" and server.requests == ["/a.txt"]
    assert _core.fetch_file(NAME, "a.txt", url=url, known_hash=md5) == got  # checked against the md5
    assert _core.source(NAME)[0] == "cache" and server.requests == ["/a.txt"]


def test_fetch_file_error_lists_every_source(tiny, isolated_cache, tmp_path, monkeypatch):
    mirror = make_mirror(tmp_path, monkeypatch, {**FILES, "a.txt": b"damaged\n"})
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    with pytest.raises(DataError) as err:
        _core.fetch_file(NAME, "a.npz", mirror_file="a.txt")
    msg = str(err.value)
    assert msg.startswith(f"a.npz of dataset '{NAME}' (Tiny test set) is not available. Sources tried:")
    assert f"cache: {isolated_cache / NAME / 'a.npz'} does not exist" in msg
    assert f"mirror: checksum mismatch for {mirror / 'a.txt'}: expected sha256 {sha(FILES['a.txt'])}" in msg
    assert "download: skipped because DYPLAB_OFFLINE=1" in msg


# --------------------------------------------------------------------------- verification stamps


def test_stamp_skips_rehash_of_unchanged_files(tiny, isolated_cache, monkeypatch):
    root = write_files(isolated_cache / NAME)
    assert _core.check_location(NAME, root).ok
    calls = []
    real = integrity.file_hash
    monkeypatch.setattr(integrity, "file_hash", lambda p, *a, **k: calls.append(p) or real(p, *a, **k))
    assert _core.check_location(NAME, root).ok
    assert calls == []  # remembered by size + mtime
    assert _core.check_location(NAME, root, force=True).ok
    assert len(calls) == len(FILES)  # force re-hashes


def test_stamp_detects_changed_size(tiny, isolated_cache):
    root = write_files(isolated_cache / NAME)
    assert _core.check_location(NAME, root).ok
    (root / "a.txt").write_bytes(b"alpha plus more\n")
    report = _core.check_location(NAME, root)
    assert report.status == "corrupt" and report.corrupt[0][0] == "a.txt"


def test_stamp_detects_same_size_change_with_new_mtime(tiny, isolated_cache):
    root = write_files(isolated_cache / NAME)
    assert _core.check_location(NAME, root).ok
    path = root / "a.txt"
    old = path.stat()
    path.write_bytes(b"ALPHA\n")  # same size, other bytes
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == old.st_size
    assert _core.check_location(NAME, root).status == "corrupt"


def test_stamp_detects_missing_file(tiny, isolated_cache):
    root = write_files(isolated_cache / NAME)
    assert _core.check_location(NAME, root).ok
    (root / "sub" / "b.txt").unlink()
    report = _core.check_location(NAME, root)
    assert report.status == "incomplete" and report.missing == ["sub/b.txt"]


# --------------------------------------------------------------------------- safe extraction


def _zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


def _tar(path: Path, members: dict[str, bytes], *, link: tuple[str, bytes] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link[0])
            info.type = link[1]
            info.linkname = "/etc/passwd"
            tf.addfile(info)
    return path


def _assert_refused(archive: Path, dest: Path, outside: Path, bad_name: str) -> None:
    with pytest.raises(DataError, match="refusing to extract") as err:
        _core.safe_extract(archive, dest)
    assert bad_name in str(err.value)
    assert files_under(dest) == []  # nothing extracted, temp folder removed
    assert not any(dest.iterdir())
    assert not outside.exists()


@pytest.mark.parametrize("bad", ["../evil.txt", "sub/../../evil.txt", "/dyplab-abs-evil.txt"])
def test_safe_extract_refuses_escaping_zip_members(tmp_path, bad):
    archive = _zip(tmp_path / "bad.zip", {"ok.txt": b"fine", bad: b"evil"})
    assert bad in zipfile.ZipFile(archive).namelist()  # the archive really holds the bad name
    _assert_refused(archive, tmp_path / "dest", tmp_path / "evil.txt", bad)
    assert not Path("/dyplab-abs-evil.txt").exists()


@pytest.mark.parametrize("bad", ["../evil.txt", "sub/../../evil.txt", "/dyplab-abs-evil.txt"])
def test_safe_extract_refuses_escaping_tar_members(tmp_path, bad):
    archive = _tar(tmp_path / "bad.tgz", {"ok.txt": b"fine", bad: b"evil"})
    assert bad in tarfile.open(archive).getnames()
    _assert_refused(archive, tmp_path / "dest", tmp_path / "evil.txt", bad)
    assert not Path("/dyplab-abs-evil.txt").exists()


def test_safe_extract_refuses_zip_symlink(tmp_path):
    archive = _zip(tmp_path / "link.zip", {"ok.txt": b"fine"}, symlink="passwd")
    _assert_refused(archive, tmp_path / "dest", tmp_path / "passwd", "passwd")


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_safe_extract_refuses_tar_links(tmp_path, kind):
    archive = _tar(tmp_path / "link.tgz", {"ok.txt": b"fine"}, link=("passwd", kind))
    _assert_refused(archive, tmp_path / "dest", tmp_path / "passwd", "passwd")


@pytest.mark.parametrize("fmt", ["zip", "tgz"])
def test_safe_extract_good_archive(tmp_path, fmt):
    members = {"top/a.txt": b"alpha", "top/sub/b.bin": bytes(range(256))}
    maker = _zip if fmt == "zip" else _tar
    archive = maker(tmp_path / f"good.{fmt}", members)
    dest = tmp_path / "dest"
    moved = _core.safe_extract(archive, dest)
    assert moved == [dest / "top"]
    assert files_under(dest) == ["top/a.txt", "top/sub/b.bin"]
    for name, data in members.items():
        assert (dest / name).read_bytes() == data


def test_safe_extract_rejects_non_archive_and_truncated_archive(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not an archive at all")
    with pytest.raises(DataError, match="neither a zip nor a tar"):
        _core.safe_extract(junk, tmp_path / "dest1")
    good = _tar(tmp_path / "good.tgz", {"a.txt": os.urandom(50_000)})
    cut = tmp_path / "cut.tgz"
    cut.write_bytes(good.read_bytes()[:-2000])
    with pytest.raises(DataError):
        _core.safe_extract(cut, tmp_path / "dest2")
    assert files_under(tmp_path / "dest2") == []


# --------------------------------------------------------------------------- helpers


def test_require_columns_names_missing_columns():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1], "b": [2]})
    _core.require_columns(frame, ["a"], what="t")
    with pytest.raises(DataError, match=r"my table is missing column\(s\) \['c'\]"):
        _core.require_columns(frame, ["a", "c"], what="my table")
