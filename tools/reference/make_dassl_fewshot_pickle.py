#!/usr/bin/env python3
"""Writes the CoOp/Dassl few-shot cache pickles that eval-suite's DasslFewShotCacheTest reads.

CoOp's dataset readers cache each few-shot subset as ``<dataset folder>/split_fewshot/
shot_<K>-seed_<S>.pkl``: ``pickle.dump({"train": train}, f, protocol=pickle.HIGHEST_PROTOCOL)`` for
ImageNet and ``{"train": train, "val": val}`` for the split-file datasets, each list holding
``dassl.data.datasets.base_dataset.Datum`` objects (attributes ``_impath`` (absolute path on the
machine that wrote the cache), ``_label``, ``_domain``, ``_classname``).

This script pickles the same structure with Python's own ``pickle`` module. It defines a stand-in
module ``dassl/data/datasets/base_dataset.py`` (in a temporary folder put on ``sys.path``) with a
``Datum`` class of the same attributes and ``__init__(impath, label, domain, classname)``
signature, so the pickles name exactly ``dassl.data.datasets.base_dataset Datum``. The stand-in
does not check that the image exists (the paths are those of another machine).

The trees the pickles describe are fabricated by the Java test (keep both in sync):

* ``imagenet/images/train/<wnid>/<wnid>_{10026,10027,9981}.JPEG`` for the wnids n01440764 (tench),
  n01443537 (goldfish), n01484850 (great white shark); sorted by name the order is 10026, 10027,
  9981;
* ``oxford_pets/images/c<c>/{train,val}_<i>.jpg`` for classes abyssinian, beagle, great_pyrenees,
  5 train and 3 val images each (``FabricatedData.splitDataset(..., 5, 3, 2)``).

It also writes hostile pickles that a restricted unpickler must refuse without running anything:
one naming ``os.system`` (hand-written GLOBAL + REDUCE, protocol 0), one naming ``builtins.eval``
(STACK_GLOBAL + REDUCE, highest protocol) and one using ``collections.OrderedDict`` (a harmless
global, but not one a CoOp cache holds), plus a BUILD on a dict. Their payloads would create
``/tmp/ckcoop-pickle-payload-os-system`` and ``/tmp/ckcoop-pickle-payload-eval``. This script never
loads them.

Usage: python3 tools/reference/make_dassl_fewshot_pickle.py [OUT_DIR]
(default: eval-suite/src/test/resources/org/ckcoop/eval/data/dassl-pickles). Deterministic.
"""
import collections
import os
import pickle
import sys
import tempfile

ROOT = "/home/someone/data"

STAND_IN = '''\
class Datum:
    """Stand-in for Dassl's Datum: same attributes and __init__ signature, no file check."""

    def __init__(self, impath="", label=0, domain=0, classname=""):
        assert isinstance(impath, str)
        self._impath = impath
        self._label = label
        self._domain = domain
        self._classname = classname
'''

WNIDS = [("n01440764", "tench"), ("n01443537", "goldfish"), ("n01484850", "great white shark")]
PETS = ["abyssinian", "beagle", "great_pyrenees"]


def stand_in_datum(folder):
    package = os.path.join(folder, "dassl", "data", "datasets")
    os.makedirs(package)
    for level in ("dassl", "dassl/data", "dassl/data/datasets"):
        open(os.path.join(folder, level, "__init__.py"), "w").close()
    with open(os.path.join(package, "base_dataset.py"), "w") as f:
        f.write(STAND_IN)
    sys.path.insert(0, folder)
    from dassl.data.datasets.base_dataset import Datum  # noqa: E402
    assert Datum.__module__ == "dassl.data.datasets.base_dataset"
    return Datum


def imagenet_item(Datum, label, number, wnid=None):
    wnid = wnid or WNIDS[label][0]
    path = f"{ROOT}/imagenet/images/train/{wnid}/{wnid}_{number}.JPEG"
    return Datum(impath=path, label=label, classname=WNIDS[label][1])


def pets_item(Datum, label, part, i):
    path = f"{ROOT}/oxford_pets/images/c{label}/{part}_{i}.jpg"
    return Datum(impath=path, label=label, classname=PETS[label])


def dump(out, name, data, protocol=pickle.HIGHEST_PROTOCOL):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(data, f, protocol=protocol)
    print(f"wrote {path} (protocol {protocol})")


def write_raw(out, name, data):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    print(f"wrote {path} (hand-written)")


class EvalPayload:
    """Unpickling this calls builtins.eval; the expression would create a file."""

    def __reduce__(self):
        return eval, ("open('/tmp/ckcoop-pickle-payload-eval', 'w').close()",)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..",
        "eval-suite/src/test/resources/org/ckcoop/eval/data/dassl-pickles")
    out = os.path.normpath(out)
    with tempfile.TemporaryDirectory(prefix="dassl-stand-in-") as folder:
        write_all(out, stand_in_datum(folder))


def write_all(out, Datum):

    # ImageNet, 2 shots: each class's images in an order that is not the sorted one (sorted is
    # 10026, 10027, 9981), classes in label order as Dassl's generate_fewshot_dataset emits them.
    two_shot = [
        imagenet_item(Datum, 0, 9981), imagenet_item(Datum, 0, 10026),
        imagenet_item(Datum, 1, 10027), imagenet_item(Datum, 1, 10026),
        imagenet_item(Datum, 2, 9981), imagenet_item(Datum, 2, 10027),
    ]
    sorted_names = sorted(os.path.basename(d._impath) for d in two_shot[:2])
    assert [os.path.basename(d._impath) for d in two_shot[:2]] != sorted_names
    dump(out, "imagenet/shot_2-seed_1.pkl", {"train": two_shot})
    dump(out, "imagenet/shot_2-seed_1.protocol2.pkl", {"train": two_shot}, protocol=2)

    # ImageNet, 16 shots: every class has 3 < 16 images, so Dassl keeps them all in list order;
    # in sorted order this is exactly what ckcoop's sampler draws from the sorted folders.
    everything = [imagenet_item(Datum, label, n) for label in range(3) for n in (10026, 10027, 9981)]
    dump(out, "imagenet/shot_16-seed_1.pkl", {"train": everything})

    # An image that is not in the tree, and a label that is not the class folder's.
    missing = list(two_shot)
    missing[3] = imagenet_item(Datum, 1, 77777)
    dump(out, "imagenet/missing-image.pkl", {"train": missing})
    mislabelled = list(two_shot)
    mislabelled[4] = Datum(impath=two_shot[4]._impath, label=0, classname="great white shark")
    dump(out, "imagenet/label-mismatch.pkl", {"train": mislabelled})

    # Wrong structures: a bare list, a dict without "train", paths instead of Datum objects, and a
    # path that is not inside imagenet/images/.
    dump(out, "imagenet/not-a-dict.pkl", two_shot)
    dump(out, "imagenet/no-train.pkl", {"test": two_shot})
    dump(out, "imagenet/paths-not-datums.pkl", {"train": [d._impath for d in two_shot]})
    outside = list(two_shot)
    outside[1] = Datum(impath=f"{ROOT}/imagenet/train/n01440764/n01440764_10026.JPEG", label=0, classname="tench")
    dump(out, "imagenet/outside-image-folder.pkl", {"train": outside})

    # OxfordPets (a split-file dataset), 16 shots: 5 train (< 16) and 3 val (< min(16, 4)) images
    # per class, so Dassl keeps all of both lists in file order, as ckcoop's sampler does.
    train_all = [pets_item(Datum, c, "train", i) for c in range(3) for i in range(5)]
    val_all = [pets_item(Datum, c, "val", i) for c in range(3) for i in range(3)]
    dump(out, "oxford_pets/shot_16-seed_1.pkl", {"train": train_all, "val": val_all})
    # 2 shots: chosen by hand (not what a seed draws), train and val.
    train_two = [pets_item(Datum, 0, "train", 4), pets_item(Datum, 0, "train", 0),
                 pets_item(Datum, 1, "train", 1), pets_item(Datum, 1, "train", 3),
                 pets_item(Datum, 2, "train", 2), pets_item(Datum, 2, "train", 0)]
    val_two = [pets_item(Datum, 0, "val", 2), pets_item(Datum, 0, "val", 0),
               pets_item(Datum, 1, "val", 1), pets_item(Datum, 1, "val", 2),
               pets_item(Datum, 2, "val", 0), pets_item(Datum, 2, "val", 1)]
    dump(out, "oxford_pets/shot_2-seed_1.pkl", {"train": train_two, "val": val_two})
    dump(out, "oxford_pets/no-val.pkl", {"train": train_two})

    # Hostile pickles. os.system pickles as posix.system on Linux, so this one is written by hand:
    # GLOBAL 'os system', MARK, STRING, TUPLE, REDUCE, STOP.
    write_raw(out, "malicious/os-system.pkl",
              b"cos\nsystem\n(S'touch /tmp/ckcoop-pickle-payload-os-system'\ntR.")
    dump(out, "malicious/builtins-eval.pkl", {"train": [EvalPayload()]})
    dump(out, "malicious/ordered-dict.pkl", collections.OrderedDict([("train", two_shot)]))
    # BUILD (setting an object's state) on something that is not a Datum: EMPTY_DICT twice, BUILD.
    write_raw(out, "malicious/build-on-dict.pkl", b"\x80\x02}q\x00}q\x01b.")

    # A Datum made by calling the class with __init__'s positional arguments (GLOBAL + REDUCE, as an
    # old protocol-0 writer might), holding one item: {"train": [Datum(impath, 0, 0, "tench")]}.
    write_raw(out, "imagenet/reduce-protocol0.pkl",
              b"(dS'train'\n(lcdassl.data.datasets.base_dataset\nDatum\n(S'" + ROOT.encode()
              + b"/imagenet/images/train/n01440764/n01440764_9981.JPEG'\nI0\nI0\nS'tench'\ntRas.")


if __name__ == "__main__":
    main()
