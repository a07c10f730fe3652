"""Teaching code for Part B: neurons, the perceptron, gradient descent and a tiny autograd engine.

These modules are deliberately small and written out by hand (no library
shortcuts) so that students can read them next to the notebooks B1 and B2.
"""

from . import autograd, gradient_descent, hodgkin_huxley, perceptron
from .autograd import MLP, Layer, Neuron, Value

__all__ = ["MLP", "Layer", "Neuron", "Value", "autograd", "gradient_descent", "hodgkin_huxley", "perceptron"]
