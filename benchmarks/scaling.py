"""Scaling series: the Brunel network at fixed in-degree (CE=1000, CI=250) and growing size.

Each size runs ``examples/brunel.py`` in a fresh process on neurochip (fixed point), and on
NEST (import line switched) up to ``--nest-max-scale``; prints neurons, synapses, the
map/load/emulate stages, synaptic events per second and the peak resident memory (RSS: the
whole process; sim: its peak before the example's own spike statistics, and that in bytes per
synapse, the interpreter and compiled kernels included).

    python benchmarks/scaling.py [--scales 0.2 0.4 0.8 2 4 8] [--duration 200]
                                 [--nest-max-scale 0.4] [--json out.json]
"""

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from run import events, run_all  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.2, 0.4, 0.8, 2.0, 4.0, 8.0],
                    help="fractions of NE=10000, NI=2500 (above 0.1: NE must exceed CE)")
    ap.add_argument("--duration", type=float, default=200.0, help="ms")
    ap.add_argument("--nest-max-scale", type=float, default=0.4, help="NEST up to this scale")
    ap.add_argument("--timeout", type=float, default=None, help="s per process")
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    rows = []
    for s in a.scales:
        res = run_all("brunel", ["--scale", str(s), "--duration", str(a.duration)],
                      use_nest=s <= a.nest_max_scale, use_float=False, timeout=a.timeout, scale=s)
        for label, r in res.items():
            rows.append((s, label, r))
            print(f"scale {s:g} {label}: run {r['run']:.2f} s, RSS {r['rss']:.0f} MiB", flush=True)
    print(f"\nBrunel scaling at fixed in-degree, {a.duration:g} ms at dt = 0.1 ms, fresh process "
          f"each (NEST events estimated from the rates)")
    print(f"{'scale':>6} {'simulator':16}{'neurons':>8}{'synapses':>11}{'build':>7}{'map':>7}"
          f"{'load':>6}{'emulate':>8}{'run':>7}{'wall':>7}{'exc Hz':>7}{'Mev/s':>7}"
          f"{'Mev/s em':>9}{'RSS MiB':>8}{'sim MiB':>8}{'B/syn':>6}")
    for s, label, r in rows:
        st = r.get("stages") or {}
        ev = events(r, a.duration)
        em = f"{ev / st['emulate'] / 1e6:9.1f}" if st else f"{'-':>9}"

        def f(k, w, st=st):
            return f"{st[k]:{w}.2f}" if k in st else f"{'-':>{w}}"
        print(f"{s:6g} {label:16}{r['n']:8d}{r['synapses']:11d}{r['build']:7.2f}{f('map', 7)}"
              f"{f('load', 6)}{f('emulate', 8)}{r['run']:7.2f}{r['wall']:7.1f}"
              f"{r['rates']['excitatory']:7.1f}{ev / r['run'] / 1e6:7.1f}{em}{r['rss']:8.0f}"
              f"{r['rss_sim']:8.0f}{r['rss_sim'] * 2 ** 20 / max(r['synapses'], 1):6.1f}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump([{"scale": s, "simulator": label,
                        **{k: v for k, v in r.items() if k != "stdout"}} for s, label, r in rows],
                      fh, indent=1, default=str)


if __name__ == "__main__":
    main()
