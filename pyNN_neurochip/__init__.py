"""``pyNN.neurochip``: the PyNN face of neurochip.

    import pyNN.neurochip as sim
    sim.setup(timestep=0.1)            # arithmetic="fixed" (default) or "float"
    ...
    sim.run(1000.0)

Installed as the subpackage ``pyNN.neurochip`` (see ``package-dir`` in
pyproject.toml). It gathers PyNN's API from the backend modules of :mod:`neurochip`
and registers them under this name, so that ``pyNN.neurochip.simulator`` is
``neurochip.simulator``. :mod:`neurochip` itself imports no PyNN, so that
``import neurochip.emulator`` stays free of it.
"""

import sys

from pyNN import errors, random, space  # noqa: F401
from pyNN.connectors import *  # noqa: F401,F403
from pyNN.network import Network  # noqa: F401
from pyNN.random import GSLRNG, NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.recording import *  # noqa: F401,F403
from pyNN.space import Space  # noqa: F401
from pyNN.standardmodels import StandardCellType

from neurochip import external_devices, extra_models, simulator  # noqa: F401
from neurochip.control import (  # noqa: F401
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
from neurochip.electrodes import ACSource, DCSource, NoisyCurrentSource, StepCurrentSource  # noqa: F401
from neurochip.populations import Assembly, Population, PopulationView  # noqa: F401
from neurochip.procedural_api import connect, create, record, record_gsyn, record_v  # noqa: F401
from neurochip.projections import Projection  # noqa: F401
from neurochip.reports import mapping_report, mapping_summary, provenance  # noqa: F401
from neurochip.spinnaker_check import spinnaker_compatibility  # noqa: F401
from neurochip.spinnaker_compat import (  # noqa: F401
    get_machine,
    name,
    set_allow_delay_extensions,
    set_number_of_synapse_cores,
)
from neurochip.standardmodels import *  # noqa: F401,F403

# sPyNNaker's structural plasticity (synaptic rewiring), at the top of its pyNN module
from neurochip.structural import (  # noqa: E402,F401
    DistanceDependentFormation,
    LastNeuronSelection,
    RandomByWeightElimination,
    RandomSelection,
    StructuralMechanismStatic,
    StructuralMechanismSTDP,
)


def list_standard_models():
    """Names of the StandardCellType classes neurochip supports."""
    return [obj.__name__ for obj in globals().values()
            if isinstance(obj, type) and issubclass(obj, StandardCellType)]


for _name in ("control", "populations", "procedural_api", "projections", "recording",
              "simulator", "standardmodels", "reports", "errors", "extra_models", "external_devices"):
    __import__(f"neurochip.{_name}")
    sys.modules[f"{__name__}.{_name}"] = sys.modules[f"neurochip.{_name}"]
