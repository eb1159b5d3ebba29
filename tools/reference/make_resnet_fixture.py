#!/usr/bin/env python3
"""Golden fixture for CLIP's ResNet image tower (ModifiedResNet), float64 numpy, no torch.

Writes OUT_DIR/tiny-rn/ (default clip-backbone/src/test/resources/golden/tiny-rn): a random tiny
CLIP whose image tower is OpenAI's ModifiedResNet (clip/model.py) and whose text tower is the usual
causal transformer, stored with OpenAI's names and nothing else (no config: the loader derives the
architecture from tensor shapes as ``build_model`` does), with tiny-a's tokenizer, and
golden.safetensors with the inputs (pixels, token ids) and the reference features.

The model: stem width 4 (conv1 3->2 stride 2, conv2 2->2, conv3 2->4, each BN + ReLU, avgpool 2),
stages [1, 2, 1, 1] (planes 4, 8, 16, 32; outputs 16, 32, 64, 128 channels; layer2 has a second
block without downsample), AttentionPool2d over a 2x2 grid (resolution 64 = 2 x 32) with
embed width 128 (= width x 32), heads = width * 32 // 64 = 2, output 32. Batch-norm
running statistics are random (mean ~ N(0, 0.1), var ~ U(0.5, 1.5)), so eval-mode batch norm is not
the identity; every BN also carries the ``num_batches_tracked`` I64 buffer real state dicts have.
Weights are rounded as in make_golden_fixtures.py (bfloat16 precision, float16 range) and stored F16.

Run: python3 tools/reference/make_resnet_fixture.py [OUT_DIR]
"""
import copy
import os
import shutil
import sys
from collections import OrderedDict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clip_reference as ref  # noqa: E402
import make_golden_fixtures as fixtures  # noqa: E402

SEED_WEIGHTS = 20261204
SEED_INPUTS = 13
WIDTH = 4
LAYERS = (1, 2, 1, 1)
RESOLUTION = 64
EMBED = 32
# the text tower (and the ViT part init_openai_weights makes, which is dropped)
TEXT_ARCH = dict(name="tiny-rn", vision_width=64, vision_layers=1, patch=8, resolution=32,
                 text_width=64, text_layers=2, context=16, vocab=600, embed=EMBED,
                 act="quick_gelu", eps=1e-5)
CAPTIONS = ["a photo of a red circle.", "a blue square and a dot", "an oval, 4 dots!"]


def resnet_weights(rng):
    """ModifiedResNet weights in OpenAI's names (state-dict order), plus num_batches_tracked buffers."""
    sd = OrderedDict()
    buffers = OrderedDict()

    def conv(name, out_ch, in_ch, k):
        sd[name] = rng.standard_normal((out_ch, in_ch, k, k)) * (in_ch * k * k) ** -0.5

    def bn(prefix, ch, gamma_mean=1.0):
        sd[prefix + ".weight"] = gamma_mean + rng.standard_normal(ch) * 0.1
        sd[prefix + ".bias"] = rng.standard_normal(ch) * 0.05
        sd[prefix + ".running_mean"] = rng.standard_normal(ch) * 0.1
        sd[prefix + ".running_var"] = rng.uniform(0.5, 1.5, ch)
        buffers[prefix + ".num_batches_tracked"] = np.array(1000, dtype=np.int64)

    w = WIDTH
    conv("visual.conv1.weight", w // 2, 3, 3)
    bn("visual.bn1", w // 2)
    conv("visual.conv2.weight", w // 2, w // 2, 3)
    bn("visual.bn2", w // 2)
    conv("visual.conv3.weight", w, w // 2, 3)
    bn("visual.bn3", w)
    inplanes = w
    for stage, blocks in enumerate(LAYERS):
        planes = w * 2 ** stage
        for b in range(blocks):
            p = f"visual.layer{stage + 1}.{b}."
            conv(p + "conv1.weight", planes, inplanes, 1)
            bn(p + "bn1", planes)
            conv(p + "conv2.weight", planes, planes, 3)
            bn(p + "bn2", planes)
            conv(p + "conv3.weight", planes * 4, planes, 1)
            bn(p + "bn3", planes * 4, gamma_mean=0.5)
            if b == 0:   # stride > 1 or inplanes != planes * 4: always the first block of a stage
                conv(p + "downsample.0.weight", planes * 4, inplanes, 1)
                bn(p + "downsample.1", planes * 4)
            inplanes = planes * 4
    embed_width = w * 32
    grid = RESOLUTION // 32
    std = embed_width ** -0.5
    sd["visual.attnpool.positional_embedding"] = rng.standard_normal((grid * grid + 1, embed_width)) * std
    for proj in ("q_proj", "k_proj", "v_proj"):
        # q and k 4x CLIP's scale, so that the pooling attention is far from uniform (heads matter)
        scale = 4.0 if proj != "v_proj" else 1.0
        sd[f"visual.attnpool.{proj}.weight"] = rng.standard_normal((embed_width, embed_width)) * std * scale
        sd[f"visual.attnpool.{proj}.bias"] = rng.standard_normal(embed_width) * 0.05
    sd["visual.attnpool.c_proj.weight"] = rng.standard_normal((EMBED, embed_width)) * std
    sd["visual.attnpool.c_proj.bias"] = rng.standard_normal(EMBED) * 0.05
    return OrderedDict((k, fixtures.round_bf16_f16(v)) for k, v in sd.items()), buffers


def main(argv):
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    out = os.path.abspath(argv[1]) if len(argv) > 1 else os.path.join(
        root, "clip-backbone", "src", "test", "resources", "golden")
    folder = os.path.join(out, "tiny-rn")
    os.makedirs(folder, exist_ok=True)
    tiny_a = os.path.join(root, "clip-backbone", "src", "test", "resources", "golden", "tiny-a", "openai")
    for f in ("vocab.json", "merges.txt"):
        if os.path.abspath(os.path.join(tiny_a, f)) != os.path.abspath(os.path.join(folder, f)):
            shutil.copyfile(os.path.join(tiny_a, f), os.path.join(folder, f))

    rng = np.random.default_rng(SEED_WEIGHTS)
    visual, buffers = resnet_weights(rng)
    text = fixtures.init_openai_weights(rng, TEXT_ARCH)
    sd = OrderedDict(visual)
    sd.update((k, v) for k, v in text.items() if not k.startswith("visual."))
    dtypes = {k: "F16" for k in sd}
    dtypes.update({k: "I64" for k in buffers})
    ref.write_safetensors(os.path.join(folder, "model.safetensors"), {**sd, **buffers}, dtypes=dtypes,
                          metadata={"format": "pt", "note": "ckcoop tiny-rn fixture, OpenAI CLIP names (ModifiedResNet)"})
    model = ref.load_model(folder)
    arch, w = model.arch, model.weights
    assert arch.vision_layers == LAYERS and arch.vision_width == WIDTH and arch.vision_heads == 2, arch
    assert arch.image_resolution == RESOLUTION and arch.embed_dim == EMBED, arch

    tok = ref.ClipBpeTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"))
    tokens = tok.tokenize(CAPTIONS, arch.context_length)
    rin = np.random.default_rng(SEED_INPUTS)
    pixels = fixtures.f32(rin.standard_normal((3, 3, RESOLUTION, RESOLUTION))).astype(np.float64)

    trace = {}
    image = model.encode_image(pixels, trace)
    texts = model.encode_text(tokens)
    logits = model.logits_per_image(image, texts)
    report = [f"arch: {arch}", "image feature norms: " + str(np.round(np.linalg.norm(image, axis=1), 6).tolist()),
              "text feature norms: " + str(np.round(np.linalg.norm(texts, axis=1), 6).tolist())]
    for k, v in trace.items():
        report.append(f"trace {k}: shape {list(v.shape)} max|x| {np.abs(v).max():.4f}")

    # what a plausible mistake would change (each must move the features far beyond 1e-4)
    def moved(label, features):
        report.append(f"sensitivity: {label} -> image max|d| {np.abs(features - image).max():.3e}")

    a1 = copy.copy(arch)
    a1.vision_heads = 1
    moved("heads 1 instead of 2", ref.encode_image_resnet(w, a1, pixels))
    saved = ref.BATCH_NORM_EPS
    ref.BATCH_NORM_EPS = 1e-3
    moved("batch-norm eps 1e-3 instead of 1e-5", ref.encode_image_resnet(w, arch, pixels))
    ref.BATCH_NORM_EPS = saved
    w2 = dict(w)
    for k in list(w2):
        if k.endswith("running_mean"):
            w2[k] = np.zeros_like(w2[k])
    moved("running means ignored", ref.encode_image_resnet(w2, arch, pixels))
    w3 = dict(w)
    w3["visual.attnpool.q_proj.weight"], w3["visual.attnpool.k_proj.weight"] = w["visual.attnpool.k_proj.weight"], w["visual.attnpool.q_proj.weight"]
    moved("q/k projections swapped", ref.encode_image_resnet(w3, arch, pixels))

    golden = {
        "pixel_values": pixels, "image_features": image, "text_tokens": tokens.astype(np.int64),
        "text_features": texts, "logit_scale": np.asarray(model.logit_scale), "logits_per_image": logits,
        "debug.vision_stem": trace["vision_stem"], "debug.vision_layer4": trace["vision_layer4"],
    }
    golden = {k: (v if k == "text_tokens" else fixtures.f32(v).astype(np.float64)) for k, v in golden.items()}
    gtypes = {k: ("I64" if k == "text_tokens" else "F32") for k in golden}
    ref.write_safetensors(os.path.join(folder, "golden.safetensors"), golden, dtypes=gtypes,
                          metadata={"generator": "tools/reference/make_resnet_fixture.py",
                                    "reference": "tools/reference/clip_reference.py (float64, ModifiedResNet)",
                                    "captions": str(CAPTIONS), "seed_weights": str(SEED_WEIGHTS),
                                    "seed_inputs": str(SEED_INPUTS)})
    with open(os.path.join(HERE, "last_resnet_run_report.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main(sys.argv)
