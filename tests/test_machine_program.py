"""The MachineProgram contract as data: a program written by hand runs, each group names
what is wrong with it, the kernels take groups, and the clock reaches the budget."""

import dataclasses
import inspect
import math
import pkgutil

import numba
import numpy as np
import pytest

import neurochip.emulator as emulator
from neurochip.emulator import ProgramError, load
from neurochip.emulator.contract import CLOCK_HZ, KIND_SPIKE_ARRAY, TYPE_BITS
from neurochip.emulator.models import BY_NAME
from neurochip.emulator.program import Cores, MachineProgram, Recording, Routing, Sources, Synapses
from neurochip.emulator.routing_entry import ROUTE_ENTRY, make_route
from neurochip.mapping.neuron_constants import CONSTANTS

LIF = dict(v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=5.0,
           i_offset=0.0, v_reset=-70.0, v_thresh=-50.0)
DT = 0.1
W = 0.5  # nA
DELAY = 2  # ticks
SPIKES = (10, 20, 30)  # ticks of the spike times


def hand_program(type_bits=TYPE_BITS, **changes) -> MachineProgram:
    """One chip, two cores: a spike array (processor 1) with one neuron, one synapse of
    0.5 nA and 2 ticks onto an IF_curr_exp neuron (processor 2), in float arithmetic;
    ``type_bits``: the receptor field of the neuron core's synaptic words."""
    model = BY_NAME["IF_curr_exp"]
    consts, state = CONSTANTS["IF_curr_exp"]({k: np.full(1, v) for k, v in LIF.items()},
                                             {"v": np.full(1, -65.0)}, DT)
    params = np.zeros((2, len(model.PARAMS)))
    params[1] = [consts[name][0] for name, _ in model.PARAMS]
    state0 = np.zeros((2, len(model.STATE)))
    state0[1] = [np.asarray(state[name]).ravel()[0] for name, _ in model.STATE]
    word = (round(W * 2 ** 15) << 16) | (DELAY << type_bits)  # type 0, neuron 0
    delay_bits = 3
    rec_state = np.zeros((2, len(model.STATE)), bool)
    rec_state[1, [model.RECORD["v"][0], model.RECORD["isyn_exc"][0]]] = True
    parts = dict(
        routing=Routing(width=1, height=1, link_to=np.full((1, 6), -1, np.int32),
                        tables=np.array([(0x000, 0xFFFFFF00, make_route(cores=(2,)))], ROUTE_ENTRY),
                        table_lo=np.array([0, 1]), dest_lo=np.array([0, 1, 1]),
                        dest_core=np.array([1], np.int32)),
        cores=Cores(chip=np.zeros(2, np.int32), proc=np.array([1, 2], np.int32),
                    kind=np.array([KIND_SPIKE_ARRAY, model.KIND], np.int32),
                    key=np.array([0x000, 0x100], np.uint32),
                    mask=np.full(2, 0xFFFFFF00, np.uint32), sends=np.array([True, False]),
                    neuron_lo=np.array([0, 1, 2]), params=params, state0=state0),
        synapses=Synapses(ring_lo=np.array([0, 0, 1 << (delay_bits + type_bits)]),
                          type_bits=np.array([TYPE_BITS, type_bits], np.int32),
                          idx_bits=np.zeros(2, np.int32), delay_bits=np.full(2, delay_bits, np.int32),
                          shift=np.zeros((2, max(2, 1 << min(type_bits, 3))), np.int32),
                          mpt_lo=np.array([0, 0, 1]),
                          mpt_key=np.array([0x000], np.uint32),
                          mpt_mask=np.array([0xFFFFFF00], np.uint32), mpt_n=np.ones(1, np.int32),
                          mpt_row_lo=np.zeros(1, np.int64), mpt_stride=np.full(1, 2, np.int32),
                          syn=np.array([1, word], np.uint32), syn_wf=np.array([0.0, W])),
        sources=Sources(ssa_lo=np.array([0, len(SPIKES), len(SPIKES)]),
                        ssa_tick=np.array(SPIKES), ssa_idx=np.zeros(len(SPIKES), np.int32),
                        cdf_lo=np.zeros(2, np.int64), start=np.zeros(2, np.int64),
                        end=np.zeros(2, np.int64), rng0=np.zeros((2, 4), np.uint32)),
        recording=Recording(spikes=np.array([True, False]), state=rec_state))
    for key, fields in changes.items():
        parts[key] = dataclasses.replace(parts[key], **fields)
    return MachineProgram(dt=DT, arithmetic="float", **parts)


def test_a_program_written_by_hand_runs():
    model = BY_NAME["IF_curr_exp"]
    res = load(hand_program()).run(60)
    # the source's spikes: sent at the end of tick ssa_tick - 1
    assert res.spike_ticks.tolist() == [t - 1 for t in SPIKES]
    assert res.counter("packets_received").tolist() == [0, 3]
    assert res.counter("synaptic_events").tolist() == [0, 3]
    assert res.router_packets.tolist() == [3]
    # sample k is the state at (k+1)*dt: the current jumps by W at the spike time + delay
    # and decays with tau_syn_E; V follows NEST's exact propagator
    isyn = res.state_samples[:, list(res.state_column).index(model.RECORD["isyn_exc"][0])]
    t = (np.arange(60) + 1)
    expect = sum(W * np.exp(-(t - s - DELAY) * DT / LIF["tau_syn_E"]) * (t >= s + DELAY)
                 for s in SPIKES)
    assert np.allclose(isyn, expect, rtol=1e-12, atol=1e-15)
    v = res.state_samples[:, list(res.state_column).index(model.RECORD["v"][0])]
    assert v[:SPIKES[0] + DELAY - 1].tolist() == [-65.0] * (SPIKES[0] + DELAY - 1)
    tau_m, tau_s, cm = LIF["tau_m"], LIF["tau_syn_E"], LIF["cm"]
    h = 5 * DT  # five ticks after the first arrival: the PSP of one exponential current
    psp = W * tau_m * tau_s / (cm * (tau_s - tau_m)) * (math.exp(-h / tau_s) - math.exp(-h / tau_m))
    assert v[SPIKES[0] + DELAY - 1 + 5] == pytest.approx(-65.0 + psp, rel=1e-12)


def test_a_core_may_have_more_receptor_slots():
    """Four receptor slots per neuron and tick (two used) run as two do: the ring and the
    synaptic word take the core's own type bits."""
    two = load(hand_program()).run(60)
    four_program = hand_program(type_bits=2)
    assert np.diff(four_program.synapses.ring_lo)[1] == 32  # 8 ticks x 4 receptors x 1 neuron
    four = load(four_program).run(60)
    assert np.array_equal(two.state_samples, four.state_samples)
    assert np.array_equal(two.counters, four.counters)
    with pytest.raises(ProgramError, match=r"type_bits holds 4, outside 1..3"):
        hand_program(type_bits=4)
    # every receptor slot of a core needs its weight shift (the cores read them)
    with pytest.raises(ProgramError, match=r"shift has 2 columns: one per receptor of the core "
                                           r"with the most \(2\*\*type_bits = 4\)"):
        hand_program(type_bits=2, synapses={"shift": np.zeros((2, 2), np.int32)})


@pytest.mark.parametrize("group,fields,message", [
    ("cores", {"kind": np.array([KIND_SPIKE_ARRAY, 99], np.int32)},
     r"Cores.kind holds 99, neither a source kind"),
    ("cores", {"proc": np.array([1, 40], np.int32)}, r"Cores.proc holds 40, outside 0..31"),
    ("cores", {"key": np.array([0x001, 0x100], np.uint32)}, r"Cores.key of core 0 \(0x00000001\) has bits"),
    ("synapses", {"mpt_n": np.ones(2, np.int32)},
     r"Synapses.mpt_n must be a numpy array of int32 of shape \(1,\), got int32 of shape \(2,\)"),
    ("synapses", {"dyn_kind": np.array([7], np.int32), "dyn_row_lo": np.zeros(1, np.int64),
                  "dyn_stride": np.ones(1, np.int32), "mpt_dyn_lo": np.array([0, 1])},
     r"Synapses.dyn_kind holds 7, not a synapse-dynamics kind"),
    ("synapses", {"mpt_lo": np.array([0, 1, 0])}, r"Synapses.mpt_lo must run from 0 up to 1"),
    ("synapses", {"mpt_row_lo": np.array([5])}, r"strided static rows run to word 7, past the end"),
    ("synapses", {"ring_lo": np.array([0, 0, 8])}, r"gives core 1 a ring of 8 entries"),
    ("synapses", {"mpt_stride": np.zeros(1, np.int32), "row_ptr": np.array([2, 1])},
     r"row_ptr \(2 entries\) must index each packed entry's rows inside syn \(2 words\), in order"),
    ("synapses", {"mpt_stride": np.zeros(1, np.int32), "row_ptr": np.array([0, 3])},
     r"row_ptr \(2 entries\) must index each packed entry's rows inside syn \(2 words\), in order"),
    ("synapses", {"mpt_istride": np.zeros(1, np.int32)}, r"Synapses.mpt_istride must be >= 1"),
    ("synapses", {"mpt_stride": np.zeros(1, np.int32), "mpt_n": np.full(1, 2, np.int32),
                  "mpt_istride": np.full(1, 2, np.int32), "row_ptr": np.array([0, 1, 2])},
     r"row_ptr \(3 entries\) must index each packed entry's rows"),
    ("sources", {"ssa_idx": np.array([0, 3, 0], np.int32)}, r"ssa_idx holds a neuron beyond"),
    ("sources", {"ssa_tick": np.array([20, 10, 30])}, r"ssa_tick must be sorted within each core"),
    ("recording", {"state": np.zeros((2, 2), bool)}, r"recording.state has shape \(2, 2\)"),
    ("routing", {"table_lo": np.array([0, 2])}, r"Routing.table_lo must run from 0 up to 1"),
    ("routing", {"dest_core": np.array([5], np.int32)}, r"dest_core holds a core outside 0..1"),
])
def test_each_group_names_what_is_wrong(group, fields, message):
    with pytest.raises(ProgramError, match=message):
        hand_program(**{group: fields})


def test_packed_rows_in_order_pass_the_check():
    hand_program(synapses={"mpt_stride": np.zeros(1, np.int32), "row_ptr": np.array([1, 2])})


def test_the_row_index_is_int32_and_names_its_limit():
    # one index type for every program (one compiled kernel): an int64 index that fits is
    # taken as int32, one beyond 2**31 - 1 words is refused with the limit
    prog = hand_program(synapses={"mpt_stride": np.zeros(1, np.int32),
                                  "row_ptr": np.array([1, 2], np.int64)})
    assert prog.synapses.row_ptr.dtype == np.int32
    assert prog.synapses.row_ptr.tolist() == [1, 2]
    with pytest.raises(ProgramError, match=r"row_ptr holds 2147483648: the packed rows' index "
                                           r"is int32, words 0..2147483647 of syn"):
        hand_program(synapses={"mpt_stride": np.zeros(1, np.int32),
                               "row_ptr": np.array([1, 1 << 31], np.int64)})


def _kernels():
    for info in pkgutil.walk_packages(emulator.__path__, "neurochip.emulator."):
        module = __import__(info.name, fromlist=["_"])
        for name, obj in vars(module).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher) and obj.__module__ == info.name:
                yield f"{info.name}.{name}", obj


def test_no_kernel_takes_a_long_list_of_arrays():
    sizes = {name: len(inspect.signature(k.py_func).parameters) for name, k in _kernels()}
    assert len(sizes) > 20
    assert max(sizes.values()) <= 15, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def test_the_clock_sets_the_cycle_budget():
    """A core's cycle estimate is checked against dt * clock_hz of the program."""
    fast = load(hand_program()).run(40)
    slow = load(dataclasses.replace(hand_program(), clock_hz=CLOCK_HZ // 1000)).run(40)
    assert fast.counter("overrun_ticks").sum() == 0
    # 20 kHz x 0.1 ms = 2 cycles a tick: every tick of both cores overruns
    assert slow.counter("overrun_ticks").tolist() == [40, 40]
    with pytest.raises(ProgramError, match="clock_hz=0"):
        dataclasses.replace(hand_program(), clock_hz=0)
