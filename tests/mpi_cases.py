"""Run networks of ``test_bit_exact`` under ``mpirun -n N`` and print their digests.

``mpirun -n 2 python tests/mpi_cases.py plastic-fixed mixed-fixed`` prints, from rank 0,
one JSON line: per case the digest of everything the runs returned (spikes, recorded
state, counters, packets, link counts, learned weights: ``test_bit_exact._digest``), what
PyNN's ``num_processes()``/``rank()`` said, the spikes ``get_data()`` returned, and each
rank's share. ``tests/test_mpi.py`` compares the digests with the golden ones of one
process. Not a test module itself (pytest collects ``test_*.py`` only).
"""

import hashlib
import json
import pathlib
import sys
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import pyNN.neurochip as sim  # noqa: E402
import test_bit_exact as cases  # noqa: E402
import test_structural  # noqa: E402
import test_structural_neuromod  # noqa: E402

from neurochip.machine_report import MachineWarning  # noqa: E402

RUN = {
    "balanced-fixed-d1.5": lambda: cases._balanced("fixed", 1.5),
    "balanced-float-d1.0": lambda: cases._balanced("float", 1.0),
    "mixed-fixed": lambda: cases._mixed("fixed"),
    "mixed-float": lambda: cases._mixed("float"),
    "plastic-fixed": lambda: cases._plastic("fixed"),
    "plastic-float": lambda: cases._plastic("float"),
    "dopamine-fixed": lambda: cases._dopamine("fixed"),
    "dopamine-float": lambda: cases._dopamine("float"),
    "recurrent-fixed": lambda: cases._recurrent("fixed"),
    "recurrent-float": lambda: cases._recurrent("float"),
    "structural-fixed": lambda: test_structural.structural_net(per_core=7),
    "structural-neuromod-fixed": lambda: test_structural_neuromod.rewired_dopamine_net(per_core=7),
}


def _records_spikes(population) -> bool:
    return any(getattr(v, "name", v) == "spikes" and ids for v, ids in population.recorder.recorded.items())


def run_case(name) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MachineWarning)  # mixed-fixed saturates on purpose
        RUN[name]()
    st = sim.simulator.state
    digest = cases._digest(st.results)
    for prj in st.projections:  # learned weights, as test_bit_exact digests them
        if type(prj.synapse_type).__name__ in ("STDPMechanism", "StructuralMechanismSTDP"):
            learned = cases._weights_digest(prj.get("weight", format="list"))
            digest = hashlib.sha256((digest + learned).encode()).hexdigest()
    spikes = sum(len(train) for p in st.populations if _records_spikes(p)
                 for train in p.get_data("spikes").segments[-1].spiketrains)
    out = {"digest": digest, "num_processes": sim.num_processes(), "rank": sim.rank(),
           "get_data_spikes": int(spikes), "ranks": st.emulation.rank_loads,
           "result_spikes": int(sum(len(r.spike_ticks) for _, r in st.results))}
    sim.end()
    return out


if __name__ == "__main__":
    found = {name: run_case(name) for name in sys.argv[1:]}
    if sim.rank() == 0:
        print(json.dumps(found, default=float), flush=True)
