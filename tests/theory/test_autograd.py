"""The scalar autograd engine against PyTorch autograd (float64) as the oracle."""

from __future__ import annotations

import math
import random

import pytest
import torch

from dyplab.theory.autograd import MLP, Value

TOL = 1e-9
UNARY = ("exp", "log", "tanh", "relu", "sigmoid", "neg", "pow_int", "pow_frac")
DEPTH = 6
N_EXPR = 100
BINARY = ("add", "sub", "mul", "div", "radd", "rsub", "rmul", "rdiv")


class Lib:
    """The same operations for our Value and for torch tensors."""

    def __init__(self, torch_mode: bool) -> None:
        self.t = torch_mode

    def f(self, name: str, x):
        if self.t:
            return {
                "exp": torch.exp,
                "log": torch.log,
                "tanh": torch.tanh,
                "relu": torch.relu,
                "sigmoid": torch.sigmoid,
            }[name](x)
        return getattr(x, name)()


def random_expr(rng: random.Random, depth: int):
    """A random expression as a nested tuple; leaves are variable indices 0..2 (never at the top two levels)."""
    if depth == 0 or (depth <= DEPTH - 2 and rng.random() < 0.25):
        return ("var", rng.randrange(3))
    if rng.random() < 0.45:
        return (rng.choice(UNARY), random_expr(rng, depth - 1))
    if rng.random() < 0.15:  # reuse one sub-expression twice: gradients must accumulate
        sub = random_expr(rng, depth - 1)
        return ("mul", sub, sub)
    return (rng.choice(BINARY), random_expr(rng, depth - 1), random_expr(rng, depth - 1), round(rng.uniform(0.5, 3), 3))


def evaluate(node, xs, lib: Lib):
    op = node[0]
    if op == "var":
        return xs[node[1]]
    if op in UNARY:
        a = evaluate(node[1], xs, lib)
        if op == "log":
            return lib.f("log", a * a + 0.5)  # keep the argument positive
        if op == "exp":
            return lib.f("exp", lib.f("tanh", a))  # keep values bounded
        if op == "neg":
            return -a
        if op == "pow_int":
            return a**3
        if op == "pow_frac":
            return (lib.f("sigmoid", a) + 0.25) ** 1.5  # positive base for a fractional power
        return lib.f(op, a)
    a, b = evaluate(node[1], xs, lib), evaluate(node[2], xs, lib)
    c = node[3] if len(node) > 3 else 1.0
    safe_b = b * b + 1.0  # never zero
    return {
        "add": lambda: a + b,
        "sub": lambda: a - b,
        "mul": lambda: a * b,
        "div": lambda: a / safe_b,
        "radd": lambda: c + a,
        "rsub": lambda: c - b,
        "rmul": lambda: c * a,
        "rdiv": lambda: c / safe_b,
    }[op]()


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


@pytest.mark.parametrize("seed", range(N_EXPR))
def test_random_expressions_match_torch(seed: int) -> None:
    rng = random.Random(seed)
    expr = random_expr(rng, depth=DEPTH)
    values = [rng.uniform(-2, 2) for _ in range(3)]
    # ReLU's kink at 0 has no unique derivative; a random draw never lands on it exactly.
    xs = [Value(v) for v in values]
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = evaluate(expr, xs, Lib(False))
    tout = evaluate(expr, ts, Lib(True))
    out.backward()
    tout.backward()
    assert close(out.data, tout.item()), (expr, out.data, tout.item())
    for x, t in zip(xs, ts):
        tgrad = 0.0 if t.grad is None else t.grad.item()
        assert close(x.grad, tgrad), (expr, x.grad, tgrad)


def test_every_op_is_exercised() -> None:
    """The random trees above really mix all operations."""
    seen: set[str] = set()

    def walk(node) -> None:
        seen.add(node[0])
        for child in node[1:]:
            if isinstance(child, tuple):
                walk(child)

    for seed in range(N_EXPR):
        walk(random_expr(random.Random(seed), depth=DEPTH))
    assert set(UNARY) | set(BINARY) <= seen


def test_hand_example() -> None:
    """micrograd's sanity check, written out."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xt = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    zt = 2 * xt + 2 + xt
    qt = zt.relu() + zt * xt
    ht = (zt * zt).relu()
    yt = ht + qt + qt * xt
    yt.backward()
    assert close(y.data, yt.item())
    assert close(x.grad, xt.grad.item())


def test_gradients_accumulate_until_zeroed() -> None:
    a = Value(3.0)
    (a * a).backward()
    (a * a).backward()
    assert a.grad == pytest.approx(12.0)


def test_log_of_non_positive_raises() -> None:
    with pytest.raises(ValueError, match="non-positive"):
        Value(0.0).log()


def test_deep_chain_has_no_recursion_limit() -> None:
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_gradients_match_torch(activation: str) -> None:
    model = MLP(3, [4, 4, 1], activation=activation, seed=7)
    X = [[0.5, -1.2, 2.0], [-0.3, 0.8, -1.5], [1.1, 0.2, 0.4]]
    y = [1.0, -1.0, 0.5]
    loss = sum(((model(x)[0] - t) ** 2 for x, t in zip(X, y)), Value(0.0)) / len(X)
    model.zero_grad()
    loss.backward()

    # The same network in torch, with the same weights.
    layers = []
    for layer in model.layers:
        lin = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            lin.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        layers.append(lin)
    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[activation]
    h = torch.tensor(X, dtype=torch.float64)
    for i, lin in enumerate(layers):
        h = lin(h)
        if i < len(layers) - 1:
            h = act(h)
    tloss = ((h.squeeze(1) - torch.tensor(y, dtype=torch.float64)) ** 2).mean()
    tloss.backward()

    assert close(loss.data, tloss.item())
    for layer, lin in zip(model.layers, layers):
        for j, n in enumerate(layer.neurons):
            for k, w in enumerate(n.w):
                assert close(w.grad, lin.weight.grad[j, k].item())
            assert close(n.b.grad, lin.bias.grad[j].item())


def test_two_layer_net_solves_xor() -> None:
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    y = [-1.0, 1.0, 1.0, -1.0]
    model = MLP(2, [4, 1], activation="tanh", out_activation="tanh", seed=1)
    history = []
    for _ in range(300):  # full-batch gradient descent on the mean squared error, as B2 does by hand
        loss = sum(((model(x)[0] - t) ** 2 for x, t in zip(X, y)), Value(0.0)) / len(X)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.2 * p.grad
        history.append(loss.data)
    assert history[-1] < 0.01 < history[0]
    assert [1.0 if model(x)[0].data > 0 else -1.0 for x in X] == y


def test_bad_inputs_are_named() -> None:
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [2, 1], activation="softsign")
    with pytest.raises(ValueError, match="expects 2 inputs"):
        MLP(2, [2, 1])([1.0, 2.0, 3.0])
