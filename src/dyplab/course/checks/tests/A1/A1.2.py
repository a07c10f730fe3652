"""A1, Oppgave 2: Sobel-y (den transponerte av Sobel-x) brukt på testbilde 0 med padding=1."""

import numpy as np
import torch
import torch.nn.functional as F
from otter.test_files import test_case

OTTER_OK = False
name = "A1.2"

SOBEL_X = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)


def as_array(value):
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value, dtype=np.float32)


@test_case(failure_message="sobel_y skal være en 3 × 3-kjerne (samme form som sobel_x).")
def kernel_shape(sobel_y):
    assert as_array(sobel_y).shape == (3, 3)


@test_case(failure_message="sobel_y finner fortsatt vertikale kanter: snu rader og kolonner (transponer sobel_x).")
def kernel_is_not_sobel_x(sobel_y):
    assert not np.allclose(np.abs(as_array(sobel_y)), np.abs(SOBEL_X))


@test_case(failure_message="sobel_y er ikke den transponerte av sobel_x: se på hvordan radene i sobel_x blir kolonner.")
def kernel_is_the_transpose(sobel_y):
    k = as_array(sobel_y)
    assert np.allclose(k, SOBEL_X.T) or np.allclose(k, -SOBEL_X.T)


@test_case(failure_message="edge_y skal ha samme form som bildet, 28 × 28: husk padding=1 og å plukke ut [0, 0].")
def output_shape(edge_y):
    assert as_array(edge_y).shape == (28, 28), f"Formen din er {as_array(edge_y).shape}."


@test_case(failure_message="edge_y er ikke testbilde 0 filtrert med sobel_y: bruk F.conv2d(x, kjerne[None, None], "
                           "padding=1) som i del 2, med sobel_y som kjerne.")
def output_is_the_filtered_image(sobel_y, edge_y, image):
    kernel = torch.as_tensor(as_array(sobel_y), dtype=torch.float32)[None, None]
    x = torch.as_tensor(as_array(image), dtype=torch.float32).reshape(1, 1, 28, 28)
    assert np.allclose(as_array(edge_y), F.conv2d(x, kernel, padding=1)[0, 0].numpy(), atol=1e-4)
