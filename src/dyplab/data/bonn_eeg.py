"""Bonn epilepsy EEG (Andrzejak et al. 2001): sets A-E, 100 single-channel segments of 4097 samples each."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._core import ChecksumError, DataError, DatasetInfo, Download, fetch, parse_sha256sums, register
from .labeled import LabeledData, LabeledSplit

NAME = "bonn_eeg"
SAMPLING_RATE_HZ = 173.61
#: The download: all 500 original text files (folders ``A_Z/`` ... ``E_S/``) in one zip at a pinned GitHub commit;
#: the mirror's ``setX.zip`` hold the same members under ``setX/``.
ARCHIVE = "Bonn EEG dataset.zip"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="Bonn epilepsy EEG (Andrzejak 2001)",
        description="Five sets (A-E) of 100 EEG segments, 23.6 s at 173.61 Hz: healthy eyes open/closed, "
        "interictal (two sites) and ictal.",
        license="free for research and teaching with citation (no formal licence)",
        citation="Andrzejak RG et al. Indications of nonlinear deterministic and finite-dimensional structures in "
        "time series of brain electrical activity. Phys. Rev. E 64, 061907 (2001).",
        homepage="https://www.upf.edu/web/ntsa/downloads",
        used_in="A2, F2",
        downloads=(
            Download(
                "https://raw.githubusercontent.com/RYH2077/EEG-Epilepsy-Datasets/"
                "185859ab48bc701c9a10f6bb2b5f76d8e28e4003/Bonn%20EEG%20dataset.zip",
                "f4c2dc52fd5320d4404fcbc6ecb9db69a4a7e408df4e3d5456530343dbcb75ad",
                ARCHIVE,
            ),
        ),
        manual="download Z.zip, O.zip, N.zip, F.zip and S.zip from https://www.upf.edu/web/ntsa/downloads, "
        "repack them as setA.zip ... setE.zip (one folder setX/ each) in the course mirror layout, "
        "or use the course mirror.",
    )
)

# --------------------------------------------------------------------------- loaders

SETS = "ABCDE"
N_SAMPLES = 4097  #: samples per segment (23.6 s at 173.61 Hz)
SEGMENTS_PER_SET = 100
#: the letter the original UPF/Bonn archive used for each set (Z.zip, O.zip, N.zip, F.zip, S.zip)
ORIGINAL_LETTER = {"A": "Z", "B": "O", "C": "N", "D": "F", "E": "S"}
#: Norwegian one-line description of each set
SET_DESCRIPTIONS = {
    "A": "Friske frivillige, overflate-EEG, øynene åpne",
    "B": "Friske frivillige, overflate-EEG, øynene lukket",
    "C": "Epilepsipasienter, anfallsfritt intervall (interiktalt), intrakranielt, "
    "hippocampusformasjonen på motsatt side av den epileptogene sonen",
    "D": "Epilepsipasienter, anfallsfritt intervall (interiktalt), intrakranielt, innenfor den epileptogene sonen",
    "E": "Epilepsipasienter under anfall (iktalt), intrakranielt",
}


def _check_sets(sets: str) -> str:
    sets = "".join(sets)
    if not sets:
        raise ValueError("sets must name at least one of the Bonn sets A-E, e.g. sets='AE'")
    bad = [s for s in sets if s not in SETS]
    if bad:
        raise ValueError(f"unknown Bonn EEG set(s) {bad}; choose letters from {SETS!r} (upper case), e.g. sets='AE'")
    if len(set(sets)) != len(sets):
        raise ValueError(f"sets={sets!r} names a set more than once")
    return sets


def _is_number(line: str) -> bool:
    try:
        float(line) if line.strip() else 0.0
    except ValueError:
        return False
    return True


def _parse_member(raw: bytes, where: str) -> np.ndarray:
    tokens = raw.split()
    try:
        values = np.array(tokens, dtype=np.float64)
    except ValueError:
        lines = raw.decode("latin-1").splitlines()
        lineno, bad = next((i, line.strip()) for i, line in enumerate(lines, start=1) if not _is_number(line))
        raise DataError(f"{where}, line {lineno}: {bad!r} is not a number; expected {N_SAMPLES} integers, one per line") from None
    if values.size != N_SAMPLES:
        raise DataError(f"{where}: has {values.size} samples, expected {N_SAMPLES} (one integer per line)")
    if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
        raise DataError(f"{where}: contains non-integer or non-finite values; expected {N_SAMPLES} integers")
    return values.astype(np.float32)


def read_set(archive: Path, letter: str, *, checksums: dict[str, str] | None = None,
             prefix: str | None = None) -> tuple[np.ndarray, list[str]]:
    """Read one ``setX.zip`` in place (no extraction): ``(X float32 [n, 4097], member names)``.

    Members are the ``setX/*.txt`` files (or those under ``prefix``, e.g. ``A_Z/`` in the downloaded
    archive), matched case-insensitively (set C uses ``.TXT``), in sorted order. With ``checksums``
    (``"setX/name" -> sha256``, as in ``MEMBERS.sha256``) every member is verified and the archive must hold
    exactly the listed members of this set.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise DataError(f"Bonn EEG archive {archive} does not exist")
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise DataError(f"{archive} is not a readable zip file ({exc})") from None
    with zf:
        prefix = prefix or f"set{letter}/"
        names = sorted(
            n for n in zf.namelist() if n.startswith(prefix) and n.lower().endswith(".txt") and not n.endswith("/")
        )
        if not names:
            raise DataError(f"{archive} holds no {prefix}*.txt members; is this the right archive for set {letter}?")
        if checksums is not None:
            expected = sorted(k for k in checksums if k.startswith(prefix))
            missing = sorted(set(expected) - set(names))
            extra = sorted(set(names) - set(expected))
            if missing or extra:
                raise DataError(
                    f"{archive}: members do not match MEMBERS.sha256 "
                    f"(missing: {missing[:3]}{'...' if len(missing) > 3 else ''}, "
                    f"unexpected: {extra[:3]}{'...' if len(extra) > 3 else ''})"
                )
        rows = []
        for name in names:
            raw = zf.read(name)
            where = f"{archive.name}:{name}"
            if checksums is not None:
                actual = hashlib.sha256(raw).hexdigest()
                if actual != checksums[name]:
                    raise ChecksumError(f"{where}: sha256 {actual} does not match MEMBERS.sha256 ({checksums[name]})")
            rows.append(_parse_member(raw, where))
    return np.stack(rows), names


def load(sets: str = SETS, *, root: Path | None = None, verify: bool = True) -> LabeledData:
    """Load Bonn EEG segments straight from the zips as :class:`~dyplab.data.LabeledData`.

    - ``X``: float32 ``[N, 4097]``, raw integer amplitudes (12-bit A/D units), 23.6 s at 173.61 Hz.
    - ``y``: int64 ``[N]``, the index of each segment's set letter in ``sets`` (``sets="AE"``: A → 0, E → 1).
    - ``class_names``: ``list(sets)`` (``y`` indexes it).
    - ``groups``: the recording of each segment (``"A/Z001"``; ``group_kind="recording"``): windows cut from
      one segment must stay on one side of a split.

    Rows come set by set in the order of ``sets``, members sorted by name (``Z001``...``Z100``).
    ``root`` defaults to :func:`dyplab.data.fetch("bonn_eeg")` (cache, course mirror or the
    downloaded archive, read in place). With ``verify`` every member is checked against ``MEMBERS.sha256`` when that file is in
    ``root``.
    """
    sets = _check_sets(sets)
    root = fetch(NAME) if root is None else Path(root)
    checksums = None
    members_file = root / "MEMBERS.sha256"
    if verify and members_file.is_file():
        checksums = parse_sha256sums(members_file.read_text(encoding="utf-8"))
    blocks, labels, recordings = [], [], []
    for k, letter in enumerate(sets):
        if (root / f"set{letter}.zip").is_file() or not (root / ARCHIVE).is_file():
            X, members = read_set(root / f"set{letter}.zip", letter, checksums=checksums)
        else:  # the downloaded archive (verified by its sha256 as a whole)
            X, members = read_set(root / ARCHIVE, letter, prefix=f"{letter}_{ORIGINAL_LETTER[letter]}/")
        blocks.append(X)
        labels.append(np.full(len(X), k, dtype=np.int64))
        recordings += [f"{letter}/{Path(m).stem}" for m in members]
    return LabeledData(np.concatenate(blocks), np.concatenate(labels), list(sets), groups=np.array(recordings),
                       group_kind="recording")


def features(sets: str = "AE", *, root: Path | None = None) -> LabeledData:
    """Two Bonn sets as a feature table (F2): :func:`dyplab.eeg_features.eeg_features` of every segment.

    ``X`` is a DataFrame (one row per segment, the named band-power and signal features), ``y`` and ``groups``
    as in :func:`load`, class names ``"sett A"``, ``"sett E"`` ... .
    """
    from ..eeg_features import eeg_features

    if len(sets) != 2:
        raise ValueError(f"give two Bonn sets for a binary task, e.g. 'AE'; got {sets!r}")
    eeg = load(sets, root=root)
    return LabeledData(eeg_features(eeg.X, SAMPLING_RATE_HZ), eeg.y, [f"sett {s}" for s in eeg.class_names],
                       groups=eeg.groups, group_kind=eeg.group_kind)


def segments(X: np.ndarray, length: int, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cut each row of ``X`` [N, T] into windows ``[M, length]``; also return each window's source row.

    ``step`` defaults to ``length`` (no overlap). The second array (int64 ``[M]``) is the row of ``X``
    every window came from: use it as the *group* so that windows of one recording never end up in
    both training and test data (see :func:`windowed_split`).
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D [segments, samples], got shape {X.shape}")
    step = length if step is None else step
    if length < 1 or step < 1:
        raise ValueError(f"length and step must be positive, got length={length}, step={step}")
    if length > X.shape[1]:
        raise ValueError(f"window length {length} is longer than the segments ({X.shape[1]} samples)")
    starts = np.arange(0, X.shape[1] - length + 1, step)
    windows = np.lib.stride_tricks.sliding_window_view(X, length, axis=1)[:, starts]  # [N, k, length]
    source = np.repeat(np.arange(len(X), dtype=np.int64), len(starts))
    return np.ascontiguousarray(windows.reshape(-1, length)), source


def windowed_split(
    data: LabeledData,
    *,
    length: int,
    step: int | None = None,
    test_size: float = 0.25,
    val_size: float = 0.15,
    seed: int = 42,
) -> LabeledSplit:
    """Split whole segments of ``data`` (stratified by ``y``) into train/val/test FIRST, then cut windows.

    This is a group split: all windows of one 23.6 s recording are on the same side, so the test
    score is not inflated by near-identical neighbouring windows. ``val_size`` and ``test_size`` are
    fractions of the segments. Each part's ``groups`` is the source segment (row of ``data``) of every
    window (``group_kind="segment"``), its ``meta["recording"]`` the recording name when ``data`` has groups.
    """
    from ..splits import train_val_test

    if not isinstance(data, LabeledData):
        raise TypeError(f"windowed_split takes LabeledData (e.g. bonn_eeg.load('AE')), got {type(data).__name__}")
    X = np.asarray(data.X)
    split = train_val_test(data.y, val_size=val_size, test_size=test_size, seed=seed).sorted()
    parts = []
    for rows in split:
        W, src = segments(X[rows], length, step)
        meta = None if data.groups is None else pd.DataFrame({"recording": data.groups[rows][src]})
        parts.append(LabeledData(W, data.y[rows][src], data.class_names, groups=rows[src], group_kind="segment",
                                 meta=meta))
    return LabeledSplit(*parts)
