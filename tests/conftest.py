"""Shared fixtures: a fresh PyNN neurochip simulation per test."""

import pytest


@pytest.fixture
def sim():
    import pyNN.neurochip as sim
    sim.setup(timestep=0.1)
    yield sim
    sim.end()
