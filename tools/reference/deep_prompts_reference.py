#!/usr/bin/env python3
"""Golden fixture for deep prompts (MaPLe / IVLP / PromptSRC / deep VPT), float64 numpy, no torch.

Writes OUT_DIR/deep/ (default clip-backbone/src/test/resources/golden/deep): a random 3-layer CLIP
in OpenAI names (F32) with tiny-a's tokenizer, and golden.safetensors with the inputs (pixels, token
ids, prompts) and the reference features. The per-layer rule follows the official MaPLe code
(muzairkhattak/multimodal-prompt-learning, clip/model.py):

* text, ResidualAttentionBlock_MaPLe / _IVLP: at the input of block i >= 1 (while prompts remain),
  ``prefix = x[0:1]; suffix = x[1 + n_ctx:]; x = cat([prefix, prompt_i, suffix])`` (LND layout; here
  NLD, the same positions). Block 0's context is the learner's own token embeddings.
* vision, VisionTransformer_MaPLe: after ``x + positional_embedding``, ``x = cat([x, prompt_0])``,
  then ``ln_pre``; at the input of block i >= 1, ``prefix = x[0:L - V]; x = cat([prefix, prompt_i])``.
  ``ln_post`` on the class token as usual.

Run: python3 tools/reference/deep_prompts_reference.py [OUT_DIR]
"""
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clip_reference as ref  # noqa: E402
import make_golden_fixtures as fixtures  # noqa: E402

SEED_WEIGHTS = 20261203
SEED_INPUTS = 11
ARCH = dict(name="deep", vision_width=64, vision_layers=3, patch=8, resolution=32,
            text_width=64, text_layers=3, context=16, vocab=600, embed=48,
            act="quick_gelu", eps=1e-5)
N_CTX = 3        # text prompt tokens per layer (positions 1..3)
V = 2            # vision prompt tokens
CAPTIONS = ["a photo of a red circle.", "a blue square and a dot", "an oval, 4 dots!"]


def text_features(sd, arch, tokens, deep):
    """encode_text with deep prompts: deep[k] replaces positions 1..n at the input of block k + 1."""
    x = sd["token_embedding.weight"][tokens] + sd["positional_embedding"][: tokens.shape[1]]
    mask = ref.build_attention_mask(arch.context_length)[: tokens.shape[1], : tokens.shape[1]]
    for i in range(arch.text_layers):
        if 1 <= i <= len(deep):
            p = np.broadcast_to(deep[i - 1], (x.shape[0],) + deep[i - 1].shape)
            x = np.concatenate([x[:, :1], p, x[:, 1 + deep[i - 1].shape[0]:]], axis=1)
        x = ref._openai_resblock(x, sd, f"transformer.resblocks.{i}.", arch.text_heads,
                                 arch.text_act, arch.text_eps, mask)
    x = ref.layer_norm(x, sd["ln_final.weight"], sd["ln_final.bias"], arch.text_eps)
    x = x[np.arange(x.shape[0]), tokens.argmax(axis=-1)]
    return x @ sd["text_projection"]


def image_features(sd, arch, pixels, first, deep):
    """encode_image with vision prompts appended after the positional embedding, replaced per layer."""
    n = pixels.shape[0]
    p = arch.vision_patch_size
    g = arch.image_resolution // p
    w = sd["visual.conv1.weight"]
    patches = pixels.reshape(n, 3, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(n, g * g, 3 * p * p)
    x = patches @ w.reshape(w.shape[0], -1).T
    cls = np.broadcast_to(sd["visual.class_embedding"], (n, 1, x.shape[-1]))
    x = np.concatenate([cls, x], axis=1) + sd["visual.positional_embedding"]
    if first is not None:
        x = np.concatenate([x, np.broadcast_to(first, (n,) + first.shape)], axis=1)
    x = ref.layer_norm(x, sd["visual.ln_pre.weight"], sd["visual.ln_pre.bias"], arch.vision_eps)
    for i in range(arch.vision_layers):
        if 1 <= i <= len(deep):
            v = deep[i - 1].shape[0]
            x = np.concatenate([x[:, : x.shape[1] - v], np.broadcast_to(deep[i - 1], (n,) + deep[i - 1].shape)], axis=1)
        x = ref._openai_resblock(x, sd, f"visual.transformer.resblocks.{i}.", arch.vision_heads,
                                 arch.vision_act, arch.vision_eps, None)
    x = ref.layer_norm(x[:, 0, :], sd["visual.ln_post.weight"], sd["visual.ln_post.bias"], arch.vision_eps)
    return x @ sd["visual.proj"]


def main(argv):
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    out = os.path.abspath(argv[1]) if len(argv) > 1 else os.path.join(
        root, "clip-backbone", "src", "test", "resources", "golden")
    folder = os.path.join(out, "deep")
    os.makedirs(folder, exist_ok=True)
    tiny_a = os.path.join(root, "clip-backbone", "src", "test", "resources", "golden", "tiny-a", "openai")
    for f in ("vocab.json", "merges.txt"):
        if os.path.abspath(os.path.join(tiny_a, f)) != os.path.abspath(os.path.join(folder, f)):
            shutil.copyfile(os.path.join(tiny_a, f), os.path.join(folder, f))

    sd = fixtures.init_openai_weights(np.random.default_rng(SEED_WEIGHTS), ARCH)
    ref.write_safetensors(os.path.join(folder, "model.safetensors"), sd, dtypes={k: "F32" for k in sd},
                          metadata={"format": "pt", "note": "ckcoop deep-prompt fixture, OpenAI CLIP names"})
    model = ref.load_model(folder)
    arch, w = model.arch, model.weights

    tok = ref.ClipBpeTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"))
    tokens = tok.tokenize(CAPTIONS, arch.context_length)
    assert all(row.argmax() > N_CTX for row in tokens)

    rin = np.random.default_rng(SEED_INPUTS)
    f32 = fixtures.f32
    pixels = f32(rin.standard_normal((2, 3, 32, 32))).astype(np.float64)
    text_deep = [f32(rin.standard_normal((N_CTX, arch.text_width)) * 0.5).astype(np.float64) for _ in range(2)]
    vision_first = f32(rin.standard_normal((V, arch.vision_width)) * 0.5).astype(np.float64)
    vision_deep = [f32(rin.standard_normal((V, arch.vision_width)) * 0.5).astype(np.float64) for _ in range(2)]

    golden = {
        "pixel_values": pixels, "text_tokens": tokens.astype(np.int64),
        "text_prompts.1": text_deep[0], "text_prompts.2": text_deep[1],
        "vision_prompts.0": vision_first, "vision_prompts.1": vision_deep[0], "vision_prompts.2": vision_deep[1],
        "text_features.plain": text_features(w, arch, tokens, []),
        "text_features.layer1": text_features(w, arch, tokens, text_deep[:1]),
        "text_features.layers12": text_features(w, arch, tokens, text_deep),
        "image_features.plain": image_features(w, arch, pixels, None, []),
        "image_features.shallow": image_features(w, arch, pixels, vision_first, []),
        "image_features.layers12": image_features(w, arch, pixels, vision_first, vision_deep),
    }
    # the plain path must equal the ordinary reference forward (checked before rounding to F32)
    assert np.allclose(golden["text_features.plain"], model.encode_text(tokens), atol=1e-12)
    assert np.allclose(golden["image_features.plain"], model.encode_image(pixels), atol=1e-12)
    golden = {k: (v if k == "text_tokens" else f32(v).astype(np.float64)) for k, v in golden.items()}
    dtypes = {k: ("I64" if k == "text_tokens" else "F32") for k in golden}
    ref.write_safetensors(os.path.join(folder, "golden.safetensors"), golden, dtypes=dtypes,
                          metadata={"generator": "tools/reference/deep_prompts_reference.py",
                                    "reference": "float64 numpy, MaPLe/IVLP per-layer rule",
                                    "n_ctx": str(N_CTX), "vision_tokens": str(V)})
    for k in ("text_features.layer1", "text_features.layers12", "image_features.shallow", "image_features.layers12"):
        plain = k.split(".")[0] + ".plain"
        print(k, "differs from", plain, "by", float(np.abs(golden[k] - golden[plain]).max()))


if __name__ == "__main__":
    main(sys.argv)
