"""The default number of threads: one per core the other processes leave free."""

import pyNN.neurochip as sim

from neurochip.emulator.free_cores import FreeCores


def _looks(*snaps):
    it = iter(snaps)
    return FreeCores(snapshot=lambda: next(it))


def test_a_core_held_by_another_process_leaves_one_thread():
    # 1 s of wall time: the machine was busy 1.6 CPU-s, 0.6 of them ours
    free = _looks((0.0, 10.0, 1.0), (1.0, 11.6, 1.6))
    assert free.threads(most=2, cores=2) == 1


def test_a_quiet_machine_gives_every_thread():
    free = _looks((0.0, 10.0, 1.0), (1.0, 10.9, 1.85))  # all of it ours
    assert free.threads(most=2, cores=2) == 2


def test_a_look_too_soon_after_the_last_keeps_the_estimate():
    free = _looks((0.0, 10.0, 1.0), (1.0, 11.6, 1.6), (1.05, 11.7, 1.6))
    assert free.threads(most=2, cores=2) == 1
    assert free.threads(most=2, cores=2) == 1  # 50 ms: too short to say anything new


def test_no_proc_stat_counts_every_core_free():
    free = _looks(None, None)
    assert free.threads(most=4, cores=4) == 4


def test_explicit_threads_are_kept_and_reported():
    sim.setup(timestep=0.1, threads=1)
    sim.Population(2, sim.IF_curr_exp(i_offset=1.0))
    sim.run(5.0)
    assert sim.provenance()["threads"] == 1
    sim.end()
