"""Course machinery, kept apart from the library: the notebooks' set-up call (``session``), the headless runner
and the course report, the shipped notebooks and ``dyplab lab``, Google Colab, the solutions check, and the
lesson-only storage formats of A3 (``formats``)."""
