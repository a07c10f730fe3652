"""One conversion of user input (lists, NumPy, pandas, torch) to arrays, shared by metrics, plots, training, explain."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def to_numpy(a: Any, what: str) -> np.ndarray:
    """``a`` as a NumPy array: torch tensors are detached and moved to the CPU, pandas objects unwrapped.

    Raises ``TypeError`` naming ``what`` when the values are mixed (object dtype) or cannot form an array.
    """
    if hasattr(a, "detach"):  # torch tensor
        a = a.detach().cpu().numpy()
    if isinstance(a, (pd.Series, pd.DataFrame)):
        a = a.to_numpy()
    try:
        arr = np.asarray(a)
    except Exception as exc:  # noqa: BLE001 - ragged lists and exotic objects
        raise TypeError(f"{what} could not be converted to an array: {exc}") from exc
    if arr.dtype == object:
        raise TypeError(f"{what} has dtype object (mixed or ragged values); give a numeric array.")
    return arr
