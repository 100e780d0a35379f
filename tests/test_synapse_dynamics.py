"""The synapse-dynamics seam: one registry per side, several kinds from one source."""

import numpy as np
import pyNN.neurochip as sim
import pytest

from neurochip.emulator.contract import DYN_STDP, DYN_STOCHASTIC, DYN_TSODYKS_MARKRAM, DYNAMICS_KINDS
from neurochip.emulator.synapse_dynamics import DYNAMICS, HEADER, WORDS
from neurochip.mapping.synapse_dynamics import ENCODERS

TIMES = np.arange(1, 60) * 4.0


def _run(split: bool, arithmetic: str):
    """A source reaches one core through Tsodyks-Markram, stochastic, STDP and static
    synapses: from one population, or (split) from four copies of it, one per kind."""
    sim.setup(timestep=0.1, seed=11, arithmetic=arithmetic)
    copies = 4 if split else 1
    srcs = [sim.Population(4, sim.SpikeSourceArray(spike_times=TIMES)) for _ in range(copies)]
    post = sim.Population(6, sim.IF_curr_exp(tau_syn_E=2.0, v_thresh=100.0))
    post.record(["v", "isyn_exc"])
    kinds = (sim.TsodyksMarkramSynapse(weight=0.4, delay=1.0, U=0.3, tau_rec=80.0, tau_facil=20.0),
             sim.SimpleStochasticSynapse(weight=0.3, delay=1.5, p=0.5),
             sim.STDPMechanism(sim.SpikePairRule(), sim.AdditiveWeightDependence(w_max=0.5),
                               weight=0.2, delay=2.5),
             sim.StaticSynapse(weight=0.1, delay=2.0))
    for k, synapse in enumerate(kinds):
        sim.Projection(srcs[k % copies], post, sim.AllToAllConnector(), synapse)
    sim.run(260.0)
    seg = post.get_data().segments[0]
    prov = sim.provenance()
    program = sim.simulator.state.mapping.program
    sim.end()
    return ({s.name: np.asarray(s) for s in seg.analogsignals}, prov["synaptic_events"],
            program.synapses)


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_several_kinds_from_one_source_act_as_from_separate_sources(arithmetic):
    one, events_one, syn = _run(False, arithmetic)
    split, events_split, _ = _run(True, arithmetic)
    # one master-table entry holds the three kinds' blocks, in kind order (rewiring's own
    # kind, DYN_STRUCTURAL, is a projection's rows alone)
    blocks = np.diff(syn.mpt_dyn_lo)
    assert blocks.max() == 3
    e = int(np.argmax(blocks))
    assert syn.dyn_kind[syn.mpt_dyn_lo[e]:syn.mpt_dyn_lo[e + 1]].tolist() == sorted(
        [DYN_TSODYKS_MARKRAM, DYN_STOCHASTIC, DYN_STDP])
    assert events_one == events_split
    for name in one:
        assert np.array_equal(one[name], split[name]), name
    # the synapses acted: a stochastic half of 4 x 6 x 59 spikes, and the rest
    assert 4 * 6 * 59 * 3.3 < events_one < 4 * 6 * 59 * 3.7
    assert np.ptp(one["v"]) > 1.0


def test_the_two_registries_agree():
    from neurochip.mapping.graph import DYNAMICS as GRAPH_DYNAMICS
    from neurochip.projections import DYNAMICS_OF
    assert list(DYNAMICS) == list(DYNAMICS_KINDS)
    # (STDP under dopamine and the recurrent rule are the graph's own: the mapping makes them)
    assert set(GRAPH_DYNAMICS) == set(ENCODERS) == set(DYNAMICS_OF.values()) | {
        "stdp_neuromod", "stdp_recurrent"}
    host = {enc.kind: name for name, enc in ENCODERS.items() if enc.kind is not None}
    assert host == {k: d.name for k, d in DYNAMICS.items()}
    for name, enc in ENCODERS.items():
        if enc.kind is not None:
            assert (enc.header, enc.words) == (HEADER[enc.kind], WORDS[enc.kind]), name


def test_unknown_dynamics_are_a_clear_error():
    import dataclasses

    from neurochip.mapping.errors import MappingError
    from neurochip.mapping.graph import NetworkGraph, PopulationSpec, ProjectionSpec
    from neurochip.mapping.pipeline import map_network
    src = PopulationSpec(label="src", model="SpikeSourceArray", size=1, spike_lo=np.array([0, 1]),
                         spike_times=np.array([1.0]))
    lif = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=1.0, tau_syn_E=5.0, tau_syn_I=5.0,
               i_offset=0.0, v_reset=-65.0, v_thresh=-50.0)
    tgt = PopulationSpec(label="tgt", model="IF_curr_exp", size=1,
                         params={n: np.full(1, v) for n, v in lif.items()})
    prj = ProjectionSpec(label="learning", pre=0, post=1, receptor="excitatory",
                         pre_idx=np.zeros(1, np.int64), post_idx=np.zeros(1, np.int64),
                         weight=np.ones(1), delay=np.ones(1))
    with pytest.raises(MappingError, match=r"'learning': synapse dynamics 'stdp_pair' are not "
                                           r"supported; supported: \['neuromodulation', 'static', "
                                           r"'stdp', 'stdp_neuromod', 'stdp_recurrent', "
                                           r"'stochastic', 'structural', 'tsodyks_markram'\]"):
        dataclasses.replace(prj, dynamics="stdp_pair")
    graph = NetworkGraph(dt=0.1, populations=(src, tgt), projections=(prj,))
    assert map_network(graph).program.synapses.n_entries == 1
