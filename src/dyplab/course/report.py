"""The course report ``reports/index.html``: one static page showing that the whole lab runs.

- :func:`update` is called by ``dyplab run`` after every run: it remembers each notebook's latest status,
  time, profile and date in ``reports/runs.json``, makes the executed notebooks' HTML render formulas offline
  (:func:`localize_mathjax`) and rewrites the page (:func:`write_index`).
- :func:`export_html` writes an executed notebook's HTML that loads nothing from the internet: MathJax from a
  local copy, no require.js, no mermaid and no widget manager (a widget is shown as the output it produced).
- :func:`record_benchmark` is called by each ``benchmarks/*.py`` with its final numbers; they are appended to
  ``reports/benchmarks.jsonl`` and shown in the page's second table.

The headline metrics come from ``results/<id>/summary.json`` (:func:`dyplab.results.load`); no number is typed
by hand. The page needs no server and no internet: plain HTML and CSS, relative links.
"""

from __future__ import annotations

import copy
import datetime as _dt
import html
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import results

RUNS = "runs.json"
BENCHMARKS = "benchmarks.jsonl"
INDEX = "index.html"
MATHJAX_DIR = "mathjax"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
_MATHJAX_SRC = re.compile(r'src="https?://[^"]*mathjax[^"]*"', re.IGNORECASE)


def reports_dir() -> Path:
    """``DYPLAB_REPORTS_DIR`` or ``./reports`` (where ``dyplab run`` and ``make bench`` write)."""
    return Path(os.environ.get("DYPLAB_REPORTS_DIR", "reports"))


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def _write(path: Path, text: str) -> None:
    from ..io import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    if not write_atomic(path, lambda fh: fh.write(text.encode("utf-8"))):
        raise OSError(f"could not write {path}; check that the folder is writable")


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


# --------------------------------------------------------------------------- MathJax offline


def mathjax_source() -> Path | None:
    """The MathJax 2 copy shipped by the ``jupyter-server-mathjax`` package, or ``None`` when it is not installed."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        return None
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    return static if (static / "MathJax.js").is_file() else None


def localize_mathjax(html_file: str | Path, output_dir: str | Path | None = None) -> bool:
    """Point an nbconvert HTML file at a local MathJax copy in ``output_dir/mathjax`` (copied once).

    Returns ``True`` when the file now loads MathJax locally; ``False`` (file unchanged) when no local copy
    is available, so the formulas still render online.
    """
    html_file = Path(html_file)
    output_dir = Path(output_dir) if output_dir is not None else html_file.parent
    source = mathjax_source()
    if source is None:
        return False
    target = output_dir / MATHJAX_DIR
    if not (target / "MathJax.js").is_file():
        shutil.copytree(source, target, dirs_exist_ok=True)
    text = html_file.read_text(encoding="utf-8")
    rel = os.path.relpath(target / "MathJax.js", html_file.parent).replace(os.sep, "/")
    new, n = _MATHJAX_SRC.subn(f'src="{quote(rel)}?config={MATHJAX_CONFIG}"', text)
    if n:
        _write(html_file, new)
    return n > 0 or f"{MATHJAX_DIR}/MathJax.js" in text


# --------------------------------------------------------------------------- HTML without outside scripts

# nbconvert's lab template, less the three things it fetches from a CDN: require.js (only widgets and old
# JavaScript outputs use it), the mermaid loader (no course notebook draws a mermaid diagram; one would show as
# its text) and the widget manager (see static_widgets). MathJax is pointed at a local copy by localize_mathjax.
_OFFLINE_TEMPLATE = "dyplab-offline.html.j2"
_OFFLINE_TEMPLATE_TEXT = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_WIDGET_NOTE = ("<p><em>Interaktiv figur, vist med startverdiene. Åpne notatboken i Jupyter for å bruke "
                "glidebryterne.</em></p>")


def export_html(nb: Any, path: str | Path) -> Path:
    """Write ``nb`` (an executed notebook) as HTML to ``path`` that needs no internet (see the module docstring).

    The notebook itself is not changed.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    path = Path(path)
    exporter = HTMLExporter(extra_loaders=[DictLoader({_OFFLINE_TEMPLATE: _OFFLINE_TEMPLATE_TEXT})],
                            template_file=_OFFLINE_TEMPLATE)
    body, _ = exporter.from_notebook_node(static_widgets(nb))
    _write(path, body)
    localize_mathjax(path)
    return path


def static_widgets(nb: Any) -> Any:
    """A copy of ``nb`` where each widget output is replaced by what its output widgets showed (e.g. the figure of
    an ``interact`` at its start values) and a note, and without the widget state (which needs a widget manager)."""
    nb = copy.deepcopy(nb)
    state = nb.get("metadata", {}).pop("widgets", {}).get(_WIDGET_STATE, {}).get("state", {})
    for cell in nb.get("cells", []):
        if "outputs" not in cell:
            continue
        outputs = []
        for out in cell["outputs"]:
            view = out.get("data", {}).get(_WIDGET_VIEW)
            if view is None:
                outputs.append(out)
                continue
            shown = _widget_outputs(state, view.get("model_id", ""))
            outputs += [*shown, {"output_type": "display_data", "metadata": {}, "data": {"text/html": _WIDGET_NOTE}}]
        cell["outputs"] = outputs
    return nb


def _widget_outputs(state: dict, model_id: str, seen: set | None = None) -> list:
    """The outputs recorded by the output widgets in ``model_id``'s widget tree (children first to last)."""
    seen = set() if seen is None else seen
    model = state.get(model_id)
    if model is None or model_id in seen:
        return []
    seen.add(model_id)
    found = list(model.get("state", {}).get("outputs", []))
    for child in model.get("state", {}).get("children", []):
        found += _widget_outputs(state, str(child).removeprefix("IPY_MODEL_"), seen)
    return found


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"<link\b([^>]*)>", re.IGNORECASE)
_URL_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.IGNORECASE)
_URL_IN_CODE = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)


def outside_references(page: str) -> list[str]:
    """The addresses on other machines that ``page`` would load: a script's or a stylesheet link's ``src``/``href``,
    an address in a script's code (e.g. a dynamic ``import("https://...")``) and a CSS ``@import``. Plain links
    (``<a href>``) and addresses in comments of style sheets are not loaded, and not listed."""
    found = []
    for attrs, code in _SCRIPT.findall(page):
        found += _URL_ATTR.findall(attrs) + _URL_IN_CODE.findall(code)
    for attrs in _LINK.findall(page):
        found += _URL_ATTR.findall(attrs)
    found += _CSS_IMPORT.findall(page)
    return found


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
    from . import runner

    try:
        folder = runner.notebooks_dir()
    except FileNotFoundError:
        return {}
    ordered = sorted(folder.glob("*.ipynb"), key=lambda p: runner._sort_key(runner.notebook_id(p)))
    return {runner.notebook_id(p): p.stem for p in ordered}


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:1em 0;width:100%}
th,td{border:1px solid #ccc;padding:.35em .6em;text-align:left;vertical-align:top;font-size:.92em}
th{background:#f0f0f0} tr.failed td{background:#fde8e8} tr.never td{color:#888}
span.ok{color:#176b2c;font-weight:600}span.failed{color:#b00020;font-weight:600}
.metric{display:inline-block;margin-right:1em;white-space:nowrap} td.num{text-align:right}
small{color:#666}
"""


def render(output_dir: str | Path, results_root: str | Path | None = None) -> str:
    """The HTML of the report for ``output_dir`` (runs and benchmarks) and ``results_root`` (metrics)."""
    output_dir = Path(output_dir)
    root = Path(results_root) if results_root is not None else Path("results")
    runs = load_runs(output_dir)
    names = _notebook_names()
    ids = list(names) + [i for i in runs if i not in names]
    e = html.escape
    rows = []
    for nb in ids:
        run = runs.get(nb)
        summary = results.load(nb, root=root) or {}
        metrics = summary.get("metrics", {})
        cells = "".join(
            f'<span class="metric" data-notebook="{e(nb)}" data-metric="{e(k)}" data-value="{e(json.dumps(v))}">'
            f"{e(k)} = {e(_fmt(v))}</span>" for k, v in metrics.items())
        if summary:
            cells += f"<br><small>registrert {e(summary.get('recorded', '?'))} ({e(summary.get('profile', '?'))})</small>"
        link = ""
        if run and run.get("html") and (output_dir / run["html"]).is_file():
            link = f'<a href="{quote(run["html"])}">{e(run["html"])}</a>'
        if run:
            status = f'<span class="{"ok" if run["status"] == "ok" else "failed"}">{e(run["status"])}</span>'
            if run.get("error"):
                status += f"<br><small>{e(run['error'])}</small>"
            tr = "" if run["status"] == "ok" else ' class="failed"'
            rows.append(f'<tr{tr} data-notebook="{e(nb)}"><td>{e(nb)}</td><td>{e(names.get(nb, nb))}</td><td>{status}</td>'
                        f'<td class="num">{run["seconds"]:.1f}</td><td>{e(run["profile"])}</td><td>{e(run["date"])}</td>'
                        f"<td>{cells}</td><td>{link}</td></tr>")
        else:
            rows.append(f'<tr class="never" data-notebook="{e(nb)}"><td>{e(nb)}</td><td>{e(names.get(nb, nb))}</td>'
                        f"<td>ikke kjørt</td><td></td><td></td><td></td><td>{cells}</td><td></td></tr>")
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
<p>Siste kjøring av hver notatbok med <code>dyplab run</code>: {ok} ok, {failed} feil, {len(ids) - len(runs)} ikke kjørt.
Målene kommer fra <code>results/&lt;id&gt;/summary.json</code> (skrevet av notatbøkene selv). Oppdatert {e(_now())}.</p>
<table id="notebooks">
<thead><tr><th>ID</th><th>Notatbok</th><th>Status</th><th>Tid (s)</th><th>Profil</th><th>Dato</th>
<th>Hovedresultater</th><th>Kjørt notatbok</th></tr></thead>
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

