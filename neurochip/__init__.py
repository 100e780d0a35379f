"""neurochip: a PyNN backend that runs networks on an emulated SpiNNaker-like machine.

    import pyNN.neurochip as sim

Behind ``run()`` the network is partitioned, placed, routed through compressed
multicast tables, encoded in fixed point and run by a numba emulator. The packages:
:mod:`neurochip.mapping` (network -> machine program) and :mod:`neurochip.emulator`
(the machine), which import no PyNN; the PyNN face lives in :mod:`pyNN.neurochip`,
and ``neurochip.setup`` etc. reach it on first use.
"""


def __getattr__(name):
    # the PyNN API, loaded on first use: `import neurochip.emulator` must not import PyNN
    if name.startswith("__"):
        raise AttributeError(name)
    import pyNN.neurochip as face
    try:
        return getattr(face, name)
    except AttributeError:
        raise AttributeError(f"module 'neurochip' has no attribute {name!r}") from None
