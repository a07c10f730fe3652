"""dyplab's own small prior-fitted network (PFN) for tabular classification, and an optional TabPFN backend.

- :mod:`.prior`: synthetic classification tasks from random structural causal models.
- :mod:`.model`: :class:`TabularPFN`, attention across features and across samples.
- :mod:`.train`: the pre-training loop (run ``scripts/train_pfn.py``).
- :mod:`.classifier`: :class:`PFNClassifier`, scikit-learn style ``fit`` / ``predict_proba`` (in-context, no gradient steps).
- :mod:`.tabpfn_backend`: the ``tabpfn`` package when it and its weights are installed.
"""
