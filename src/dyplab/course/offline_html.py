"""Executed notebooks as HTML that loads nothing from the internet (for ``dyplab run`` and the course report).

- :func:`export_html` writes an executed notebook's HTML: MathJax from a local copy, no require.js, no mermaid
  and no widget manager (a widget is shown as the output it produced);
- :func:`localize_mathjax` points an HTML file at the local MathJax copy;
- :func:`outside_references` lists what a page would still load from other machines.

Kept apart from :mod:`dyplab.course.report` so that the notebook runner can export HTML without importing the
report (which reads grading results, which run notebooks through the runner).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..io import write_text

MATHJAX_DIR = "mathjax"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
_MATHJAX_SRC = re.compile(r'src="https?://[^"]*mathjax[^"]*"', re.IGNORECASE)


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
        write_text(html_file, new)
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
    write_text(path, body)
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
