"""The ``dyplab`` command: data management, notebook runs and a health check.

    dyplab data list | fetch NAME | verify [NAME ...] | info NAME
    dyplab run A6 | A | core | all   [--profile smoke|class|full]
    dyplab doctor
    dyplab app [--host H] [--port P] [--lang no|en]   (web app to try the trained models; extra [app])
    dyplab notebooks DIR [--force]   (a copy of the course notebooks to work in)
    dyplab lab [DIR]                 (JupyterLab on the notebooks, with this Python as kernel)
    dyplab grade INNLEVERINGER/ [--out DIR] [--jobs N] [--timeout S] [--memory MB]   (grade submitted notebooks)
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from . import __version__, config


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - show a clear message instead of a traceback
        from .data import DataError

        if isinstance(exc, (DataError, ValueError, FileNotFoundError)):
            print(f"Feil: {exc}", file=sys.stderr)
            return 1
        raise


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dyplab", description="Lab 2: Dyplæring i medisin — kursverktøy")
    p.add_argument("--version", action="version", version=f"dyplab {__version__}")
    sub = p.add_subparsers(dest="command")

    data = sub.add_parser("data", help="list, fetch, verify or describe datasets", epilog=_DATA_EPILOG,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    dsub = data.add_subparsers(dest="data_command")
    dsub.add_parser("list", help="list the course datasets").set_defaults(func=_data_list)
    f = dsub.add_parser("fetch", help="fetch a dataset (cache → mirror → download)", epilog=_DATA_EPILOG,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    f.add_argument("names", nargs="+", metavar="NAME")
    f.add_argument("--flag", action="append", default=[], metavar="FLAG",
                   help="with medmnist: fetch this MedMNIST set (e.g. pneumoniamnist, bloodmnist); repeatable")
    f.set_defaults(func=_data_fetch)
    v = dsub.add_parser("verify", help="check every copy (cache and mirror) of every file against its sha256")
    v.add_argument("names", nargs="*", metavar="NAME")
    v.add_argument("--repair", action="store_true", help="replace damaged cache files with verified mirror copies")
    v.set_defaults(func=_data_verify)
    i = dsub.add_parser("info", help="source, license and citation of a dataset")
    i.add_argument("name", metavar="NAME")
    i.set_defaults(func=_data_info)
    data.set_defaults(func=lambda a: (data.print_help(), 2)[1])

    r = sub.add_parser("run", help="run notebooks headless and write reports/")
    r.add_argument("targets", nargs="+", help="a notebook (A6), a part (A), 'core' or 'all'")
    r.add_argument("--profile", choices=config.PROFILES, default=None, help="default: DYPLAB_PROFILE or class")
    r.add_argument("--output", type=Path, default=Path("reports"), help="folder for executed notebooks and HTML")
    r.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    r.add_argument("--no-html", action="store_true", help="skip the HTML export")
    r.set_defaults(func=_run)
    rep = sub.add_parser("report", help="write the course report reports/index.html again from results/")
    rep.add_argument("--output", type=Path, default=None, help="reports folder (default: DYPLAB_REPORTS_DIR or reports)")
    rep.add_argument("--results", type=Path, default=None, help="results folder (default: DYPLAB_RESULTS_DIR or results)")
    rep.set_defaults(func=_report)

    sub.add_parser("doctor", help="versions, device, profile, cache and datasets").set_defaults(func=_doctor)
    a = sub.add_parser("app", help="web app to try the trained models (needs: pip install -e \".[app]\")")
    a.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    a.add_argument("--port", type=int, default=7860)
    a.add_argument("--share", action="store_true", help="also make a public Gradio share link (off by default)")
    a.add_argument("--lang", choices=("no", "en"), default="no", help="language of the page (default: Norwegian)")
    a.set_defaults(func=_app)

    nb = sub.add_parser("notebooks", help="copy the course notebooks into a folder of yours")
    nb.add_argument("folder", type=Path, metavar="DIR")
    nb.add_argument("--force", action="store_true", help="overwrite notebooks you have edited there")
    nb.set_defaults(func=_notebooks)
    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks (copies them into DIR first if needed)")
    lab.add_argument("folder", type=Path, nargs="?", metavar="DIR", help="default: the notebooks found from here")
    lab.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    lab.add_argument("--port", type=int, default=None)
    lab.set_defaults(func=_lab)

    from .course import grade

    g = sub.add_parser("grade", help="grade a folder of submitted notebooks (karakterer.csv, .html, .json)",
                       description=grade.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("folder", type=Path, metavar="INNLEVERINGER", help="the folder of submitted notebooks")
    g.add_argument("--out", type=Path, default=None, help="output folder (default: results/grading)")
    g.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: one per core)")
    g.add_argument("--timeout", type=float, default=grade.DEFAULT_TIMEOUT,
                   help=f"seconds per submission (default {grade.DEFAULT_TIMEOUT:.0f})")
    g.add_argument("--memory", type=int, default=grade.DEFAULT_MEMORY_MB,
                   help=f"MB of address space per submission, 0 for no limit (default {grade.DEFAULT_MEMORY_MB})")
    g.add_argument("--profile", choices=config.PROFILES, default=grade.DEFAULT_PROFILE,
                   help=f"profile the notebooks run in (default {grade.DEFAULT_PROFILE})")
    g.set_defaults(func=_grade)
    return p


# ----------------------------------------------------------------------------- data

_DATA_EPILOG = """\
Each dataset is looked up in this order: the cache (DYPLAB_DATA_DIR), the course mirror (DYPLAB_DATA_MIRROR),
then a download from its canonical URL into the cache (never with DYPLAB_OFFLINE=1). Every file is checked
against its sha256; a broken or wrong download leaves nothing behind.

Download overrides (for a course server or offline tests):
  DYPLAB_DOWNLOAD_BASE=http://HOST:PORT   fetch https://<host>/<path> from http://HOST:PORT/<host>/<path>
                                          (any static server over a folder laid out <host>/<path>)
  DYPLAB_DOWNLOAD_HASHES=FILE             lines '<sha256>  <canonical URL>' replace those URLs' pinned sums
"""


def _data_list(args) -> int:
    from . import data as dd

    print(f"{'navn':<16} {'brukt i':<10} {'lisens':<28} beskrivelse")
    for meta in dd.list():
        print(f"{meta.name:<16} {meta.used_in:<10} {meta.license[:27]:<28} {meta.description}")
    return 0


def _data_fetch(args) -> int:
    from . import data as dd

    if args.flag and "medmnist" not in args.names:
        raise ValueError("--flag chooses MedMNIST sets; use it with the name medmnist "
                         "(e.g. `dyplab data fetch medmnist --flag pneumoniamnist`)")
    for name in args.names:
        if name == "medmnist" and args.flag:
            from .data import medmnist

            for flag in args.flag:
                path = medmnist.path(flag.lower())
                kind, _ = dd.source(name)
                print(f"{name} {flag}: {kind} → {path}")
            continue
        root = dd.fetch(name)
        kind, _ = dd.source(name)
        print(f"{name}: {kind} → {root}")
    return 0


def _data_info(args) -> int:
    from . import data as dd

    meta = dd.info(args.name)
    rows = [
        ("navn", meta.name),
        ("tittel", meta.title),
        ("beskrivelse", meta.description),
        ("brukt i", meta.used_in),
        ("lisens", meta.license),
        ("sitering", meta.citation),
        ("hjemmeside", meta.homepage),
        ("filer i manifest", str(len(dd.manifest(meta.name)))),
        ("nedlasting", ", ".join(d.url for d in meta.downloads[:3]) + (" …" if len(meta.downloads) > 3 else "")
         if meta.downloads else "ingen offentlig nedlasting"),
        ("manuelt", meta.manual or "-"),
        ("cache", str(dd.cache_path(meta.name))),
    ]
    for key, value in rows:
        print(f"{key:<17} {value}")
    return 0


def verify_dataset(name: str) -> tuple[str, str]:
    """Check a dataset in the cache and the mirror; return ``(status, detail)``.

    ``status`` is ``OK`` (verified somewhere), ``missing`` or ``corrupt``.
    """
    from . import data as dd

    corrupt = []
    for where, report in dd.verify(name):
        if report.ok:
            return "OK", f"{where}: {report.reason()} in {report.root}"
        if report.status == "corrupt":
            corrupt.append(f"{where}: {report.reason()}")
    if corrupt:
        return "corrupt", "; ".join(corrupt)
    mirror = config.mirror_dir()
    return "missing", "not in the cache" + ("" if mirror else " (DYPLAB_DATA_MIRROR not set)") + (
        " nor the mirror" if mirror else "")


def _data_verify(args) -> int:
    """Report every copy that was checked; exit 1 when a copy is damaged (after ``--repair``: when one still is)."""
    from . import data as dd

    names = args.names or [m.name for m in dd.list()]
    worst = 0
    for name in names:
        dd.info(name)  # clear error for unknown names
        if args.repair:
            for line in dd.repair(name):
                print(f"{name:<16} repair   {line}")
        reports = dd.verify(name)
        usable = any(report.ok for _, report in reports)
        downloaded = {report.root for _, report in reports if report.layout == "download" and report.ok}
        for where, report in reports:
            if report.status == "missing" or (report.layout == "download" and not report.ok):
                continue  # no such copy (or no download layout in this folder): nothing to report
            if report.root in downloaded and report.layout == "manifest" and not report.ok:
                continue  # a verified download: its files differ from the mirror's manifest by design
            status = "OK" if report.ok else report.status
            print(f"{name:<16} {where:<8} {status:<10} {report.reason()} [{report.root}]")
            problems = report.problems()
            shown = [p for p in problems if p.startswith("corrupt")] + [p for p in problems if p.startswith("missing")][:10]
            for problem in shown:
                print(f"{'':<16} {'':<8} {'':<10} - {problem}")
            if len(problems) > len(shown):
                print(f"{'':<16} {'':<8} {'':<10} - … and {len(problems) - len(shown)} more missing file(s)")
            if report.status == "corrupt":
                worst = 1
        if not usable:
            print(f"{name:<16} {'-':<8} {'missing':<10} no verified copy; `dyplab data fetch {name}` online, or point "
                  "DYPLAB_DATA_MIRROR at the course mirror")
    return worst


# ----------------------------------------------------------------------------- run and doctor


def _run(args) -> int:
    from .course import batch

    profile = args.profile or config.profile().name
    results = batch.run(args.targets, profile=profile, output_dir=args.output, timeout=args.timeout,
                        html=not args.no_html)
    return 0 if all(r.status == "ok" for r in results) else 1


def _app(args) -> int:
    try:
        import gradio  # noqa: F401
    except ModuleNotFoundError:
        print('Feil: appen trenger Gradio: pip install -e ".[app]"', file=sys.stderr)
        return 1
    from .app import serve

    serve(host=args.host, port=args.port, share=args.share, lang=args.lang)
    return 0


def _doctor(args) -> int:
    import importlib.metadata as md

    print(f"dyplab {__version__}")
    print(f"Python {platform.python_version()} på {platform.system()} {platform.machine()}")
    for pkg in ("torch", "torchvision", "lightning", "numpy", "pandas", "scikit-learn", "captum", "wfdb"):
        try:
            print(f"  {pkg:<13} {md.version(pkg)}")
        except md.PackageNotFoundError:
            print(f"  {pkg:<13} MANGLER (ikke installert)")
    try:
        dev = config.device()
    except RuntimeError as exc:
        dev = f"feil: {exc}"
    print(f"Enhet (device): {dev}")
    print(f"Profil: {config.profile().name}")
    print(f"Cache (DYPLAB_DATA_DIR): {config.data_dir()}")
    mirror = config.mirror_dir()
    print(f"Speil (DYPLAB_DATA_MIRROR): {mirror if mirror else 'ikke satt'}")
    print(f"Offline (DYPLAB_OFFLINE): {'ja' if config.offline() else 'nei'}")
    from .course import runner

    try:
        print(f"Notebooks: {runner.notebooks_dir()}")
    except FileNotFoundError:
        print("Notebooks: ikke funnet herfra (lag en kopi med `dyplab notebooks MAPPE`)")
    print("Datasett:")
    from . import data as dd

    for meta in dd.list():
        status, detail = verify_dataset(meta.name)
        print(f"  {meta.name:<16} {status:<8} {detail}")
    return 0


# ----------------------------------------------------------------------------- notebooks and lab


def _notebooks(args) -> int:
    from .course import shipped

    report = shipped.copy_notebooks(args.folder, force=args.force)
    print(f"{args.folder}: {len(report.copied)} kopiert, {len(report.unchanged)} uendret"
          + (f", {len(report.replaced)} overskrevet (--force)" if report.replaced else ""))
    if report.refused:
        print("Ikke overskrevet (du har endret dem; bruk --force for å erstatte dem med kursets versjon):",
              file=sys.stderr)
        for name in report.refused:
            print(f"  {name}", file=sys.stderr)
        return 1
    return 0


def _lab(args) -> int:
    from .course import lab, runner, shipped

    try:
        lab.require_jupyterlab()
    except ModuleNotFoundError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    if args.folder is None:
        folder = runner.notebooks_dir()
    else:
        folder = args.folder
        if not (folder.is_dir() and any(folder.glob("*.ipynb"))):
            shipped.copy_notebooks(folder)
            print(f"Kopierte kursets notebooks til {folder}")
    return lab.launch(folder, no_browser=args.no_browser, port=args.port)


# ----------------------------------------------------------------------------- grade


def _report(args) -> int:
    """Rewrite the teacher's page from the recorded results (and the grading summary, when there is one)."""
    from .course import report

    print(f"Kursrapport: {report.write_index(args.output, args.results)}")
    return 0


def _grade(args) -> int:
    """Exit 0 when every submission was graded (its problems are rows of the result), 1 on bad input."""
    from .course import grade

    result = grade.grade(args.folder, out=args.out, jobs=args.jobs, timeout=args.timeout, memory_mb=args.memory,
                         profile=args.profile)
    print(result.summary_line())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
