"""Writes python-random-golden.json: streams of CPython's `random` that PythonRandomTest and
FewShotSamplerTest must reproduce bit for bit.

Run with any CPython 3.6+ (no third-party modules):
    python3 python_random_golden.py > python-random-golden.json
The output is the same for CPython 3.6 to 3.13 (checked: 3.6.15, 3.7.16, 3.8.18, 3.9.18, 3.10.13,
3.11.2, 3.11.7, 3.12.1, 3.13.0), so the file does not depend on the interpreter that wrote it.

The few-shot cases replay Dassl's `DatasetBase.generate_fewshot_dataset` (KaiyangZhou/Dassl.pytorch,
dassl/data/datasets/base_dataset.py) after `set_random_seed(seed)` (dassl/utils/tools.py, which calls
`random.seed(seed)` before numpy's and torch's seeds), as CoOp's datasets call it: first the train
list with K shots, then the val list with min(K, 4) shots, on the same stream.
"""
import json
import random
import sys
from collections import defaultdict

SEEDS = [0, 1, 2, 3, 42, 123456789, 2**32 - 1, 2**32, 2**40 + 7, 2**64 + 5, 12345678901234567890123]


def stream_cases():
    out = []
    for seed in SEEDS:
        r = random.Random(seed)
        draws = [r.getrandbits(32) for _ in range(1300)]
        r = random.Random(seed)
        bits = []
        for k in list(range(1, 70)) + [95, 96, 97, 128, 200]:
            bits.append([k, str(r.getrandbits(k))])
        r = random.Random(seed)
        floats = [repr(r.random()) for _ in range(8)]
        r = random.Random(seed)
        below = []
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 100, 1000, 4128, 2**31 - 1, 2**31, 2**31 + 1,
                  2**32 - 1, 2**32, 2**40 + 3, 2**62 + 1, 2**63 - 1]:
            below.append([str(n), str(r._randbelow(n))])
        out.append({
            "seed": str(seed),
            "uint32_first": draws[:8],
            "uint32_620": draws[620:632],
            "uint32_1240": draws[1240:1252],
            "getrandbits": bits,
            "random": floats,
            "randbelow": below,
        })
    return out


def sample_cases():
    cases = []
    pairs = [(1, 0), (1, 1), (5, 5), (10, 3), (21, 5), (22, 5), (26, 6), (27, 6), (30, 16), (84, 16), (85, 16),
             (86, 16), (100, 16), (500, 16), (5000, 16), (50, 50), (64, 21), (85, 21), (86, 21), (277, 22),
             (278, 22), (1000, 1000), (4000, 333), (100000, 16), (2000, 2000)]
    for seed in [1, 2, 3, 7]:
        for n, k in pairs:
            r = random.Random(seed)
            cases.append({"seed": seed, "n": n, "k": k, "result": r.sample(range(n), k)})
    return cases


def choices_cases():
    cases = []
    for seed in [1, 2, 3]:
        for n, k in [(1, 4), (3, 16), (7, 16), (15, 16), (1000, 50)]:
            r = random.Random(seed)
            cases.append({"seed": seed, "n": n, "k": k, "result": r.choices(range(n), k=k)})
    return cases


def setsize_cases():
    import math
    ks = list(range(0, 200)) + [(4**m - 1) // 3 + d for m in range(2, 16) for d in (-1, 0, 1, 2)]
    out = []
    for k in sorted(set(ks)):
        setsize = 21
        if k > 5:
            setsize += 4 ** math.ceil(math.log(k * 3, 4))
        out.append([k, setsize])
    return out


def generate_fewshot_dataset(data_source, num_shots, repeat):
    # Dassl's body for one data source; items are (index, label) pairs standing for Datum objects.
    tracker = defaultdict(list)
    for item in data_source:
        tracker[item[1]].append(item)
    dataset = []
    for label, items in tracker.items():
        if len(items) >= num_shots:
            sampled_items = random.sample(items, num_shots)
        else:
            if repeat:
                sampled_items = random.choices(items, k=num_shots)
            else:
                sampled_items = items
        dataset.extend(sampled_items)
    return dataset


def fabricated_labels(n_classes, sizes, rng):
    labels = []
    for c in range(n_classes):
        labels += [c] * sizes[c]
    rng.shuffle(labels)  # interleaved, so first appearance is not label order
    return labels


def fewshot_cases():
    layout_rng = random.Random(2024)
    layouts = []
    for n_classes, lo, hi in [(5, 2, 30), (12, 10, 40), (37, 1, 60)]:
        train_sizes = [layout_rng.randint(lo, hi) for _ in range(n_classes)]
        val_sizes = [layout_rng.randint(1, 8) for _ in range(n_classes)]
        layouts.append({
            "train_labels": fabricated_labels(n_classes, train_sizes, layout_rng),
            "val_labels": fabricated_labels(n_classes, val_sizes, layout_rng),
        })
    cases = []
    for li, layout in enumerate(layouts):
        train = list(enumerate(layout["train_labels"]))
        val = list(enumerate(layout["val_labels"]))
        for seed in [0, 1, 2, 3]:
            for shots in [1, 2, 4, 8, 16]:
                for repeat in [False, True]:
                    random.seed(seed)  # set_random_seed(seed)
                    few_train = generate_fewshot_dataset(train, shots, repeat)
                    few_val = generate_fewshot_dataset(val, min(shots, 4), repeat)
                    cases.append({"layout": li, "seed": seed, "shots": shots, "repeat": repeat,
                                  "train": [i for i, _ in few_train], "val": [i for i, _ in few_val]})
    return layouts, cases


def main():
    layouts, cases = fewshot_cases()
    golden = {
        "streams": stream_cases(),
        "sample": sample_cases(),
        "choices": choices_cases(),
        "setsize": setsize_cases(),
        "fewshot_layouts": layouts,
        "fewshot": cases,
    }
    json.dump(golden, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
