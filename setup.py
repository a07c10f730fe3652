"""Build hook: the wheel carries the course notebooks as package data in ``dyplab/notebooks/``.

The notebooks have one home, ``notebooks/`` at the repository root (also in the sdist, see MANIFEST.in);
``build_py`` copies them into the package when a wheel is built. Editable installs read them from the
checkout instead (``dyplab.course.shipped.shipped_dir``). Everything else is configured in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/*.ipynb`` (and nothing else from there) into ``dyplab/notebooks/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
        if not notebooks:
            raise SystemExit(f"no notebooks found in {ROOT / 'notebooks'}; the wheel must ship them")
        target = Path(self.build_lib) / "dyplab" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            self.copy_file(str(nb), str(target / nb.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
