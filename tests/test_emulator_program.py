"""The MachineProgram contract and the emulator's provenance, on programs changed by hand."""

import dataclasses

import numpy as np
import pytest

from neurochip.emulator import ProgramError, load
from neurochip.mapping.graph import NetworkGraph, PopulationSpec, ProjectionSpec
from neurochip.mapping.machine import spinn3
from neurochip.mapping.pipeline import map_network

LIF = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=1.0, tau_syn_E=5.0, tau_syn_I=5.0,
           i_offset=0.0, v_reset=-65.0, v_thresh=-50.0)


def converging(n_src=3, times=(5.0, 10.0, 15.0), arithmetic="fixed", record_v=False):
    """n_src sources, all spiking at `times`, each with one synapse onto one neuron."""
    k = len(times)
    src = PopulationSpec(label="src", model="SpikeSourceArray", size=n_src,
                         spike_lo=np.arange(0, k * n_src + 1, k),
                         spike_times=np.tile(np.asarray(times, float), n_src))
    tgt = PopulationSpec(label="tgt", model="IF_curr_exp", size=1,
                         params={n: np.full(1, v) for n, v in LIF.items()},
                         record={"v": np.ones(1, bool), "spikes": np.ones(1, bool)} if record_v else {})
    prj = ProjectionSpec(label="in", pre=0, post=1, receptor="excitatory",
                         pre_idx=np.arange(n_src), post_idx=np.zeros(n_src, np.int64),
                         weight=np.full(n_src, 0.5), delay=np.full(n_src, 1.0))
    graph = NetworkGraph(dt=1.0, populations=(src, tgt), projections=(prj,))
    return map_network(graph, spinn3(), arithmetic=arithmetic)


def changed(prog, group, **fields):
    """``prog`` with ``fields`` of one of its groups replaced (each group checks itself)."""
    return dataclasses.replace(prog, **{group: dataclasses.replace(getattr(prog, group), **fields)})


def test_ring_buffer_saturation_is_counted():
    m = converging()
    prog = m.program.synapses
    words = prog.syn.copy()
    is_word = np.zeros(len(words), bool)
    for e in range(len(prog.mpt_key)):
        assert prog.mpt_stride[e] == 0  # packed static rows: every word of each row
        for i in range(prog.mpt_n[e]):
            k = prog.mpt_row_lo[e] + i * prog.mpt_istride[e]
            is_word[prog.row_ptr[k]:prog.row_ptr[k + 1]] = True
    words[is_word] |= np.uint32(0xFFFF0000)  # heaviest weight: two of them overflow a slot
    res = load(changed(m.program, "synapses", syn=words)).run(30)
    # three packets per spike time land in one slot: the 2nd and 3rd saturate
    assert res.counter("ring_saturations").sum() == 2 * 3
    assert res.counter("synaptic_events").sum() == 3 * 3
    clean = load(m.program).run(30)
    assert clean.counter("ring_saturations").sum() == 0


def test_failed_master_table_search_is_counted():
    m = converging()
    wrong = m.program.synapses.mpt_key ^ np.uint32(1 << 30)  # no entry matches the real keys
    res = load(changed(m.program, "synapses", mpt_key=wrong), check_routes=True).run(30)
    assert res.counter("failed_mpt_searches").sum() == 9
    assert res.counter("synaptic_events").sum() == 0
    assert res.counter("packets_received").sum() == 9


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_runs_split_into_chunks_lose_nothing(arithmetic):
    m = converging(times=(5.0, 6.0, 7.0, 8.0, 30.0), arithmetic=arithmetic, record_v=True)
    whole = load(m.program).run(60)
    chunked = load(changed(m.program, "recording", max_ticks=7)).run(60)
    assert np.array_equal(whole.state_samples, chunked.state_samples)
    assert np.array_equal(whole.spike_ticks, chunked.spike_ticks)
    assert len(whole.spike_ticks) > 0
    assert whole.state_samples.shape[0] == 60


def test_program_validation_names_the_field():
    prog = converging().program
    sy = prog.synapses
    with pytest.raises(ProgramError, match=r"Synapses.syn must be a numpy array of uint32 of "
                                           r"shape \(\*,\), got int64"):
        changed(prog, "synapses", syn=sy.syn.astype(np.int64))
    with pytest.raises(ProgramError, match="arithmetic"):
        dataclasses.replace(prog, arithmetic="double")
    with pytest.raises(ProgramError, match="delay_bits of core 0 is 17"):
        changed(prog, "synapses", delay_bits=sy.delay_bits + 16)


def test_weights_are_quantised_per_population_with_a_shift():
    assert int(converging(n_src=3).program.synapses.shift[1, 0]) == 0  # 1.5 nA * 2**15 < 2**16
    m = converging(n_src=5)
    prog = m.program.synapses
    shift = int(prog.shift[1, 0])
    k = prog.mpt_row_lo[0]  # packed rows: the first row's words start at row_ptr[k]
    assert prog.mpt_stride[0] == 0 and prog.row_ptr[k + 1] > prog.row_ptr[k]
    w = int(prog.syn[prog.row_ptr[k]]) >> 16
    # 5 x 0.5 nA can arrive in one slot: 2.5 nA * 2**15 > 2**16, so one bit of shift
    assert shift == 1
    assert w == round(0.5 * 2 ** (15 - shift))


@pytest.mark.parametrize("n_bits", [1, 31, 32, 33, 1000])
def test_spike_words_are_read_as_every_set_bit_below_the_neuron_count(n_bits):
    """The host reads the recorded spike words (bit b of row t: neuron b spiked in tick t)
    without spreading every bit out; bits past the last neuron are ignored."""
    from neurochip.emulator.emulate import _set_bits

    rng = np.random.default_rng(n_bits)
    n_words = -(-n_bits // 32)
    bits = rng.random((57, n_words * 32)) < 0.05
    bits[:, n_bits:] = rng.random((57, n_words * 32 - n_bits)) < 0.5
    words = np.packbits(bits, axis=1, bitorder="little").view("<u4").astype(np.uint32)
    r, pos = _set_bits(words, n_bits)
    want_r, want_pos = np.nonzero(bits[:, :n_bits])
    np.testing.assert_array_equal(r, want_r)
    np.testing.assert_array_equal(pos, want_pos)


def test_packed_rows_index_is_int32_and_the_mapping_names_its_limit(monkeypatch):
    prog = converging(n_src=4).program.synapses
    assert prog.row_ptr.dtype == np.int32
    # row i of the packed entry holds source i's one synapse
    rows = prog.mpt_row_lo[0] + np.arange(prog.mpt_n[0]) * prog.mpt_istride[0]
    assert (prog.row_ptr[rows + 1] - prog.row_ptr[rows]).tolist() == [1, 1, 1, 1]
    # more packed words than an int32 index addresses: a MappingError with the count
    from neurochip.mapping import packed_rows
    from neurochip.mapping.errors import MappingError
    monkeypatch.setattr(packed_rows, "MAX_PACKED_WORDS", 3)
    with pytest.raises(MappingError, match=r"static synapses take 4 words of packed rows in "
                                           r"one machine; the row index \(int32\) addresses "
                                           r"at most 3"):
        converging(n_src=4)
