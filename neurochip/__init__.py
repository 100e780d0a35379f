"""neurochip: a PyNN backend that runs networks on an emulated SpiNNaker-like machine.

    import pyNN.neurochip as sim
    sim.setup(timestep=0.1)            # arithmetic="fixed" (default) or "float"
    ...
    sim.run(1000.0)

Behind ``run()`` the network is partitioned, placed, routed through compressed
multicast tables, encoded in fixed point and run by a numba emulator.
"""

from pyNN import errors, random, space  # noqa: F401
from pyNN.connectors import *  # noqa: F401,F403
from pyNN.network import Network  # noqa: F401
from pyNN.random import GSLRNG, NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.recording import *  # noqa: F401,F403
from pyNN.space import Space  # noqa: F401
from pyNN.standardmodels import StandardCellType

from . import simulator  # noqa: F401
from .control import (  # noqa: F401
    end,
    get_current_time,
    get_max_delay,
    get_min_delay,
    get_time_step,
    initialize,
    num_processes,
    rank,
    reset,
    run,
    run_for,
    run_until,
    set_number_of_neurons_per_core,
    setup,
)
from .electrodes import ACSource, DCSource, NoisyCurrentSource, StepCurrentSource  # noqa: F401
from .populations import Assembly, Population, PopulationView  # noqa: F401
from .procedural_api import connect, create, record, record_gsyn, record_v  # noqa: F401
from .projections import Projection  # noqa: F401
from .reports import mapping_report, mapping_summary, provenance  # noqa: F401
from .standardmodels import *  # noqa: F401,F403


def list_standard_models():
    """Names of the StandardCellType classes neurochip supports."""
    return [obj.__name__ for obj in globals().values()
            if isinstance(obj, type) and issubclass(obj, StandardCellType)]
