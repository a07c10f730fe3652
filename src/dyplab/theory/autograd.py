"""A tiny scalar autograd engine (in the style of Karpathy's micrograd).

Every operation builds a new :class:`Value` and, right beside the forward
formula, a ``_backward`` closure that applies the local derivative (the chain
rule: ``child.grad += local_derivative * out.grad``). :meth:`Value.backward`
sorts the graph topologically and calls those closures in reverse order.

On top sit :class:`Neuron`, :class:`Layer` and :class:`MLP`, enough to train a
two-layer network on XOR by hand.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

Number = int | float


class Value:
    """A scalar that remembers how it was computed, so it can backpropagate."""

    def __init__(self, data: Number, _children: tuple[Value, ...] = (), _op: str = "", label: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._backward: Callable[[], None] = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    # --- arithmetic ---------------------------------------------------------
    def __add__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:  # d(a+b)/da = 1, d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: Number) -> Value:
        if not isinstance(k, (int, float)):
            raise TypeError("Value ** k: only int/float exponents are supported")
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward() -> None:  # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:  # -a = a * (-1)
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:  # a - b = a + (-b)
        return self + (-other)

    def __truediv__(self, other: Value | Number) -> Value:  # a / b = a * b^-1
        other = other if isinstance(other, Value) else Value(other)
        return self * other**-1

    def __radd__(self, other: Number) -> Value:
        return self + other

    def __rmul__(self, other: Number) -> Value:
        return self * other

    def __rsub__(self, other: Number) -> Value:
        return Value(other) - self

    def __rtruediv__(self, other: Number) -> Value:
        return Value(other) / self

    # --- elementary functions -----------------------------------------------
    def exp(self) -> Value:
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward() -> None:  # d(e^x)/dx = e^x
            self.grad += e * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log of a non-positive number ({self.data})")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:  # d(ln x)/dx = 1/x
            self.grad += (1.0 / self.data) * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward() -> None:  # d(tanh x)/dx = 1 - tanh^2 x
            self.grad += (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward() -> None:  # 1 for x > 0, else 0
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward() -> None:  # d(sigma)/dx = sigma (1 - sigma)
            self.grad += s * (1.0 - s) * out.grad

        out._backward = _backward
        return out

    # --- backpropagation ----------------------------------------------------
    def topological_order(self) -> list[Value]:
        """All nodes of the graph, each after the nodes it depends on."""
        topo: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:  # iterative depth-first search (no recursion limit)
            node, expanded = stack.pop()
            if expanded:
                topo.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if id(child) not in visited)
        return topo

    def backward(self) -> None:
        """Add d(self)/d(node) to ``.grad`` of every node (zero the grads first, as in PyTorch)."""
        topo = self.topological_order()
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


# --- a tiny neural-network library on top ----------------------------------
class Module:
    """Base class: parameters and zero_grad."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


class Neuron(Module):
    """One artificial neuron: act(w . x + b)."""

    def __init__(self, n_in: int, activation: str = "tanh", rng: random.Random | None = None) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")
        rng = rng or random.Random(0)
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}")
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z if self.activation == "linear" else getattr(z, self.activation)()

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer(Module):
    """A list of neurons that see the same input."""

    def __init__(self, n_in: int, n_out: int, activation: str = "tanh", rng: random.Random | None = None) -> None:
        rng = rng or random.Random(0)
        self.neurons = [Neuron(n_in, activation, rng) for _ in range(n_out)]

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    """A multilayer perceptron: hidden layers use ``activation``, the last layer ``out_activation``."""

    def __init__(
        self,
        n_in: int,
        sizes: Sequence[int],
        activation: str = "tanh",
        out_activation: str = "linear",
        seed: int = 0,
    ) -> None:
        rng = random.Random(seed)
        dims = [n_in, *sizes]
        acts = [activation] * (len(sizes) - 1) + [out_activation]
        self.layers = [Layer(dims[i], dims[i + 1], acts[i], rng) for i in range(len(sizes))]

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        out: list[Value] = [v if isinstance(v, Value) else Value(v) for v in x]
        for layer in self.layers:
            out = layer(out)
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]
