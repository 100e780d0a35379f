"""NIR graphs in and out: a round trip of a small recurrent graph, and the imported
cells' dynamics against the analytic solution of NIR's own equations."""

import subprocess
import sys

import numpy as np
import pytest

nir = pytest.importorskip("nir")

from neurochip.errors import NeurochipError  # noqa: E402
from neurochip.nir_export import to_nir  # noqa: E402
from neurochip.nir_import import NIRError, from_nir, set_input  # noqa: E402

DT = 1e-4  # s: the graph's step, 0.1 ms on the machine


def _full(value, n):
    return np.full(n, value, float)


def _cuba(n, **kw):
    p = dict(tau_syn=5e-3, tau_mem=10e-3, r=1.0, v_leak=0.0, v_threshold=1.0, v_reset=0.0, w_in=1.0)
    p.update(kw)
    return nir.CubaLIF(**{k: _full(v, n) for k, v in p.items()})


def _graph():
    """Input(3) -> Affine -> CubaLIF(4) (recurrent Linear) -> Affine -> Delay -> CubaLIF(2)."""
    fc1 = np.array([[20.0, 15.0, -5.0], [25.0, -10.0, 20.0], [15.0, 15.0, 15.0], [-8.0, 30.0, 10.0]])
    rec = np.array([[0.0, 2.0, -3.0, 1.0], [1.0, 0.0, 2.0, -1.5], [-2.0, 1.0, 0.0, 2.0],
                    [1.0, -1.0, 1.0, 0.0]])
    fc2 = np.array([[12.0, 10.0, -4.0, 8.0], [-3.0, 9.0, 11.0, 10.0]])
    nodes = {
        "input": nir.Input(input_type={"input": np.array([3])}),
        "fc1": nir.Affine(weight=fc1, bias=np.array([0.2, 0.0, 0.1, 0.3])),
        "lif1": _cuba(4, tau_syn=4e-3, w_in=1.5, v_leak=0.1),
        "rec": nir.Linear(weight=rec),
        "fc2": nir.Affine(weight=fc2, bias=np.zeros(2)),
        "delay": nir.Delay(delay=_full(5e-4, 2)),
        "lif2": _cuba(2, tau_mem=20e-3, r=2.0),
        "output": nir.Output(output_type={"output": np.array([2])}),
    }
    edges = [("input", "fc1"), ("fc1", "lif1"), ("lif1", "rec"), ("rec", "lif1"), ("lif1", "fc2"),
             ("fc2", "delay"), ("delay", "lif2"), ("lif2", "output")]
    return nir.NIRGraph(nodes=nodes, edges=edges)


def test_neurochip_imports_without_nir():
    code = ("import sys; sys.modules['nir'] = None; import pyNN.neurochip, neurochip.nir_import, "
            "neurochip.nir_export, neurochip.cli")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_round_trip_runs_and_gives_the_graph_back(tmp_path):
    import pyNN.neurochip as sim

    graph = _graph()
    nir.write(tmp_path / "net.nir", graph)
    raster = np.zeros((300, 3))
    raster[::10] = 1  # every input neuron fires every 1 ms of the 30 ms run
    net = from_nir(tmp_path / "net.nir", sim, dt=DT, setup=True, input_spikes={"input": raster})
    try:
        assert set(net.populations) == {"input", "lif1", "lif2"}
        assert net.outputs["output"] is net.populations["lif2"]
        assert [p.receptor_type for p in net.projections["fc1"]] == ["excitatory", "inhibitory"]
        lif1 = net.populations["lif1"]
        # bias through w_in: i_offset = w_in * b (nA)
        assert np.allclose(lif1.get("i_offset"), 1.5 * np.array([0.2, 0.0, 0.1, 0.3]))
        delays = net.projections["fc2"][0].get("delay", format="list")
        assert np.allclose([d for *_, d in delays], 0.6)  # 0.5 ms of Delay node + the edge's 0.1 ms
        for p in net.populations.values():
            p.record("spikes")
        sim.run(30.0)
        counts = {k: sum(len(s) for s in p.get_data().segments[0].spiketrains)
                  for k, p in net.populations.items()}
        assert counts["input"] == 90
        with pytest.raises(NIRError, match=r"'lif1', which is not an Input node.*\['input'\]"):
            set_input(net, "lif1", raster)
        assert counts["lif1"] > 0 and counts["lif2"] > 0  # spikes reach the output

        back = to_nir(net, dt=DT)
    finally:
        sim.end()
    # the same graph; the Delay node is named after its weight node
    rename = {"delay": "fc2_delay"}
    assert sorted(back.nodes) == sorted(rename.get(n, n) for n in graph.nodes)
    assert sorted(back.edges) == sorted((rename.get(a, a), rename.get(b, b)) for a, b in graph.edges)
    for name in ("lif1", "lif2"):
        a, b = graph.nodes[name], back.nodes[name]
        assert type(b) is nir.CubaLIF
        for k in ("tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset"):
            assert np.allclose(getattr(a, k), getattr(b, k), rtol=1e-12), (name, k)
    # export writes w_in = 1: the weights and bias come back multiplied by w_in
    w_in = {"fc1": 1.5, "rec": 1.5, "fc2": 1.0}
    for name, scale in w_in.items():
        assert np.allclose(back.nodes[name].weight, graph.nodes[name].weight * scale, rtol=1e-12)
    assert np.allclose(back.nodes["fc1"].bias, graph.nodes["fc1"].bias * 1.5)
    assert type(back.nodes["rec"]) is nir.Linear
    assert np.allclose(back.nodes["fc2_delay"].delay, 5e-4)


def _one_neuron(sim, cell, weight, spikes, duration, arithmetic, bias=None):
    """Input -> Linear/Affine(weight) -> cell; its recorded v and spike times (ms)."""
    nodes = {"input": nir.Input(input_type={"input": np.array([1])}),
             "w": (nir.Linear(weight=np.array([[weight]])) if bias is None
                   else nir.Affine(weight=np.array([[weight]]), bias=np.array([bias]))),
             "cell": cell}
    graph = nir.NIRGraph(nodes=nodes, edges=[("input", "w"), ("w", "cell")])
    sim.setup(timestep=DT * 1000, arithmetic=arithmetic)
    net = from_nir(graph, sim, input_spikes={"input": [spikes]})
    pop = net.populations["cell"]
    pop.record(["v", "spikes"])
    sim.run(duration)
    seg = pop.get_data().segments[0]
    sig = seg.filter(name="v")[0]
    t = np.asarray(sig.times.rescale("ms")).ravel() * 1e-3  # s
    out = np.asarray(seg.spiketrains[0].times.rescale("ms"))
    sim.end()
    return t, np.asarray(sig).ravel(), out


@pytest.mark.parametrize("arithmetic,tolerance", [("fixed", 1e-3), ("float", 1e-9)])
def test_cubalif_membrane_matches_the_nir_equations(arithmetic, tolerance):
    """tau_syn I' = -I + w_in W S, tau_mem v' = (v_leak - v) + R I with each spike a unit
    pulse of one dt: I jumps by W w_in dt/tau_syn and v follows the difference of
    exponentials. Spikes arrive one timestep late (the machine's minimum delay)."""
    import pyNN.neurochip as sim

    tau_syn, tau_mem, r, v_leak, w_in, w = 5e-3, 10e-3, 2.0, 0.5, 1.5, 50.0
    cell = _cuba(1, tau_syn=tau_syn, tau_mem=tau_mem, r=r, v_leak=v_leak, w_in=w_in,
                 v_threshold=100.0)
    spikes = [2.0, 7.3, 15.0]  # ms
    t, v, _ = _one_neuron(sim, cell, w, spikes, 40.0, arithmetic)
    expected = np.full_like(t, v_leak)
    jump = w * w_in * DT / tau_syn
    for tk in spikes:
        s = t - (tk * 1e-3 + DT)
        on = s >= -1e-12
        expected[on] += r * jump * tau_syn / (tau_syn - tau_mem) * (
            np.exp(-s[on] / tau_syn) - np.exp(-s[on] / tau_mem))
    peak = expected.max() - v_leak
    assert peak > 1.0  # a real response, not a flat line compared with a flat line
    assert np.max(np.abs(v - expected)) < tolerance * peak


@pytest.mark.parametrize("arithmetic,tolerance", [("fixed", 1e-3), ("float", 1e-9)])
def test_lif_membrane_with_bias_matches_the_nir_equations(arithmetic, tolerance):
    """tau v' = (v_leak - v) + R (W S + b): a jump of R W dt/tau at each arrival on top of
    the exponential approach to v_leak + R b."""
    import pyNN.neurochip as sim

    tau, r, v_leak, w, b = 8e-3, 3.0, -0.2, 40.0, 0.25
    cell = nir.LIF(tau=_full(tau, 1), r=_full(r, 1), v_leak=_full(v_leak, 1),
                   v_threshold=_full(100.0, 1), v_reset=_full(0.0, 1))
    spikes = [3.0, 4.5, 20.0]
    t, v, _ = _one_neuron(sim, cell, w, spikes, 40.0, arithmetic, bias=b)
    expected = v_leak + r * b * (1 - np.exp(-t / tau))
    for tk in spikes:
        s = t - (tk * 1e-3 + DT)
        on = s >= -1e-12
        expected[on] += r * w * DT / tau * np.exp(-s[on] / tau)
    span = expected.max() - expected.min()
    assert span > 1.0
    assert np.max(np.abs(v - expected)) < tolerance * span


@pytest.mark.parametrize("arithmetic", ["fixed", "float"])
def test_if_integrates_its_input_and_fires(arithmetic):
    """IF: v' = R (W S + b): a ramp of R b and a jump of R W dt at each arrival, reset to
    v_reset at v_threshold; the reference steps the same equation on the grid (the
    machine's tau_m of 1e5 ms leaks less than 4e-5 mV between spikes here)."""
    import pyNN.neurochip as sim

    r, b, w, v_th = 2.0, 150.0, 1000.0, 1.0  # a ramp of 0.03 mV per step, jumps of 0.2 mV
    cell = nir.IF(r=_full(r, 1), v_threshold=_full(v_th, 1), v_reset=_full(0.0, 1))
    spikes = [5.0, 12.0, 12.5]
    t, v, out = _one_neuron(sim, cell, w, spikes, 30.0, arithmetic, bias=b)
    arrivals = np.rint(np.array(spikes) / (DT * 1e3)).astype(int) + 1
    expected, fired, u = np.zeros(len(t)), [], 0.0
    for n in range(1, len(t)):
        u += r * b * DT + r * w * DT * np.count_nonzero(arrivals == n)
        if u >= v_th:
            fired.append(n * DT * 1e3)
            u = 0.0
        expected[n] = u
    assert len(fired) >= 5
    assert np.allclose(out, fired)
    assert np.max(np.abs(v - expected)) < 1e-3 * v_th


def test_subgraphs_are_flattened(sim):
    """snnTorch writes a recurrent layer as a subgraph with its own Input/Output nodes."""
    inner = nir.NIRGraph(
        nodes={"input": nir.Input(input_type={"input": np.array([2])}),
               "lif": nir.LIF(tau=_full(1e-3, 2), r=_full(10.0, 2), v_leak=_full(0.0, 2),
                              v_threshold=_full(1.0, 2)),
               "w_rec": nir.Linear(weight=np.array([[0.0, 0.5], [0.5, 0.0]])),
               "output": nir.Output(output_type={"output": np.array([2])})},
        edges=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")])
    graph = nir.NIRGraph(
        nodes={"input": nir.Input(input_type={"input": np.array([3])}),
               "fc": nir.Linear(weight=np.ones((2, 3))), "rleaky": inner,
               "output": nir.Output(output_type={"output": np.array([2])})},
        edges=[("input", "fc"), ("fc", "rleaky"), ("rleaky", "output")])
    net = from_nir(graph, sim, dt=DT)
    assert set(net.populations) == {"input", "rleaky.lif"}
    assert set(net.projections) == {"fc", "rleaky.w_rec"}
    assert net.outputs["output"] is net.populations["rleaky.lif"]
    # into an LIF a spike is a jump of R W dt / tau = 10 * 0.5 * 1e-4 / 1e-3 mV
    (rec,) = net.projections["rleaky.w_rec"]
    assert np.allclose([w for *_, w in rec.get("weight", format="list")], 0.5)


def _lif(n):
    return nir.LIF(tau=_full(1e-2, n), r=_full(1.0, n), v_leak=_full(0.0, n),
                   v_threshold=_full(1.0, n))


@pytest.mark.parametrize("node,edges,words", [
    (nir.Conv1d(input_shape=3, weight=np.ones((2, 1, 2)), stride=1, padding=0, dilation=1,
                groups=1, bias=np.zeros(2)), None, ["'bad'", "Conv1d", "Affine"]),
    (nir.LIF(tau=_full(-1e-2, 2), r=_full(1.0, 2), v_leak=_full(0.0, 2),
             v_threshold=_full(1.0, 2)), None, ["'bad'", "tau = -0.01", "> 0"]),
    (nir.Delay(delay=_full(1.5e-4, 2)), None, ["0.15 ms", "whole number of timesteps"]),
    (nir.Linear(weight=np.eye(2)), [("input", "w"), ("w", "bad"), ("bad", "cell")],
     ["two weight nodes", "one Affine"]),
])
def test_what_the_machine_cannot_run_is_a_clear_error(sim, node, edges, words):
    nodes = {"input": nir.Input(input_type={"input": np.array([2])}),
             "w": nir.Linear(weight=np.eye(2)), "bad": node, "cell": _lif(2)}
    edges = edges or [("input", "w"), ("w", "bad"), ("bad", "cell")]
    graph = nir.NIRGraph(nodes=nodes, edges=edges, type_check=False)
    with pytest.raises(NIRError) as info:
        from_nir(graph, sim, dt=DT)
    assert isinstance(info.value, NeurochipError)
    for word in words:
        assert word in str(info.value)


def test_export_refuses_what_nir_cannot_say(sim):
    cells = sim.Population(2, sim.IF_curr_exp(tau_syn_E=5.0, tau_syn_I=10.0, tau_refrac=0.0),
                           label="cells")
    with pytest.raises(NIRError, match="tau_syn_E != tau_syn_I"):
        to_nir([cells])
    refractory = sim.Population(2, sim.IF_curr_delta(tau_refrac=2.0), label="refractory")
    with pytest.raises(NIRError, match="tau_refrac = 2 ms"):
        to_nir([refractory])
    assert type(to_nir([refractory], drop_refractory=True).nodes["refractory"]) is nir.LIF


def test_command_line_runs_a_nir_file(tmp_path):
    from click.testing import CliRunner

    from neurochip.cli import main

    nir.write(tmp_path / "net.nir", _graph())
    raster = np.zeros((300, 3))
    raster[::10] = 1
    np.save(tmp_path / "in.npy", raster)
    out = CliRunner().invoke(main, ["nir", str(tmp_path / "net.nir"), "--duration", "30",
                                    "--input", f"input={tmp_path / 'in.npy'}",
                                    "--save", str(tmp_path / "out.npz")])
    assert out.exit_code == 0, out.output
    assert "output (lif2, 2 neurons)" in out.output
    saved = np.load(tmp_path / "out.npz")
    assert sorted(saved.files) == ["output/0", "output/1"]
    assert sum(len(saved[k]) for k in saved.files) > 0
    bad = CliRunner().invoke(main, ["nir", str(tmp_path / "net.nir"), "--input", "no-equals"])
    assert bad.exit_code == 2 and "NAME=FILE.npy" in bad.output
