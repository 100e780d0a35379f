"""The ``neurochip`` command line (also ``python -m neurochip``).

    neurochip run [--arithmetic float] [--machine spinn5] [--threads N] [--report DIR]
                  [--strict] [--spike-time-convention spinnaker] SCRIPT [script arguments...]
    neurochip report [--out DIR] SCRIPT [script arguments...]    # run, then the mapping report
    neurochip compare [--out DIR] SCRIPT [script arguments...]   # fixed point against float
    neurochip nir MODEL.nir [--dt 1e-4] [--duration MS] [--input NAME=RASTER.npy]
                  [--arithmetic float] [--machine spinn5] [--save SPIKES.npz]
    neurochip machines          # the machine presets and their limits
    neurochip warmup            # compile the emulator's kernels once, for both arithmetics

``run`` runs an ordinary PyNN script written for ``pyNN.neurochip``: the options given
here override what the script's ``setup()`` says, and ``--report`` writes the mapping
report of its last network afterwards. click does the parsing (help, errors, ``--``).
"""

from __future__ import annotations

import os
import runpy
import sys
import time

import click

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="neurochip")
def main():
    """neurochip: PyNN networks on an emulated SpiNNaker-like machine."""


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("script", type=click.Path(exists=True, dir_okay=False))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--arithmetic", type=click.Choice(["fixed", "float"]), help="override setup()")
@click.option("--machine", help="'spinn3', 'spinn5' or 'WxH' (a torus); override setup()")
@click.option("--threads", type=int, help="emulator threads; override setup()")
@click.option("--strict", is_flag=True, default=None, help="the machine's reports are errors")
@click.option("--spike-time-convention", "convention", type=click.Choice(["nest", "spinnaker"]),
              help="'spinnaker': spikes stamped at the start of their step, as sPyNNaker "
                   "(a script written for it); override setup()")
@click.option("--report", "report_dir", type=click.Path(file_okay=False),
              help="write the mapping report of the last network into this folder")
def run(script, script_args, arithmetic, machine, threads, strict, convention, report_dir):
    """Run a PyNN SCRIPT (written for pyNN.neurochip) with these setup() overrides (they
    come before SCRIPT; what follows it is the script's own command line)."""
    overrides = {k: v for k, v in (("arithmetic", arithmetic), ("machine", machine),
                                   ("threads", threads), ("strict", strict),
                                   ("spike_time_convention", convention)) if v is not None}
    _run_script(script, script_args, overrides)
    if report_dir:
        _report(script, report_dir)


def _run_script(script, script_args, overrides):
    from neurochip import control, simulator
    simulator.state.clear()  # what is reported afterwards is this script's network or nothing
    control.OVERRIDES.clear()
    control.OVERRIDES.update(overrides)
    argv = sys.argv
    sys.argv = [script, *script_args]
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv = argv
        control.OVERRIDES.clear()


def _report(script, folder):
    from neurochip import reports, simulator
    if simulator.state.mapping is None:
        raise click.ClickException(f"{script} mapped no network: there is nothing to report")
    for path in reports.mapping_report(folder):
        click.echo(f"report: {path}")


def _default_out(script, what):
    stem = os.path.splitext(os.path.basename(script))[0]
    return os.path.join("out", f"{stem}-{what}")


SCRIPT_COMMAND = {"ignore_unknown_options": True, "allow_interspersed_args": False}


@main.command(context_settings=SCRIPT_COMMAND,
              short_help="Run SCRIPT, then write the mapping report of its last network.")
@click.argument("script", type=click.Path(exists=True, dir_okay=False))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--out", "folder", type=click.Path(file_okay=False),
              help="report folder (default: out/SCRIPTNAME-report)")
def report(script, script_args, folder):
    """Run a PyNN SCRIPT, then write the mapping report of its last network into a folder:
    placement.txt, routing_tables.txt, mapping.json, chips.png (chips, links, routing
    tables, real-time load) and activity.png (rasters and population rates of the
    populations that record spikes). Options come before SCRIPT; what follows it is the
    script's own command line. (With setup() overrides: neurochip run --report DIR.)"""
    _run_script(script, script_args, {})
    _report(script, folder or _default_out(script, "report"))


@main.command(context_settings=SCRIPT_COMMAND,
              short_help="Run SCRIPT in fixed point and in float64; compare the two.")
@click.argument("script", type=click.Path(exists=True, dir_okay=False))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--out", "folder", type=click.Path(file_okay=False),
              help="where compare.txt, compare.json and compare.png go "
                   "(default: out/SCRIPTNAME-compare)")
def compare(script, script_args, folder):
    """Run a PyNN SCRIPT twice, in fixed point (the machine) and in float64, and compare
    what each population recorded: rates, spike-train distances (van Rossum,
    Victor-Purpura; also as a fraction of what independent Poisson trains of the same
    rates give), differences of the recorded traces, and the fixed run's quantisation
    warnings. Options come before SCRIPT; what follows it is the script's own command
    line."""
    from neurochip.compare import compare_script
    from neurochip.errors import NeurochipError
    try:
        result = compare_script(script, folder or _default_out(script, "compare"), script_args)
    except NeurochipError as e:
        raise click.ClickException(str(e)) from None
    with open(result["paths"][0]) as f:
        click.echo(f.read(), nl=False)
    for path in result["paths"]:
        click.echo(f"written: {path}")


@main.command("nir")
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.option("--dt", type=float, default=1e-4, show_default=True,
              help="the graph's time step in seconds (one spike); also the machine's timestep")
@click.option("--duration", type=float, default=100.0, show_default=True, help="ms to run")
@click.option("--input", "inputs", multiple=True, metavar="NAME=FILE.npy",
              help="spike counts (steps x neurons) of an Input node; repeatable")
@click.option("--arithmetic", type=click.Choice(["fixed", "float"]), default="fixed")
@click.option("--machine", help="'spinn3', 'spinn5' or 'WxH' (a torus)")
@click.option("--save", type=click.Path(dir_okay=False), help="write the outputs' spike times (.npz)")
def nir_model(model, dt, duration, inputs, arithmetic, machine, save):
    """Run a NIR graph (MODEL.nir, e.g. from snnTorch or Norse) on the machine and print
    the spike counts of its Output nodes (see neurochip.nir_import for the mapping)."""
    import numpy as np
    import pyNN.neurochip as sim

    from neurochip.nir_import import from_nir
    given = {}
    for item in inputs:
        name, sep, path = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: give NAME=FILE.npy", param_hint="--input")
        given[name] = np.load(path)
    sim.setup(timestep=dt * 1000.0, arithmetic=arithmetic,
              **({"machine": machine} if machine else {}))
    net = from_nir(model, sim, input_spikes=given)
    for pop in net.outputs.values():
        pop.record("spikes")
    sim.run(duration)
    saved = {}
    for out, pop in net.outputs.items():
        trains = pop.get_data().segments[0].spiketrains
        counts = [len(s) for s in trains]
        click.echo(f"{out} ({pop.label}, {pop.size} neurons): {sum(counts)} spikes in "
                   f"{duration:g} ms; per neuron {counts}")
        for i, s in enumerate(trains):
            saved[f"{out}/{i}"] = np.asarray(s.times.rescale("ms"))
    sim.end()
    if save:
        np.savez(save, **saved)


@main.command()
def machines():
    """The machine presets and their limits (setup(machine=...))."""
    from neurochip.mapping.machine import spinn3, spinn5, torus
    rows = [("spinn3", spinn3()), ("spinn5", spinn5()), ("8x8", torus(8, 8))]
    click.echo(f"{'machine':10}{'chips':>7}{'cores':>8}{'router':>8}{'DTCM':>8}{'SDRAM':>10}"
               f"{'clock':>9}  wrap")
    for name, m in rows:
        click.echo(f"{name:10}{m.n_chips:>7}{m.n_chips * m.app_cores_per_chip:>8}"
                   f"{m.router_entries:>8}{m.dtcm_bytes // 1024:>6}Ki{m.sdram_bytes / 1e6:>8.0f}MB"
                   f"{m.clock_hz / 1e6:>6.0f}MHz  {'yes' if m.wrap else 'no'}")
    click.echo("cores: application cores (one per chip runs the monitor); router: usable "
               "entries per chip; 'WxH' gives any torus; default: the smallest that fits")


@main.command()
def warmup():
    """Compile the emulator's kernels for both arithmetics now: the lean kernel (IF_curr_exp
    and IF_cond_exp, static synapses; about 15 s each) and the full one (every cell type
    and plasticity; about 60 s each), each as a one-thread loop and, where numba has more
    than one thread, a multi-thread loop (about 10 and 25 s more). Later runs load them
    from the cache in a fraction of a second."""
    import numba
    import pyNN.neurochip as sim
    loops = {1: "one-thread"}
    if numba.config.NUMBA_NUM_THREADS > 1:
        loops[2] = "multi-thread"
    for arithmetic in ("fixed", "float"):
        for tier in ("lean", "full"):
            for threads, loop in loops.items():
                t = time.perf_counter()
                sim.setup(timestep=0.1, arithmetic=arithmetic, threads=threads)
                cells = sim.Population(2, sim.IF_curr_exp(i_offset=1.0))
                noise = sim.Population(2, sim.SpikeSourcePoisson(rate=100.0))
                synapse = sim.StaticSynapse(weight=0.1)
                if tier == "full":  # a plastic projection: the full kernel
                    synapse = sim.STDPMechanism(
                        timing_dependence=sim.SpikePairRule(),
                        weight_dependence=sim.AdditiveWeightDependence(w_max=0.2), weight=0.1)
                sim.Projection(noise, cells, sim.AllToAllConnector(), synapse)
                sim.DCSource(amplitude=0.1).inject_into(cells)
                sim.run(1.0)
                sim.end()
                click.echo(f"{arithmetic}, {tier} kernel, {loop} loop: ready in "
                           f"{time.perf_counter() - t:.1f} s")
