#!/usr/bin/python3
"""One-off cross-check of the numpy ModifiedResNet reference against torch (NOT a test dependency).

Runs with a Python that has torch (here Debian's /usr/bin/python3, torch 1.13); the fixtures and
the Java tests never need it. It builds openai/CLIP's ModifiedResNet (the classes below are copied
from clip/model.py), loads tiny-rn's weights (or any OpenAI-named ResNet CLIP safetensors), runs it
in eval mode in float64 and float32 and prints the max difference to clip_reference.py's features
and to the golden file.

Run: /usr/bin/python3 tools/reference/torch_crosscheck_resnet.py [FOLDER]
"""
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clip_reference as ref  # noqa: E402


# OpenAI's ModifiedResNet (clip/model.py), as make_torch_fixtures.py defines it for the fixtures
from make_torch_fixtures import ModifiedResNet  # noqa: E402


def main(argv):
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    folder = argv[1] if len(argv) > 1 else os.path.join(root, "clip-backbone", "src", "test", "resources", "golden", "tiny-rn")
    tensors, _ = ref.read_safetensors(os.path.join(folder, "model.safetensors"))
    model = ref.load_model(folder)
    a = model.arch
    net = ModifiedResNet(list(a.vision_layers), a.embed_dim, a.vision_heads, a.image_resolution, a.vision_width)
    state = {k[len("visual."):]: torch.from_numpy(np.array(v, dtype=np.float64 if v.dtype.kind == "f" else v.dtype))
             for k, v in tensors.items() if k.startswith("visual.")}
    net.load_state_dict(state, strict=True)
    golden, _ = ref.read_safetensors(os.path.join(folder, "golden.safetensors"))
    pixels = golden["pixel_values"].astype(np.float64)
    numpy_features = model.encode_image(pixels)
    net.eval()
    with torch.no_grad():
        f64 = net.double()(torch.from_numpy(pixels)).numpy()
        f32 = net.float()(torch.from_numpy(pixels).float()).double().numpy()
    scale = np.abs(numpy_features).max()
    print(f"torch {torch.__version__}; features max|x| {scale:.4f}")
    print(f"torch float64 vs numpy reference: max|d| {np.abs(f64 - numpy_features).max():.3e}")
    print(f"torch float32 vs numpy reference: max|d| {np.abs(f32 - numpy_features).max():.3e}")
    print(f"torch float64 vs golden (F32):    max|d| {np.abs(f64 - golden['image_features']).max():.3e}")


if __name__ == "__main__":
    main(sys.argv)
