"""Slow, obviously correct reference solutions (scipy ODE integration) for tests."""
