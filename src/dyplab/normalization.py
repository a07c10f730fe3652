"""Input scales shared by a data set's loader and the networks trained on it (plain numbers, no imports).

A constant lives here when both :mod:`dyplab.data` (which converts the images) and :mod:`dyplab.models` (which
must know the scale, e.g. to pad with the value of a black pixel) need it, so that models never import data.
"""

from __future__ import annotations

#: Mean and standard deviation of the 60,000 MNIST training images scaled to 0..1 (the usual MNIST constants).
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
