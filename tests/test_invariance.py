"""Placement invariance: the same script and seed give bit-identical spikes whatever
the neurons per core and machine size (fixed point, Poisson sources included)."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from networks import cuba


def _run(**kw):
    return cuba(sim, n=400, duration=200.0, poisson_rate=20.0, arithmetic="fixed", **kw)


@pytest.mark.fixed
@pytest.mark.parametrize("layout", [
    {"neurons_per_core": 17},
    {"neurons_per_core": 64, "machine": "spinn5"},
    {"neurons_per_core": 5, "machine": "3x3"},
])
def test_spikes_do_not_depend_on_placement(layout):
    ref, _ = _run()
    other, _ = _run(**layout)
    assert sum(len(t) for t in ref[0]) > 100
    for a, b in zip(ref, other):
        assert len(a) == len(b)
        for ta, tb in zip(a, b):
            assert np.array_equal(ta, tb)
