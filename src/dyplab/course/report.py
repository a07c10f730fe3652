"""The course report ``reports/index.html``: one static page showing that the whole lab runs.

- :func:`update` is called by ``dyplab run`` after every run: it remembers each notebook's latest status,
  time, profile and date in ``reports/runs.json``, makes the executed notebooks' HTML render formulas offline
  (:func:`localize_mathjax`) and rewrites the page (:func:`write_index`).
- :func:`export_html` (:mod:`dyplab.course.offline_html`) writes an executed notebook's HTML that loads nothing
  from the internet: MathJax from a local copy, no require.js, no mermaid and no widget manager.
- :func:`record_benchmark` is called by each ``benchmarks/*.py`` with its final numbers; they are appended to
  ``reports/benchmarks.jsonl`` and shown in the page's second table.

The page is the teacher's overview. Per notebook: the headline numbers from ``results/<id>/summary.json``
(:func:`dyplab.results.load`) with Norwegian labels and their 95 % intervals (:mod:`dyplab.course.labels`); the
documented reference beside each (``references.toml``, :func:`load_references`); which validation targets the
recorded run meets (``tests/notebook_targets``, :func:`dyplab.course.catalog.check_targets`); for test numbers, how
often the test split was evaluated before (the test-set ledger). Above the table: the summary of ``dyplab grade``
when there is one, and one figure of dyplab's results against the references. No number is typed by hand. The page
needs no server and no internet: plain HTML and CSS, the figure as a data URI, relative links.

``python -m dyplab.course.report`` rewrites the page from the current ``reports/`` and ``results/``.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import results
from ..io import write_text as _write
from .offline_html import export_html, localize_mathjax, outside_references  # noqa: F401 - report.export_html stays

RUNS = "runs.json"
BENCHMARKS = "benchmarks.jsonl"
INDEX = "index.html"


def reports_dir() -> Path:
    """``DYPLAB_REPORTS_DIR`` or ``./reports`` (where ``dyplab run`` and ``make bench`` write)."""
    return Path(os.environ.get("DYPLAB_REPORTS_DIR", "reports"))


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


# --------------------------------------------------------------------------- records


def load_runs(output_dir: str | Path) -> dict[str, dict]:
    """The latest run of every notebook recorded in ``output_dir/runs.json`` (empty when there is none)."""
    path = Path(output_dir) / RUNS
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError, ValueError) as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); delete it, the next dyplab run writes it again") from exc


def record_runs(run_results: Iterable[Any], output_dir: str | Path, profile: str) -> dict[str, dict]:
    """Merge ``runner.RunResult``s into ``runs.json`` (a notebook's newer run replaces its older one)."""
    output_dir = Path(output_dir)
    runs = load_runs(output_dir)
    for r in run_results:
        runs[r.notebook] = {
            "status": r.status, "seconds": round(float(r.seconds), 1), "profile": profile, "date": _now(),
            "html": Path(r.html).name if r.html else None, "error": r.error or "",
        }
    _write(output_dir / RUNS, json.dumps(runs, indent=2, ensure_ascii=False))
    return runs


def record_benchmark(name: str, output_dir: str | Path | None = None, **values: Any) -> Path:
    """Append one benchmark's final numbers (plain values) to ``benchmarks.jsonl`` and rewrite the page."""
    output_dir = Path(output_dir) if output_dir is not None else reports_dir()
    row = {"benchmark": str(name), "date": _now(), **{k: results._plain(v, k) for k, v in values.items()}}
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(output_dir / BENCHMARKS, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    write_index(output_dir)
    return output_dir / BENCHMARKS


def comparison_line(name: str, dyplab_row: dict, original_row: dict | None, *, test_split_of: str,
                    acc_key: str = "test_acc", output_dir: str | Path | None = None) -> str:
    """Print and record a comparison benchmark's last line: ``ratio_time=.. acc_dyplab=.. acc_original=..``.

    Each row holds ``wall_s`` and ``acc_key``; without an original run the ratio and its accuracy are NaN.
    The accuracies are measured on the test split of notebook ``test_split_of``, so the run is also a look in
    the test-set ledger (:func:`dyplab.course.ledger.record_look`; written from a git checkout only).
    """
    from . import ledger

    ratio = dyplab_row["wall_s"] / original_row["wall_s"] if original_row else float("nan")
    acc_orig = original_row[acc_key] if original_row else float("nan")
    line = f"ratio_time={ratio:.3f} acc_dyplab={dyplab_row[acc_key]:.4f} acc_original={acc_orig:.4f}"
    print(line, flush=True)
    record_benchmark(name, output_dir, ratio_time=ratio, acc_dyplab=dyplab_row[acc_key], acc_original=acc_orig)
    ledger.start_run()
    ledger.record_look(test_split_of, {"test_acc_dyplab": dyplab_row[acc_key], "test_acc_original": acc_orig},
                       profile="full", recipe=f"benchmarks/{name}.py",
                       why="benchmark: dyplabs oppskrift mot den gamle på samme testdel")
    return line


def format_run(row: dict) -> str:
    """One benchmark run on one line: model, test accuracy, wall time, parameters, epochs (and the best one),
    and the arithmetic precision when the row has one."""
    precision = f" precision={row['precision']}" if "precision" in row else ""
    return (f"{row['model']:<9} test_acc={row['test_acc']:.4f} wall_s={row['wall_s']:.1f} params={row['params']:,} "
            f"epochs={row['epochs']} (best {row['best_epoch']}){precision}")


def load_benchmarks(output_dir: str | Path) -> dict[str, dict]:
    """The latest line of every benchmark in ``benchmarks.jsonl``; a damaged line is skipped and named."""
    path = Path(output_dir) / BENCHMARKS
    latest: dict[str, dict] = {}
    if not path.is_file():
        return latest
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            latest[str(row["benchmark"])] = row
        except (json.JSONDecodeError, KeyError, TypeError):
            latest[f"{path.name}:{i}"] = {"benchmark": f"{path.name} linje {i}", "feil": "ugyldig JSON-linje"}
    return latest


# --------------------------------------------------------------------------- what the page shows

REFERENCES = Path(__file__).with_name("references.toml")
GRADING = Path("grading") / "karakterer.json"
_REFERENCE_FIELDS = ("notebook", "metric", "value", "what", "source")


@dataclass(frozen=True)
class Reference:
    """A documented number to compare a notebook's recorded ``metric`` with: ``value``, ``what`` it is, ``source``."""

    notebook: str
    metric: str
    value: float
    what: str
    source: str


def load_references(path: str | Path | None = None) -> tuple[dict[str, list[Reference]], dict[str, str]]:
    """The references per notebook (in file order) and the notes for notebooks without one, from ``references.toml``.

    A malformed entry raises ``ValueError`` naming the file, the entry and the problem.
    """
    import tomllib

    path = Path(path) if path is not None else REFERENCES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML ({exc})") from exc
    refs: dict[str, list[Reference]] = {}
    for i, entry in enumerate(data.get("reference", []), start=1):
        missing = [f for f in _REFERENCE_FIELDS if f not in entry]
        if missing:
            raise ValueError(f"{path}: reference {i} lacks {', '.join(missing)} (each needs {', '.join(_REFERENCE_FIELDS)})")
        value = entry["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{path}: reference {i} ({entry['notebook']} {entry['metric']}): value must be a number")
        ref = Reference(str(entry["notebook"]), str(entry["metric"]), float(value), str(entry["what"]),
                        str(entry["source"]))
        refs.setdefault(ref.notebook, []).append(ref)
    notes = {str(k): str(v) for k, v in data.get("notes", {}).items()}
    return refs, notes


def targets_dir() -> Path | None:
    """``tests/notebook_targets`` of the source checkout (from the working folder or this package), if there is one."""
    here = Path.cwd().resolve()
    for base in (here, *here.parents, Path(__file__).resolve().parents[3]):
        cand = base / "tests" / "notebook_targets"
        if cand.is_dir():
            return cand
    return None


@dataclass
class TargetStatus:
    """The validation targets of one notebook for the profile of its recorded run (see ``catalog.check_targets``)."""

    profile: str
    bounds: dict[str, tuple[float, float]]
    missed: dict[str, str]  # metric → problem line
    problems: list[str]  # lines about the notebook as a whole (no targets for the profile, no summary, ...)

    @property
    def met(self) -> int:
        return len(self.bounds) - len(self.missed)


def target_status(nb: str, results_root: Path, targets: Path, profile: str) -> TargetStatus | None:
    """Which of ``nb``'s targets in ``targets/<nb>.json`` the recorded run meets (``None`` without a targets file).

    The verdict is :func:`dyplab.course.catalog.check_targets`'s; its lines are matched to the metrics they name.
    """
    from . import catalog

    file = targets / f"{nb}.json"
    if not file.is_file():
        return None
    try:
        bounds = {k: (float(v[0]), float(v[1]))
                  for k, v in json.loads(file.read_text(encoding="utf-8")).get(profile, {}).items()}
    except (json.JSONDecodeError, TypeError, ValueError, IndexError, AttributeError) as exc:
        return TargetStatus(profile, {}, {}, [f"{file}: kan ikke leses ({exc})"])
    missed, problems = {}, []
    for line in catalog.check_targets(nb, results_root, targets, profile):
        metric = next((m for m in bounds if line.startswith(f"{nb}: {m} = ") or f"metric {m!r} was not" in line), None)
        if metric is None:
            problems.append(line)
        else:
            missed[metric] = line
    return TargetStatus(profile, bounds, missed, problems)


def earlier_looks(nb: str, summary: dict) -> list | None:
    """The ledger's evaluations of ``nb``'s test split before the recorded run (its own row not counted).

    ``None`` when the ledger cannot be read.
    """
    from . import ledger

    try:
        rows = ledger.read()
    except (OSError, ValueError):
        return None
    recorded = str(summary.get("recorded", "9999"))
    before = [r for r in rows if r.notebook == nb and r.date < recorded]
    own = ledger._format_result(summary.get("metrics", {}))
    if before and own and before[-1].result == own and summary.get("profile") in ledger.LOGGED_PROFILES:
        before = before[:-1]
    return before


def load_grading(results_root: Path) -> tuple[dict | None, str]:
    """The summary ``dyplab grade`` wrote (``<results>/grading/karakterer.json``) and a problem text ('' if none).

    Uses :func:`dyplab.course.grade.load_summary` when that module is there, else reads the file itself.
    """
    path = results_root / GRADING
    try:
        from . import grade
    except ImportError:
        grade = None
    try:
        if grade is not None and hasattr(grade, "load_summary"):
            data = grade.load_summary(path)
        elif not path.is_file():
            data = None
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"{path}: kan ikke leses ({exc})"
    if data is None:
        return None, ""
    if not isinstance(data, dict) or not isinstance(data.get("notebooks", {}), dict):
        return None, f"{path}: mangler «notebooks» som oppslag notebook → oppgave → {{passed, total}}"
    return data, ""


def _figure_rows(ids: list[str], summaries: dict[str, dict], refs: dict[str, list[Reference]]) -> list[tuple]:
    """Per notebook the first reference whose metric was recorded: (label, value, interval or None, reference)."""
    from . import labels

    rows = []
    for nb in ids:
        metrics = summaries.get(nb, {}).get("metrics", {})
        for ref in refs.get(nb, []):
            value = metrics.get(ref.metric)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                interval = labels.interval_of(ref.metric, metrics)
                sd = labels.spread_of(ref.metric, metrics)
                if interval is None and sd is not None:
                    interval = (value - sd, value + sd)
                rows.append((f"{nb}: {labels.label(ref.metric)}", float(value), interval, ref))
                break
    return rows


def figure(rows: list[tuple]) -> str:
    """A PNG data URI: per notebook, dyplab's result (with its interval) against the reference. '' without rows."""
    if not rows:
        return ""
    import base64
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 0.32 * len(rows) + 1.9), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(rows)))[::-1]
    for y, (_, value, interval, ref) in zip(ys, rows):
        err = [[value - interval[0]], [interval[1] - value]] if interval else None
        ax.errorbar(value, y, xerr=err, fmt="o", color="tab:blue", capsize=3,
                    label="dyplab (med 95 % KI eller sd)" if y == ys[0] else None)
        ax.plot(ref.value, y, marker="D", linestyle="none", color="tab:orange",
                label="referanse" if y == ys[0] else None)
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=8)
    ax.set_xlim(max(0.0, min(min(r[1] for r in rows), min(r[3].value for r in rows)) - 0.1), 1.0)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("dyplab mot referansen, én per notebook")
    ax.set_xlabel("verdi (nøyaktighet som andel, ROC AUC eller F1; 1 er best)")
    ax.set_ylabel("notebook og mål")
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- the page


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _notebook_names() -> dict[str, str]:
    from . import catalog

    try:
        folder = catalog.notebooks_dir()
    except FileNotFoundError:
        return {}
    ordered = sorted(folder.glob("*.ipynb"), key=lambda p: catalog.sort_key(catalog.notebook_id(p)))
    return {catalog.notebook_id(p): p.stem for p in ordered}


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1500px}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:.35em .6em;text-align:left;vertical-align:top;font-size:.92em}
th{background:#f0f0f0} tr.failed td{background:#fde8e8} tr.never td.run{color:#888}
span.ok,.met{color:#176b2c;font-weight:600}span.failed,.missed{color:#b00020;font-weight:600}
.metric{display:block;margin:.1em 0} .metric b{white-space:nowrap} td.num{text-align:right} .test{color:#5a3d99}
small,.note{color:#666} details summary{cursor:pointer;color:#345} ul{margin:.2em 0;padding-left:1.2em}
figure{margin:1em 0} figure img{max-width:100%;border:1px solid #ddd}
"""


def _metric_span(nb: str, key: str, metrics: dict, e=html.escape) -> str:
    from . import labels
    from . import ledger as _ledger

    test = _ledger.is_test_metric(key)
    tag = ' <small class="test">testdel</small>' if test else ""
    return (f'<span class="metric{" test-metric" if test else ""}" data-notebook="{e(nb)}" data-metric="{e(key)}" '
            f'data-value="{e(json.dumps(metrics[key]))}" title="{e(key)}">{e(labels.label(key))}: '
            f"<b>{e(labels.format_estimate(key, metrics))}</b>{tag}</span>")


def _numbers_cell(nb: str, summary: dict, refs: list[Reference]) -> str:
    """Headline numbers (and every other number under «Alle tall»), labelled, with intervals."""
    from . import labels

    e = html.escape
    metrics = summary.get("metrics", {})
    shown = [k for k in metrics if not labels.is_part(k, metrics)]
    ref_keys = {r.metric for r in refs}
    head = [k for k in shown if labels.is_headline(k) or k in ref_keys] or shown[:3]
    rest = [k for k in shown if k not in head]
    cell = "".join(_metric_span(nb, k, metrics) for k in head)
    if rest:
        cell += (f"<details><summary>Alle tall ({len(rest)} til)</summary>"
                 + "".join(_metric_span(nb, k, metrics) for k in rest) + "</details>")
    cell += f"<small>registrert {e(str(summary.get('recorded', '?')))} ({e(str(summary.get('profile', '?')))})</small>"
    return cell


def _looks_line(nb: str, summary: dict) -> str:
    from . import ledger

    if not any(ledger.is_test_metric(k) for k in summary.get("metrics", {})):
        return ""
    looks = earlier_looks(nb, summary)
    if looks is None:
        return '<p class="looks note">Testsett-loggen kunne ikke leses.</p>'
    n = len(looks)
    times = "aldri" if n == 0 else "én gang" if n == 1 else f"{n} ganger"
    return (f'<p class="looks note" data-looks="{n}">Testtall er anslag, ikke bestått/ikke bestått. Testsett-loggen: '
            f"testsettet ble evaluert {times} før denne kjøringen.</p>")


def _reference_cell(nb: str, summary: dict, refs: list[Reference], note: str) -> str:
    from . import labels

    e = html.escape
    if not refs:
        return f'<span class="no-reference">Ingen dokumentert referanse.</span> <small>{e(note)}</small>'
    metrics = summary.get("metrics", {})
    items = []
    for r in refs:
        ours = metrics.get(r.metric)
        ours_text = labels.format_value(r.metric, ours) if ours is not None else "ikke registrert"
        items.append(f'<li class="reference" data-metric="{e(r.metric)}" data-reference="{r.value!r}">'
                     f"{e(labels.label(r.metric))}: <b>{e(labels.format_value(r.metric, r.value))}</b> "
                     f"(dyplab {e(ours_text)}) – {e(r.what)}. <small class=\"source\">Kilde: {e(r.source)}</small></li>")
    return "<ul>" + "".join(items) + "</ul>"


def _targets_cell(status: TargetStatus | None, has_summary: bool) -> str:
    from . import labels

    e = html.escape
    if status is None:
        return '<span class="note">ingen målfil</span>' if has_summary else ""
    if not has_summary:
        return ""
    if not status.bounds:
        return "".join(f'<small class="note">{e(p)}</small>' for p in status.problems) or \
            f'<span class="note">ingen mål for profilen {e(status.profile)}</span>'
    items = []
    for metric, (lo, hi) in status.bounds.items():
        ok = metric not in status.missed
        items.append(f'<li class="target {"met" if ok else "missed"}" data-metric="{e(metric)}" '
                     f'data-met="{str(ok).lower()}">{"✓" if ok else "✗"} {e(labels.label(metric))} i '
                     f"[{e(labels.format_value(metric, lo))}; {e(labels.format_value(metric, hi))}]"
                     + ("" if ok else f"<br><small>{e(status.missed[metric])}</small>") + "</li>")
    verdict = f'<b class="{"met" if not status.missed else "missed"}">{status.met} av {len(status.bounds)} nådd</b>'
    extra = "".join(f'<br><small class="note">{e(p)}</small>' for p in status.problems)
    return f"{verdict} <small>({e(status.profile)})</small><ul>{''.join(items)}</ul>{extra}"


def _grading_section(results_root: Path, output_dir: Path) -> str:
    e = html.escape
    data, problem = load_grading(results_root)
    if problem:
        return f'<section id="grading"><h2>Retting (<code>dyplab grade</code>)</h2><p class="missed">{e(problem)}</p></section>'
    if data is None:
        return ('<section id="grading"><h2>Retting (<code>dyplab grade</code>)</h2><p class="note">Ingen retting ennå: '
                "kjør <code>dyplab grade INNLEVERINGER/</code>.</p></section>")
    rows = []
    for nb, exercises in data.get("notebooks", {}).items():
        for ex, counts in (exercises or {}).items():
            passed, total = int(counts.get("passed", 0)), int(counts.get("total", 0))
            share = f"{100 * passed / total:.0f} %" if total else "–"
            rows.append(f'<tr data-notebook="{e(nb)}" data-exercise="{e(ex)}"><td>{e(nb)}</td><td>{e(ex)}</td>'
                        f'<td class="num">{passed}</td><td class="num">{total}</td><td class="num">{share}</td></tr>')
    problems = data.get("problems") or []
    plist = "".join(f"<li>{e(_problem_text(p))}</li>" for p in problems)
    files = [(results_root / GRADING).with_name(n) for n in ("karakterer.html", "karakterer.csv")]
    links = " ".join(f'<a href="{quote(os.path.relpath(f, output_dir).replace(os.sep, "/"))}">{e(f.name)}</a>'
                     for f in files if f.is_file())
    return f"""<section id="grading"><h2>Retting (<code>dyplab grade</code>)</h2>
<p>{e(str(data.get("submissions", "?")))} innleveringer. Per oppgave: hvor mange besto. {links}</p>
<table id="grading-table"><thead><tr><th>Notebook</th><th>Oppgave</th><th>Bestått</th><th>Av</th><th>Andel</th></tr></thead>
<tbody>{"".join(rows) or '<tr><td colspan="5">Ingen oppgaver i oppsummeringen.</td></tr>'}</tbody></table>
{f'<h3>Problemer ({len(problems)})</h3><ul id="grading-problems">{plist}</ul>' if problems else ''}</section>"""


def _problem_text(p: Any) -> str:
    """One problem of ``dyplab grade``: ``student (notebook, file): kind – message`` or the fields it has."""
    if not isinstance(p, dict):
        return str(p)
    if {"student", "message"} <= set(p):
        where = ", ".join(str(p[k]) for k in ("notebook", "file") if p.get(k))
        kind = f"{p['kind']} – " if p.get("kind") else ""
        return f"{p['student']}" + (f" ({where})" if where else "") + f": {kind}{p['message']}"
    return ", ".join(f"{k}: {v}" for k, v in p.items())


def render(output_dir: str | Path, results_root: str | Path | None = None, targets: str | Path | None = None) -> str:
    """The HTML of the report for ``output_dir`` (runs and benchmarks), ``results_root`` (metrics, grading) and
    ``targets`` (the validation targets; default :func:`targets_dir`)."""
    output_dir = Path(output_dir)
    root = Path(results_root) if results_root is not None else Path(os.environ.get("DYPLAB_RESULTS_DIR", "results"))
    targets = Path(targets) if targets is not None else targets_dir()
    runs = load_runs(output_dir)
    names = _notebook_names()
    ids = list(names) + [i for i in runs if i not in names]
    refs, notes = load_references()
    summaries = {nb: results.load(nb, root=root) or {} for nb in ids}
    e = html.escape
    rows = []
    for nb in ids:
        run = runs.get(nb)
        summary = summaries[nb]
        numbers = _numbers_cell(nb, summary, refs.get(nb, [])) + _looks_line(nb, summary) if summary else ""
        reference = _reference_cell(nb, summary, refs.get(nb, []), notes.get(nb, ""))
        status = target_status(nb, root, targets, str(summary.get("profile", ""))) if targets and summary else None
        goals = _targets_cell(status, bool(summary)) if targets else (
            '<span class="note">målfilene (tests/notebook_targets) finnes bare i en git-kopi</span>' if summary else "")
        link = ""
        if run and run.get("html") and (output_dir / run["html"]).is_file():
            link = f'<a href="{quote(run["html"])}">{e(run["html"])}</a>'
        name = f"<b>{e(nb)}</b><br><small>{e(names.get(nb, nb))}</small>"
        if run:
            state = f'<span class="{"ok" if run["status"] == "ok" else "failed"}">{e(run["status"])}</span>'
            if run.get("error"):
                state += f"<br><small>{e(run['error'])}</small>"
            state += f"<br><small>{run['seconds']:.1f} s · {e(run['profile'])} · {e(run['date'])}</small>"
            tr = "" if run["status"] == "ok" else ' class="failed"'
        else:
            state, tr = "ikke kjørt med <code>dyplab run</code> hit", ' class="never"'
        rows.append(f'<tr{tr} data-notebook="{e(nb)}"><td>{name}</td><td class="run">{state}</td><td>{numbers}</td>'
                    f"<td>{reference}</td><td>{goals}</td><td>{link}</td></tr>")
    fig_rows = _figure_rows(ids, summaries, refs)
    uri = figure(fig_rows)
    fig_html = (f'<figure id="comparison"><img src="{uri}" alt="dyplab mot referansen, én per notebook: '
                + e("; ".join(f"{r[0]}" for r in fig_rows))
                + '"><figcaption>Blå: dyplabs siste registrerte resultat med 95 % KI (eller sd over frø). '
                "Oransje: referansen i tabellen under. Tallene står i tabellen.</figcaption></figure>"
                if uri else '<p class="note">Ingen figur ennå: ingen notebook med referanse har lagret sitt resultat.</p>')
    bench = load_benchmarks(output_dir)
    brows = []
    for name, row in sorted(bench.items()):
        values = "".join(f'<span class="metric" data-benchmark="{e(name)}" data-metric="{e(k)}" '
                         f'data-value="{e(json.dumps(v))}">{e(k)} = {e(_fmt(v))}</span>'
                         for k, v in row.items() if k not in ("benchmark", "date"))
        brows.append(f'<tr data-benchmark="{e(name)}"><td>{e(row.get("benchmark", name))}</td><td>{e(row.get("date", ""))}</td>'
                     f"<td>{values}</td></tr>")
    ok = sum(1 for r in runs.values() if r["status"] == "ok")
    failed = sum(1 for r in runs.values() if r["status"] != "ok")
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>dyplab: kursrapport</title><style>{_CSS}</style></head>
<body>
<h1>dyplab: kursrapport</h1>
<p>Siste kjøring av hver notebook med <code>dyplab run</code>: {ok} ok, {failed} feil, {len(ids) - len(runs)} ikke kjørt.
Tallene kommer fra <code>results/&lt;id&gt;/summary.json</code> (skrevet av notebookene selv), med 95 % KI der
notebooken har regnet det ut. Målene gjelder validering, kryssvalidering og fornuftssjekker; testtall er anslag og
vises med hvor mange ganger testsettet er evaluert før (testsett-loggen). Oppdatert {e(_now())}.</p>
{_grading_section(root, output_dir)}
<h2>Resultat mot referanse</h2>
{fig_html}
<h2>Notebookene</h2>
<table id="notebooks">
<thead><tr><th>Notebook</th><th>Siste kjøring</th><th>Hovedtall</th><th>Referanse</th><th>Valideringsmål</th>
<th>Kjørt notebook</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Sammenligninger (<code>make bench</code>)</h2>
<table id="benchmarks">
<thead><tr><th>Sammenligning</th><th>Dato</th><th>Resultat</th></tr></thead>
<tbody>
{chr(10).join(brows) if brows else '<tr><td colspan="3">Ingen ennå: kjør <code>make bench</code>.</td></tr>'}
</tbody></table>
</body></html>
"""


def write_index(output_dir: str | Path | None = None, results_root: str | Path | None = None) -> Path:
    """Write ``output_dir/index.html`` (see :func:`render`); returns its path."""
    output_dir = Path(output_dir) if output_dir is not None else reports_dir()
    path = output_dir / INDEX
    _write(path, render(output_dir, results_root))
    return path


def update(run_results: Iterable[Any], *, output_dir: str | Path, profile: str,
           results_root: str | Path | None = None, echo=print) -> Path | None:
    """After ``dyplab run``: record the runs, make their HTML render formulas offline, rewrite ``index.html``.

    A problem with the report is printed, never raised: the notebooks' own results matter more.
    """
    run_results = list(run_results)
    try:
        record_runs(run_results, output_dir, profile)
        for r in run_results:
            if r.html and Path(r.html).is_file():
                localize_mathjax(r.html, output_dir)
                outside = outside_references(Path(r.html).read_text(encoding="utf-8"))
                if outside:
                    echo(f"Merk: {Path(r.html).name} henter fortsatt fra nettet: {', '.join(sorted(set(outside)))}")
        path = write_index(output_dir, results_root)
    except (OSError, ValueError) as exc:
        echo(f"Kunne ikke oppdatere kursrapporten i {output_dir}: {exc}")
        return None
    echo(f"Kursrapport: {path}")
    return path



def main(argv: list[str] | None = None) -> int:
    """``python -m dyplab.course.report [--output reports] [--results results]``: rewrite the page, print its path."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m dyplab.course.report", description="Skriv kursrapporten på nytt.")
    p.add_argument("--output", type=Path, default=None, help="reports folder (default: DYPLAB_REPORTS_DIR or reports)")
    p.add_argument("--results", type=Path, default=None, help="results folder (default: results)")
    args = p.parse_args(argv)
    print(write_index(args.output, args.results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
