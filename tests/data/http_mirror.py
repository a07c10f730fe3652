"""A local stand-in for the internet: every dataset's canonical URLs served from 127.0.0.1.

:class:`CanonicalServer` is a ``ThreadingHTTPServer`` over a folder laid out ``<host>/<path>``, the layout that
``DYPLAB_DOWNLOAD_BASE`` expects, so the library fetches ``https://<host>/<path>`` from
``http://127.0.0.1:<port>/<host>/<path>`` through its real download path. Faults can be injected per URL:
``"404"``, ``"wrong"`` (same length, one byte changed) and ``"cut"`` (the full ``Content-Length`` is promised,
half of the bytes are sent, then the connection closes), each for a number of requests or for all of them.

Files the tests make themselves (a small flower archive, small MedMNIST ``.npz`` files, the Bonn archive rebuilt
from the mirror's members) have other checksums than the pinned ones; :meth:`CanonicalServer.serve` with
``override=True`` writes them to the ``DYPLAB_DOWNLOAD_HASHES`` file, the library's documented mechanism.

:func:`serve_dataset` puts one dataset's canonical files on the server, from the course mirror: byte-identical
files as they are, and the two OASIS-1 files the mirror changed rebuilt as their SOURCE.md describes (the volumes
decompressed, the table with its empty column back); their pinned checksums must then still match.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import tarfile
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
from PIL import Image

from dyplab.data import _core

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def local_path(url: str) -> str:
    """The request path under which the server answers for the canonical ``url`` (``/<host>/<path>``)."""
    parts = urlsplit(url)
    return "/" + parts.netloc + unquote(parts.path)


class LoopbackServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 at a free port, answering from a background thread."""

    def _start(self, handler: type) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class CanonicalServer(LoopbackServer):
    """Serves ``root/<host>/<path>`` on 127.0.0.1 at a free port; records every request path."""

    def __init__(self, root: Path, hashes_file: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.hashes_file = Path(hashes_file)
        self.requests: list[str] = []
        self.faults: dict[str, list] = {}  # request path -> [kind, remaining count or None]
        outer = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, directory=str(outer.root), **kwargs)

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                path = unquote(urlsplit(self.path).path)
                outer.requests.append(path)
                kind = outer._take_fault(path)
                if kind == "404":
                    self.send_error(404, "injected fault")
                    return
                if kind in ("wrong", "cut"):
                    data = (outer.root / path.lstrip("/")).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if kind == "wrong":
                        self.wfile.write(bytes([data[0] ^ 0xFF]) + data[1:])
                    else:
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        self.connection.shutdown(2)  # the transfer breaks off half-way
                    self.close_connection = True
                    return
                super().do_GET()

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

        self._start(Handler)

    def _take_fault(self, path: str) -> str | None:
        fault = self.faults.get(path)
        if fault is None:
            return None
        kind, remaining = fault
        if remaining is not None:
            if remaining <= 0:
                return None
            fault[1] -= 1
        return kind

    def fault(self, url: str, kind: str, times: int | None = None) -> None:
        """Answer requests for the canonical ``url`` with ``kind`` (``404``, ``wrong``, ``cut``), ``times`` times or always."""
        assert kind in ("404", "wrong", "cut"), kind
        self.faults[local_path(url)] = [kind, times]

    def clear_faults(self) -> None:
        self.faults.clear()

    def serve(self, url: str, source: bytes | Path, *, override: bool = False) -> Path:
        """Serve ``source`` (bytes, or a file linked in place) at the canonical ``url``.

        ``override=True`` also records its sha256 in the ``DYPLAB_DOWNLOAD_HASHES`` file, for files the test made.
        """
        target = self.root / local_path(url).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        if isinstance(source, bytes):
            target.write_bytes(source)
        else:
            target.symlink_to(Path(source).resolve())
        if override:
            digest = hashlib.sha256(target.read_bytes()).hexdigest()
            with open(self.hashes_file, "a", encoding="utf-8") as fh:
                fh.write(f"{digest}  {url}\n")
        return target

    def requests_for(self, url: str) -> int:
        return self.requests.count(local_path(url))



def online_env(server: CanonicalServer, cache: Path, empty_mirror: Path) -> dict[str, str]:
    """The environment of a student who is online: no mirror, a fresh cache, downloads through ``server``."""
    empty_mirror.mkdir(parents=True, exist_ok=True)
    server.hashes_file.touch()
    return {
        "DYPLAB_DOWNLOAD_BASE": server.url,
        "DYPLAB_DOWNLOAD_HASHES": str(server.hashes_file),
        "DYPLAB_DATA_MIRROR": str(empty_mirror),
        "DYPLAB_DATA_DIR": str(cache),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


# --------------------------------------------------------------------------- canonical files from the mirror


def oasis_table_as_published(mirror_csv: Path) -> bytes:
    """The OASIS-1 table as its source publishes it: the mirror's copy with the empty last column put back."""
    lines = mirror_csv.read_bytes().decode("utf-8").splitlines()
    return "".join(f"{line},depression_diagnosis\n" if i == 0 else f"{line},\n" for i, line in enumerate(lines)).encode()


def bonn_archive(mirror_bonn: Path) -> bytes:
    """A zip in the layout of the pinned Bonn download (``A_Z/Z001.txt`` ...), from the members of the mirror's zips."""
    from dyplab.data.bonn_eeg import ORIGINAL_LETTER

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for letter, original in ORIGINAL_LETTER.items():
            with zipfile.ZipFile(mirror_bonn / f"set{letter}.zip") as src:
                for name in sorted(src.namelist()):
                    if not name.endswith("/"):
                        out.writestr(f"{letter}_{original}/{name.split('/', 1)[1]}", src.read(name))
    return buf.getvalue()


def serve_dataset(server: CanonicalServer, name: str, mirror: Path, workdir: Path) -> list[str]:
    """Put every canonical download of ``name`` on ``server`` from the mirror; returns the URLs served.

    Only the Bonn archive is a container the test makes (its checksum goes to the override file); every other
    file must match its pinned sha256.
    """
    folder = mirror / name
    urls = []
    for item in _core.info(name).downloads:
        if name == "bonn_eeg":
            server.serve(item.url, bonn_archive(folder), override=True)
        elif name == "oasis_mri" and item.filename.endswith(".nii"):
            unpacked = workdir / "oasis_volumes" / Path(item.filename).name
            unpacked.parent.mkdir(parents=True, exist_ok=True)
            with gzip.open(folder / f"{item.filename}.gz") as src, open(unpacked, "wb") as dst:
                shutil.copyfileobj(src, dst)
            server.serve(item.url, unpacked)
        elif name == "oasis_mri" and item.filename == "oasis_cross-sectional.csv":
            server.serve(item.url, oasis_table_as_published(folder / item.filename))
        else:
            source = folder / item.filename
            assert source.is_file(), f"the mirror has no {source} for {item.url}"
            server.serve(item.url, source)
        urls.append(item.url)
    return urls


def files_under(root: Path) -> list[str]:
    """Every file below ``root`` (hidden ones included), relative, sorted."""
    if not root.exists():
        return []
    return sorted(os.path.relpath(p, root) for p in root.rglob("*") if not p.is_dir())


def _jpeg(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def flower_archive() -> bytes:
    """A small ``flower_photos.tgz`` in the original layout: ``flower_photos/<class>/*.jpg`` and ``LICENSE.txt``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        members = {"flower_photos/LICENSE.txt": b"All images in this archive are licensed under CC-BY 2.0.\n"}
        for k, cls in enumerate(("daisy", "dandelion", "roses", "sunflowers", "tulips")):
            for i in range(3):
                members[f"flower_photos/{cls}/made_by_test_{i}.jpg"] = _jpeg(10 * k + i)
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()
