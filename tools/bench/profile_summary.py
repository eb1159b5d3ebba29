"""Summarises a PyTorch profiler trace (Chrome trace JSON, as `bin/ckcoop bench train --native-profile FILE`
writes it through DJL's JniUtils.startProfile/stopProfile, or torch.autograd.profiler's export_chrome_trace):
self time (own duration minus the ops nested in it on the same thread) and total time per op name,
calls, and the share of all self time.

usage: python3 tools/bench/profile_summary.py TRACE.json [--top 25] [--steps N]
"""
import argparse, collections, json


def events(path):
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data.get("traceEvents", [])
    return [e for e in data if e.get("ph") == "X" and "dur" in e]


def summarise(evs):
    by_thread = collections.defaultdict(list)
    for e in evs:
        by_thread[(e.get("pid"), e.get("tid"))].append(e)
    self_t, total, calls = collections.Counter(), collections.Counter(), collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, event, child time]
        def close(item):
            end, e, child = item
            self_t[e["name"]] += float(e["dur"]) - child
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                close(stack.pop())
            if stack:
                stack[-1][2] += dur
            stack.append([ts + dur, e, 0.0])
            total[e["name"]] += dur
            calls[e["name"]] += 1
        while stack:
            close(stack.pop())
    return self_t, total, calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--steps", type=int, default=1, help="divide by this many steps (per-step ms)")
    a = ap.parse_args()
    self_t, total, calls = summarise(events(a.trace))
    all_self = sum(self_t.values()) or 1.0
    print(f"{'op':<44} {'self ms/step':>12} {'share':>6} {'total ms/step':>13} {'calls/step':>10}")
    for name, t in self_t.most_common(a.top):
        print(f"{name[:44]:<44} {t / 1e3 / a.steps:>12.1f} {100 * t / all_self:>5.1f}% {total[name] / 1e3 / a.steps:>13.1f}"
              f" {calls[name] / a.steps:>10.0f}")
    print(f"{'(all ops, self)':<44} {all_self / 1e3 / a.steps:>12.1f}")


if __name__ == "__main__":
    main()
