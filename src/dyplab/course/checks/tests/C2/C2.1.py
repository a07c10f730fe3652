"""C2, oppgave 1: læringsraten per epoke som figur."""

import numpy as np
from otter.test_files import test_case

name = "C2.1"
OTTER_OK = False


@test_case(failure_message="Tegn kolonnen lr fra historikken mot epoke, med tittel og aksetekster.")
def test_lr_figure(ax, history):
    assert hasattr(ax, "get_lines"), "ax skal være aksen (matplotlib Axes) du tegnet læringsraten i."
    lr = np.asarray(history["lr"], dtype=float)
    drawn = [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()]
    drawn += [np.asarray(c.get_offsets(), dtype=float)[:, 1] for c in ax.collections
              if np.ndim(c.get_offsets()) == 2 and np.shape(c.get_offsets())[1] == 2]   # ax.scatter
    assert any(y.shape == lr.shape and np.allclose(y, lr) for y in drawn), (
        "Figuren viser ikke læringsraten per epoke: tegn history[\"lr\"] (ikke tapet eller nøyaktigheten).")
    assert ax.get_title().strip(), "Figuren mangler tittel."
    assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), "Figuren mangler tekst på en av aksene."
