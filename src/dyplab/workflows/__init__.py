"""Part-specific workflows: code that serves one course part and composes the general layers.

A module here belongs to one part of the course and ties ``data``, ``splits``, ``models``, ``training`` and
``metrics`` together the way that part's notebooks and benchmarks need them; anything general stays in those layers.

- :mod:`dyplab.workflows.faces`: Part E, FER2013 facial expressions (official split, training, balancing, flip TTA).
- :mod:`dyplab.workflows.medimaging`: Part C4a, MedMNIST CNN and ViT (recipes, seeds, clinical metrics).
- :mod:`dyplab.workflows.pfn_comparison`: Part F, dyplab's PFN against standard models on the same folds (model
  set, one table's run, verdicts, several classes, figure); the folds and numbers come from :mod:`dyplab.crossval`.
"""
