"""Computes, in CPython alone, the goldens of SplitStoreTest: the source hash of the fabricated
OxfordPets dataset (3 classes; per class 5 train, 3 val, 2 test images c<c>/<part>_<i>.jpg, entries
class by class) and the identity (SHA-256) of its 2-shot, seed-1 split file.

    python3 split_file_golden.py
    source 11df1f05db6ca6015b3e236f349c5567152c667a03edfbaed3abccfd9e299dbe
    identity ce44b3becc0ec387da3a90cab1b33683b3f7aa06d6287cdd3d61180bc1df1baf

It shows what the Java side computes: DatasetSplits.sourceHash() is
sha256(json.dumps({"classnames": ..., "train": ..., "val": ..., "test": ...})), the few-shot split is
Dassl's generate_fewshot_dataset after random.seed(seed) (train with K shots, then val with
min(K, 4)), entries_sha256 is sha256(json.dumps({"classnames": ..., "train": ..., "val": ...})),
and the split file is the layout below, whose SHA-256 is the split's identity.
"""
import hashlib
import json
import random
from collections import defaultdict

names = ["abyssinian", "beagle", "great_pyrenees"]
split = {}
for part, n in [("train", 5), ("val", 3), ("test", 2)]:
    split[part] = [["c%d/%s_%d.jpg" % (c, part, i), c, names[c]] for c in range(3) for i in range(n)]
source = hashlib.sha256(json.dumps({"classnames": names, "train": split["train"], "val": split["val"],
                                    "test": split["test"]}).encode()).hexdigest()


def generate_fewshot_dataset(items, num_shots):  # Dassl, repeat=False
    tracker = defaultdict(list)
    for item in items:
        tracker[item[1]].append(item)
    dataset = []
    for label, group in tracker.items():
        dataset.extend(random.sample(group, num_shots) if len(group) >= num_shots else group)
    return dataset


shots, seed = 2, 1
random.seed(seed)
train = generate_fewshot_dataset(split["train"], shots)
val = generate_fewshot_dataset(split["val"], min(shots, 4))
entries = hashlib.sha256(json.dumps({"classnames": names, "train": train, "val": val}).encode()).hexdigest()


def listing(key, items):
    if not items:
        return '  "%s": []' % key
    return '  "%s": [\n' % key + ",\n".join("    " + json.dumps(e) for e in items) + "\n  ]"


text = ("{\n"
        '  "format": "ckcoop-fewshot-split/1",\n'
        '  "dataset": "OxfordPets",\n'
        '  "shots": %d,\n'
        '  "seed": %d,\n'
        '  "sampler": "dassl-fewshot/1 cpython-random short_classes=keep_all",\n'
        '  "source_sha256": "%s",\n'
        '  "entries_sha256": "%s",\n'
        '  "classnames": %s,\n' % (shots, seed, source, entries, json.dumps(names))
        + listing("train", train) + ",\n" + listing("val", val) + "\n}\n")
print("source", source)
print("identity", hashlib.sha256(text.encode()).hexdigest())
