#!/usr/bin/env python3
"""Where a study's time went, from its run.json files (standard library only).

usage: python3 tools/demo/time_shares.py RESULTS_FOLDER [--wall SECONDS] [--world SECONDS]

Sums each learner's `timings` (features: encoding or loading the training features; train; evaluate)
over its runs and prints a Markdown table with each phase's share of the wall time. --wall is the
whole command's wall time (e.g. the demo's "demo finished in N s"), --world the world generation's
(the log's "generated 6 world datasets ... in N s"); what neither the runs nor the world account for
is start-up, splits, report and charts.
"""
import argparse, json, pathlib, collections

def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--wall", type=float)
    p.add_argument("--world", type=float, default=0.0)
    a = p.parse_args()
    rows = collections.OrderedDict()
    order = []
    for f in sorted(pathlib.Path(a.results).rglob("run.json")):
        r = json.loads(f.read_text())
        for v in r.get("studyVariants", []):
            if v not in order:
                order.append(v)
        t = r["timings"]
        s = rows.setdefault(r["variant"], collections.Counter())
        s["runs"] += 1
        for k in ("features", "train", "evaluate", "total"):
            s[k] += t.get(k, 0.0)
    names = [v for v in order if v in rows] + sorted(v for v in rows if v not in order)
    runs_total = sum(rows[v]["total"] for v in names)
    wall = a.wall or (runs_total + a.world)
    print("| part | runs | features s | train s | evaluate s | total s | share of wall |")
    print("|:--|--:|--:|--:|--:|--:|--:|")
    if a.world:
        print(f"| world generation | | | | | {a.world:.1f} | {100 * a.world / wall:.1f}% |")
    for v in names:
        s = rows[v]
        print(f"| {v} | {s['runs']} | {s['features']:.1f} | {s['train']:.1f} | {s['evaluate']:.1f} | {s['total']:.1f} |"
              f" {100 * s['total'] / wall:.1f}% |")
    rest = wall - runs_total - a.world
    print(f"| everything else (start-up, splits, report, charts) | | | | | {rest:.1f} | {100 * rest / wall:.1f}% |")
    print(f"| **wall** | | | | | {wall:.1f} | 100% |")

if __name__ == "__main__":
    main()
