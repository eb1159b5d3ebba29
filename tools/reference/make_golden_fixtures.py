#!/usr/bin/env python3
"""Generate the tiny CLIP golden fixtures used by clip-backbone's tests.

Deterministic: seeded numpy RNG (PCG64), weights rounded so that every value is
exactly representable in bfloat16 AND float16 (hence also in float32), features
computed in float64 by ``clip_reference.py`` and stored as float32.

Usage:  python3 make_golden_fixtures.py [OUT_DIR]     (default: ../../fixtures)

Layout written (OUT_DIR = the golden/ resource folder):

  tiny-a/openai/model.safetensors      OpenAI names, F16, no config
  tiny-a/openai/{vocab.json,merges.txt}
  tiny-a/hf/model.safetensors          HF CLIPModel names, F16 (+ I64 position_ids buffers)
  tiny-a/hf/{config.json,vocab.json,merges.txt}
  tiny-a/golden.safetensors            inputs + float64-reference features (F32/I64)
  tiny-b/open_clip/{open_clip_config.json,open_clip_model.safetensors (F32),vocab.json,merges.txt}
  tiny-b/hf-eps/{config.json,preprocessor_config.json,model.safetensors (BF16),vocab.json,merges.txt}
  tiny-b/golden.safetensors            features for the open_clip copy (GELU, eps 1e-5)
  tiny-b/golden-hf-eps.safetensors     features for the HF copy (GELU, eps 1e-6)
  MANIFEST.sha256                      sha256 of every generated file (README.md excluded)

The run's self-check report is also written to tools/reference/last_run_report.txt.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import sys
from collections import Counter, OrderedDict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_reference as ref  # noqa: E402

SEED_A = 20240611
SEED_B = 20240612
SEED_INPUTS = 7
TRANSFORMERS_VERSION = "4.44.2"   # only written into config.json, like save_pretrained does
N_MERGES = 86                      # 256 + 256 + 86 + 2 = 600

# Mean/std deliberately different from CLIP's (ImageNet constants, per-channel distinct).
TINY_B_MEAN = [0.485, 0.456, 0.406]
TINY_B_STD = [0.229, 0.224, 0.225]

BPE_CORPUS = [
    "a photo of a red circle.",
    "a photo of a blue square.",
    "a photo of a green triangle.",
    "a photo of a small red square.",
    "a photo of a large blue circle.",
    "a photo of a yellow star.",
    "a photo of two red circles.",
    "a photo of three blue squares.",
    "a blurry photo of a green circle.",
    "a bright photo of a red triangle.",
    "a dark photo of a yellow square.",
    "a drawing of a blue circle on a white background.",
    "a drawing of a red square on a black background.",
    "a photo of the red circle and the blue square.",
    "a photo of a circle, a square and a triangle.",
    "a cropped photo of a green square.",
    "a close-up photo of a red star.",
    "a painting of a yellow circle.",
]

CAPTIONS = [
    "a photo of a red circle.",                 # in-corpus: merged tokens
    "a blue square",                            # short, no punctuation
    "an oval, 4 dots!",                         # unseen words -> byte fallback, a digit, punctuation
    None,                                       # filled with a caption of exactly 14 BPE tokens
]
FULL_LENGTH_CANDIDATES = [
    "a photo of a red circle and a blue square on white",
    "a photo of a red circle and a blue square on a white background",
    "a photo of a red circle, a blue square and a green triangle",
    "a photo of a red circle and a blue square.",
    "a photo of the red circle and the blue square on a black background",
    "a drawing of a red circle, a blue square and a yellow star",
    "a photo of a small red circle and a large blue square on a white background",
]


# ---------------------------------------------------------------------------
# architectures
# ---------------------------------------------------------------------------

ARCH_A = dict(name="tiny-a", vision_width=128, vision_layers=2, patch=8, resolution=32,
              text_width=128, text_layers=2, context=16, vocab=600, embed=96,
              act="quick_gelu", eps=1e-5)
ARCH_B = dict(name="tiny-b", vision_width=64, vision_layers=1, patch=8, resolution=32,
              text_width=64, text_layers=1, context=16, vocab=600, embed=32,
              act="gelu", eps=1e-5)


def round_bf16_f16(x: np.ndarray) -> np.ndarray:
    """Round float64 values to bfloat16 precision (8 significant bits, round to
    nearest, ties to even) and snap magnitudes below 2**-14 (float16's smallest
    normal) to 0 or +-2**-14 (whichever is nearer; ties -> 0). The result is
    exactly representable in bfloat16, float16 and float32."""
    x = np.asarray(x, dtype=np.float64)
    m, e = np.frexp(x)                       # x = m * 2**e, 0.5 <= |m| < 1
    q = np.ldexp(np.round(m * 256.0), e - 8)  # np.round: half to even
    tiny = np.abs(q) < 2.0 ** -14
    q = np.where(tiny, np.where(np.abs(q) > 2.0 ** -15, np.sign(q) * 2.0 ** -14, 0.0), q)
    q = q + 0.0                              # -0.0 -> +0.0
    assert np.all(np.abs(q) <= 65504.0)
    return q


def init_openai_weights(rng: np.random.Generator, a: dict) -> "OrderedDict[str, np.ndarray]":
    """Random CLIP weights in OpenAI names, scales loosely following
    CLIP.initialize_parameters, with LayerNorm/bias parameters made non-trivial."""
    sd: "OrderedDict[str, np.ndarray]" = OrderedDict()

    def normal(shape, std):
        return rng.standard_normal(shape) * std

    def ln(prefix, width):
        sd[prefix + ".weight"] = 1.0 + normal((width,), 0.1)
        sd[prefix + ".bias"] = normal((width,), 0.05)

    def block(prefix, width, layers):
        attn_std = width ** -0.5
        proj_std = width ** -0.5 * (2 * layers) ** -0.5
        fc_std = (2 * width) ** -0.5
        sd[prefix + ".attn.in_proj_weight"] = normal((3 * width, width), attn_std)
        sd[prefix + ".attn.in_proj_bias"] = normal((3 * width,), 0.05)
        sd[prefix + ".attn.out_proj.weight"] = normal((width, width), proj_std)
        sd[prefix + ".attn.out_proj.bias"] = normal((width,), 0.02)
        ln(prefix + ".ln_1", width)
        sd[prefix + ".mlp.c_fc.weight"] = normal((4 * width, width), fc_std)
        sd[prefix + ".mlp.c_fc.bias"] = normal((4 * width,), 0.05)
        sd[prefix + ".mlp.c_proj.weight"] = normal((width, 4 * width), proj_std)
        sd[prefix + ".mlp.c_proj.bias"] = normal((width,), 0.02)
        ln(prefix + ".ln_2", width)

    vw, p, g = a["vision_width"], a["patch"], a["resolution"] // a["patch"]
    sd["visual.conv1.weight"] = normal((vw, 3, p, p), 0.02 / math.sqrt(3 * p * p) * 2.0)
    sd["visual.class_embedding"] = normal((vw,), 0.02)
    sd["visual.positional_embedding"] = normal((g * g + 1, vw), 0.02)
    ln("visual.ln_pre", vw)
    for i in range(a["vision_layers"]):
        block(f"visual.transformer.resblocks.{i}", vw, a["vision_layers"])
    ln("visual.ln_post", vw)
    sd["visual.proj"] = normal((vw, a["embed"]), vw ** -0.5)

    tw = a["text_width"]
    sd["token_embedding.weight"] = normal((a["vocab"], tw), 0.02)
    sd["positional_embedding"] = normal((a["context"], tw), 0.01)
    for i in range(a["text_layers"]):
        block(f"transformer.resblocks.{i}", tw, a["text_layers"])
    ln("ln_final", tw)
    sd["text_projection"] = normal((tw, a["embed"]), tw ** -0.5)
    sd["logit_scale"] = np.array(math.log(1 / 0.07))
    return OrderedDict((k, round_bf16_f16(v)) for k, v in sd.items())


# ---------------------------------------------------------------------------
# OpenAI -> HF mapping (independent of clip_reference's forward code), after
# transformers/models/clip/convert_clip_original_pytorch_to_hf.py
# ---------------------------------------------------------------------------

def openai_to_hf(sd, a: dict):
    hf, used = OrderedDict(), set()

    def take(k):
        used.add(k)
        return sd[k]

    def copy_linear(dst, src):          # copy_linear(): weight + bias (also for LayerNorm)
        hf[dst + ".weight"] = take(src + ".weight")
        hf[dst + ".bias"] = take(src + ".bias")

    def copy_layer(dst, src):
        copy_linear(dst + ".layer_norm1", src + ".ln_1")
        copy_linear(dst + ".layer_norm2", src + ".ln_2")
        copy_linear(dst + ".mlp.fc1", src + ".mlp.c_fc")
        copy_linear(dst + ".mlp.fc2", src + ".mlp.c_proj")
        q, k, v = np.split(take(src + ".attn.in_proj_weight"), 3, axis=0)   # chunk(3, dim=0)
        qb, kb, vb = np.split(take(src + ".attn.in_proj_bias"), 3, axis=0)
        for nm, w_, b_ in (("q_proj", q, qb), ("k_proj", k, kb), ("v_proj", v, vb)):
            hf[f"{dst}.self_attn.{nm}.weight"] = w_
            hf[f"{dst}.self_attn.{nm}.bias"] = b_
        copy_linear(dst + ".self_attn.out_proj", src + ".attn.out_proj")

    # text
    hf["text_projection.weight"] = take("text_projection").T
    hf["text_model.embeddings.token_embedding.weight"] = take("token_embedding.weight")
    hf["text_model.embeddings.position_embedding.weight"] = take("positional_embedding")
    copy_linear("text_model.final_layer_norm", "ln_final")
    for i in range(a["text_layers"]):
        copy_layer(f"text_model.encoder.layers.{i}", f"transformer.resblocks.{i}")
    # vision
    hf["visual_projection.weight"] = take("visual.proj").T
    copy_linear("vision_model.pre_layrnorm", "visual.ln_pre")
    copy_linear("vision_model.post_layernorm", "visual.ln_post")
    hf["vision_model.embeddings.patch_embedding.weight"] = take("visual.conv1.weight")
    hf["vision_model.embeddings.class_embedding"] = take("visual.class_embedding")
    hf["vision_model.embeddings.position_embedding.weight"] = take("visual.positional_embedding")
    for i in range(a["vision_layers"]):
        copy_layer(f"vision_model.encoder.layers.{i}", f"visual.transformer.resblocks.{i}")
    hf["logit_scale"] = take("logit_scale")
    missing = set(sd) - used
    assert not missing, f"unmapped OpenAI tensors: {sorted(missing)}"
    return OrderedDict((k, np.array(v, order="C", copy=True)) for k, v in hf.items())  # keeps 0-d logit_scale 0-d


def hf_to_openai(hf, a: dict):
    """Inverse mapping, used only as a self-check."""
    sd = OrderedDict()
    for tower, src, dst, n in (("text", "text_model.encoder.layers", "transformer.resblocks", a["text_layers"]),
                               ("vision", "vision_model.encoder.layers", "visual.transformer.resblocks", a["vision_layers"])):
        for i in range(n):
            s, d = f"{src}.{i}", f"{dst}.{i}"
            sd[d + ".attn.in_proj_weight"] = np.concatenate([hf[f"{s}.self_attn.{x}_proj.weight"] for x in "qkv"])
            sd[d + ".attn.in_proj_bias"] = np.concatenate([hf[f"{s}.self_attn.{x}_proj.bias"] for x in "qkv"])
            for o, h in (("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"), ("ln_2", "layer_norm2"),
                         ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")):
                for wb in ("weight", "bias"):
                    sd[f"{d}.{o}.{wb}"] = hf[f"{s}.{h}.{wb}"]
    for o, h in (("ln_final", "text_model.final_layer_norm"), ("visual.ln_pre", "vision_model.pre_layrnorm"),
                 ("visual.ln_post", "vision_model.post_layernorm")):
        for wb in ("weight", "bias"):
            sd[f"{o}.{wb}"] = hf[f"{h}.{wb}"]
    sd["token_embedding.weight"] = hf["text_model.embeddings.token_embedding.weight"]
    sd["positional_embedding"] = hf["text_model.embeddings.position_embedding.weight"]
    sd["text_projection"] = hf["text_projection.weight"].T
    sd["visual.proj"] = hf["visual_projection.weight"].T
    sd["visual.conv1.weight"] = hf["vision_model.embeddings.patch_embedding.weight"]
    sd["visual.class_embedding"] = hf["vision_model.embeddings.class_embedding"]
    sd["visual.positional_embedding"] = hf["vision_model.embeddings.position_embedding.weight"]
    sd["logit_scale"] = hf["logit_scale"]
    return sd


def hf_position_id_buffers(a: dict):
    g = a["resolution"] // a["patch"]
    return {"text_model.embeddings.position_ids": np.arange(a["context"], dtype=np.int64)[None, :],
            "vision_model.embeddings.position_ids": np.arange(g * g + 1, dtype=np.int64)[None, :]}


# ---------------------------------------------------------------------------
# configs
# ---------------------------------------------------------------------------

def hf_config_full(a: dict, torch_dtype: str, eps: float, act: str) -> dict:
    """All text/vision keys spelled out (older save_pretrained style)."""
    inter_v, inter_t = 4 * a["vision_width"], 4 * a["text_width"]
    return {
        "architectures": ["CLIPModel"],
        "initializer_factor": 1.0,
        "logit_scale_init_value": 2.6592,
        "model_type": "clip",
        "projection_dim": a["embed"],
        "text_config": {
            "attention_dropout": 0.0, "bos_token_id": 598, "dropout": 0.0, "eos_token_id": 599,
            "hidden_act": act, "hidden_size": a["text_width"], "initializer_factor": 1.0,
            "initializer_range": 0.02, "intermediate_size": inter_t, "layer_norm_eps": eps,
            "max_position_embeddings": a["context"], "model_type": "clip_text_model",
            "num_attention_heads": a["text_width"] // 64, "num_hidden_layers": a["text_layers"],
            "pad_token_id": 1, "projection_dim": a["embed"], "vocab_size": a["vocab"],
        },
        "torch_dtype": torch_dtype,
        "transformers_version": TRANSFORMERS_VERSION,
        "vision_config": {
            "attention_dropout": 0.0, "dropout": 0.0, "hidden_act": act,
            "hidden_size": a["vision_width"], "image_size": a["resolution"], "initializer_factor": 1.0,
            "initializer_range": 0.02, "intermediate_size": inter_v, "layer_norm_eps": eps,
            "model_type": "clip_vision_model", "num_attention_heads": a["vision_width"] // 64,
            "num_channels": 3, "num_hidden_layers": a["vision_layers"], "patch_size": a["patch"],
            "projection_dim": a["embed"],
        },
    }


def hf_config_diff(a: dict, torch_dtype: str, eps: float, act: str) -> dict:
    """Only non-default sub-config keys (what recent save_pretrained writes via
    to_diff_dict); a loader must fall back to CLIPTextConfig/CLIPVisionConfig
    defaults for absent keys (attention_dropout, num_channels, ...)."""
    full = hf_config_full(a, torch_dtype, eps, act)
    tdef = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, projection_dim=512,
                num_hidden_layers=12, num_attention_heads=8, max_position_embeddings=77,
                hidden_act="quick_gelu", layer_norm_eps=1e-5, attention_dropout=0.0,
                initializer_range=0.02, initializer_factor=1.0, pad_token_id=1,
                bos_token_id=49406, eos_token_id=49407, dropout=0.0)
    vdef = dict(hidden_size=768, intermediate_size=3072, projection_dim=512, num_hidden_layers=12,
                num_attention_heads=12, num_channels=3, image_size=224, patch_size=32,
                hidden_act="quick_gelu", layer_norm_eps=1e-5, attention_dropout=0.0,
                initializer_range=0.02, initializer_factor=1.0, dropout=0.0)
    full["text_config"] = {k: v for k, v in full["text_config"].items() if k == "model_type" or tdef.get(k, object()) != v}
    full["vision_config"] = {k: v for k, v in full["vision_config"].items() if k == "model_type" or vdef.get(k, object()) != v}
    return full


def hf_preprocessor_config(a: dict, mean, std) -> dict:
    r = a["resolution"]
    return {
        "crop_size": {"height": r, "width": r},
        "do_center_crop": True,
        "do_convert_rgb": True,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "feature_extractor_type": "CLIPFeatureExtractor",
        "image_mean": list(mean),
        "image_processor_type": "CLIPImageProcessor",
        "image_std": list(std),
        "resample": 3,
        "rescale_factor": 0.00392156862745098,
        "size": {"shortest_edge": r},
    }


def open_clip_config(a: dict, mean, std, quick_gelu: bool) -> dict:
    """Shape of open_clip push_to_hf_hub.save_config_for_hf(): {model_cfg, preprocess_cfg}."""
    return {
        "model_cfg": {
            "embed_dim": a["embed"],
            "quick_gelu": quick_gelu,
            "vision_cfg": {"image_size": a["resolution"], "layers": a["vision_layers"],
                           "width": a["vision_width"], "patch_size": a["patch"], "head_width": 64},
            "text_cfg": {"context_length": a["context"], "vocab_size": a["vocab"],
                         "width": a["text_width"], "heads": a["text_width"] // 64,
                         "layers": a["text_layers"]},
        },
        "preprocess_cfg": {"mean": list(mean), "std": list(std)},
    }


def write_json(path, obj, sort_keys):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, sort_keys=sort_keys) + "\n")


# ---------------------------------------------------------------------------
# tiny byte-level BPE
# ---------------------------------------------------------------------------

def learn_bpe(corpus, n_merges):
    """Greedy BPE on CLIP's pre-tokenisation: words end with '</w>'; at each
    step merge the most frequent adjacent pair (ties: lexicographically
    smallest pair); a pair whose concatenation is already a vocabulary string
    is skipped so vocab.json stays a bijection."""
    import regex as re
    pat = re.compile(ref.CLIP_PRETOKENIZE, re.IGNORECASE)
    be = ref.bytes_to_unicode()
    words = Counter()
    for line in corpus:
        for tok in re.findall(pat, ref.clean_text(line)):
            sym = [be[b] for b in tok.encode("utf-8")]
            sym[-1] += "</w>"
            words[tuple(sym)] += 1
    base = list(be.values())
    vocab_strings = set(base) | {v + "</w>" for v in base}
    merges = []
    while len(merges) < n_merges:
        pairs = Counter()
        for w, c in words.items():
            for i in range(len(w) - 1):
                pairs[(w[i], w[i + 1])] += c
        cands = sorted(((-c, p) for p, c in pairs.items() if p[0] + p[1] not in vocab_strings))
        if not cands:
            raise RuntimeError("corpus too small for the requested number of merges")
        _, best = cands[0]
        merges.append(best)
        vocab_strings.add(best[0] + best[1])
        new_words = Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i < len(w) - 1 and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] += c
        words = new_words
    return merges


def write_tokenizer(folder, merges):
    """vocab order exactly as simple_tokenizer.SimpleTokenizer.__init__."""
    be = ref.bytes_to_unicode()
    vocab = list(be.values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    enc = {s: i for i, s in enumerate(vocab)}
    assert len(enc) == len(vocab) == 600, len(enc)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(enc, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a_, b_ in merges:
            f.write(f"{a_} {b_}\n")
    return enc


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def f32(x):
    return np.asarray(x, dtype=np.float64).astype(np.float32)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(here, "..", "..", "fixtures"))
    report = []

    def say(*args):
        s = " ".join(str(x) for x in args)
        print(s)
        report.append(s)

    dirs = {k: os.path.join(out, k) for k in ("tiny-a/openai", "tiny-a/hf", "tiny-b/open_clip", "tiny-b/hf-eps")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)

    # ---- tokenizer -------------------------------------------------------
    merges = learn_bpe(BPE_CORPUS, N_MERGES)
    for d in dirs.values():
        enc = write_tokenizer(d, merges)
    tok = ref.ClipBpeTokenizer(os.path.join(dirs["tiny-a/openai"], "vocab.json"),
                               os.path.join(dirs["tiny-a/openai"], "merges.txt"))
    full = [c for c in FULL_LENGTH_CANDIDATES if len(tok.encode(c)) == ARCH_A["context"] - 2]
    assert full, [len(tok.encode(c)) for c in FULL_LENGTH_CANDIDATES]
    captions = list(CAPTIONS)
    captions[3] = full[0]
    tokens = tok.tokenize(captions, ARCH_A["context"])
    assert tokens[3, -1] == 599 and tokens[3].argmax() == 15
    dec = {i: s for s, i in enc.items()}
    bd = {v: k for k, v in ref.bytes_to_unicode().items()}
    for row, cap in zip(tokens, captions):
        ids = [int(t) for t in row if t not in (0, 598, 599)]
        text = bytearray(bd[c] for c in "".join(dec[i] for i in ids)).decode().replace("</w>", " ")
        assert text.replace(" ", "") == ref.clean_text(cap).replace(" ", ""), (text, cap)
    say("captions:", json.dumps(captions))
    say("text_tokens:\n" + "\n".join(" ".join(f"{int(t):3d}" for t in r) for r in tokens))
    say("merges[:12]:", merges[:12])

    # ---- inputs ----------------------------------------------------------
    rin = np.random.default_rng(SEED_INPUTS)
    pix_a = f32(rin.standard_normal((3, 3, 32, 32))).astype(np.float64)   # what Java reads
    img_u8 = rin.integers(0, 256, size=(3, 32, 32, 3), dtype=np.uint8)
    pix_b = f32(ref.normalize_u8_images(img_u8, TINY_B_MEAN, TINY_B_STD)).astype(np.float64)

    # ---- tiny-a ----------------------------------------------------------
    a = ARCH_A
    sd_a = init_openai_weights(np.random.default_rng(SEED_A), a)
    hf_a = openai_to_hf(sd_a, a)
    p_oa = os.path.join(dirs["tiny-a/openai"], "model.safetensors")
    p_ha = os.path.join(dirs["tiny-a/hf"], "model.safetensors")
    ref.write_safetensors(p_oa, sd_a, dtypes={k: "F16" for k in sd_a},
                          metadata={"format": "pt", "note": "ckcoop tiny-a, OpenAI CLIP names"})
    hf_a_all = {**hf_a, **hf_position_id_buffers(a)}
    ref.write_safetensors(p_ha, hf_a_all, dtypes={**{k: "F16" for k in hf_a}, **{k: "I64" for k in hf_position_id_buffers(a)}},
                          metadata={"format": "pt"})
    write_json(os.path.join(dirs["tiny-a/hf"], "config.json"),
               hf_config_full(a, "float16", 1e-5, "quick_gelu"), sort_keys=True)

    m_oa = ref.load_model(dirs["tiny-a/openai"])
    m_ha = ref.load_model(dirs["tiny-a/hf"])
    assert m_oa.arch.vision_heads == 2 and m_oa.arch.text_heads == 2 and m_oa.arch.vision_act == "quick_gelu"
    tr_o, tr_h = {}, {}
    img_a = m_oa.encode_image(pix_a, tr_o)
    txt_a = m_oa.encode_text(tokens, tr_o)
    img_a_h = m_ha.encode_image(pix_a, tr_h)
    txt_a_h = m_ha.encode_text(tokens, tr_h)
    say("== tiny-a ==")
    say(f"  HF-forward(HF file) vs OpenAI-forward(OpenAI file): image max|d|={np.abs(img_a - img_a_h).max():.3e}"
        f"  text max|d|={np.abs(txt_a - txt_a_h).max():.3e}")
    for k in tr_o:
        say(f"    trace {k:18s} max|d|={np.abs(tr_o[k] - tr_h[k]).max():.3e}")
    logits_a = m_oa.logits_per_image(img_a, txt_a)
    say("  image feature norms:", np.round(np.linalg.norm(img_a, axis=1), 6).tolist())
    say("  text  feature norms:", np.round(np.linalg.norm(txt_a, axis=1), 6).tolist())
    say("  logits_per_image:\n" + np.array2string(logits_a, precision=4))
    meta_common = {"captions": json.dumps(captions), "generator": "tools/reference/make_golden_fixtures.py",
                   "reference": "tools/reference/clip_reference.py (float64)"}
    ref.write_safetensors(os.path.join(out, "tiny-a", "golden.safetensors"), {
        "pixel_values": f32(pix_a), "image_features": f32(img_a), "text_tokens": tokens,
        "text_features": f32(txt_a), "logit_scale": f32(m_oa.logit_scale),
        "logits_per_image": f32(logits_a),
        "debug.vision_embeddings": f32(tr_o["vision_embeddings"]), "debug.vision_pooled": f32(tr_o["vision_pooled"]),
        "debug.text_embeddings": f32(tr_o["text_embeddings"]), "debug.text_pooled": f32(tr_o["text_pooled"]),
    }, metadata={**meta_common, "model": "tiny-a (quick_gelu, eps 1e-5)", "seed_weights": str(SEED_A),
                 "seed_inputs": str(SEED_INPUTS)})

    # causal / EOT check: garbage after EOT must not change the features
    tok_g = tokens.copy()
    rg = np.random.default_rng(123)
    for i in range(len(tok_g)):
        e = int(tok_g[i].argmax())
        tok_g[i, e + 1:] = rg.integers(1, 598, size=len(tok_g[i]) - e - 1)
    d_o = np.abs(m_oa.encode_text(tok_g) - txt_a).max()
    d_h = np.abs(m_ha.encode_text(tok_g) - txt_a_h).max()
    say(f"  causal/EOT: tokens after EOT randomised -> max|d| OpenAI path {d_o:.3e}, HF path {d_h:.3e}")
    tok_p = tokens.copy()
    tok_p[0, 1] = tok_p[0, 1] + 1      # a token *before* EOT does matter
    say(f"  sanity: changing a token before EOT -> max|d| {np.abs(m_oa.encode_text(tok_p) - txt_a).max():.3e}")
    arch1 = copy.copy(m_oa.arch)
    arch1.vision_heads = arch1.text_heads = 1
    say(f"  sensitivity: heads=1 instead of 2 -> image max|d| "
        f"{np.abs(ref.encode_image_openai(m_oa.weights, arch1, pix_a) - img_a).max():.3e}, text max|d| "
        f"{np.abs(ref.encode_text_openai(m_oa.weights, arch1, tokens) - txt_a).max():.3e}")
    def perturbed(fn):
        w2 = dict(m_oa.weights)
        fn(w2)
        return (np.abs(ref.encode_image_openai(w2, m_oa.arch, pix_a) - img_a).max(),
                np.abs(ref.encode_text_openai(w2, m_oa.arch, tokens) - txt_a).max())

    def zero_k_bias(w2):
        for k in [k for k in w2 if k.endswith("attn.in_proj_bias")]:
            b_ = w2[k].copy()
            n_ = b_.size // 3
            b_[n_:2 * n_] = 0
            w2[k] = b_

    def swap_qk(w2):
        for k in [k for k in w2 if k.endswith("attn.in_proj_weight") or k.endswith("attn.in_proj_bias")]:
            q_, k_, v_ = np.split(w2[k], 3, axis=0)
            w2[k] = np.concatenate([k_, q_, v_], axis=0)

    def transpose_out_proj(w2):
        for k in [k for k in w2 if k.endswith("attn.out_proj.weight")]:
            w2[k] = w2[k].T

    for label, fn in (("k bias dropped (softmax-invariant: NOT detectable)", zero_k_bias),
                      ("q and k swapped", swap_qk), ("out_proj.weight transposed", transpose_out_proj)):
        di, dt = perturbed(fn)
        say(f"  sensitivity: {label} -> image max|d| {di:.3e}, text max|d| {dt:.3e}")
    arch_g = copy.copy(m_oa.arch)
    arch_g.vision_act = arch_g.text_act = "gelu"
    say(f"  sensitivity: gelu instead of quick_gelu -> image max|d| "
        f"{np.abs(ref.encode_image_openai(m_oa.weights, arch_g, pix_a) - img_a).max():.3e}")
    # HF pooling by eos_token_id vs argmax agree here (EOT 599 is the max id)
    arch_e = copy.copy(m_ha.arch)
    arch_e.eos_token_id = None
    say(f"  HF pooling eos_token_id=599 vs argmax: max|d| "
        f"{np.abs(ref.encode_text_hf(m_ha.weights, arch_e, tokens) - txt_a_h).max():.3e}")

    # ---- tiny-b ----------------------------------------------------------
    b = ARCH_B
    sd_b = init_openai_weights(np.random.default_rng(SEED_B), b)
    hf_b = openai_to_hf(sd_b, b)
    p_ob = os.path.join(dirs["tiny-b/open_clip"], "open_clip_model.safetensors")
    p_hb = os.path.join(dirs["tiny-b/hf-eps"], "model.safetensors")
    ref.write_safetensors(p_ob, sd_b, dtypes={k: "F32" for k in sd_b})
    write_json(os.path.join(dirs["tiny-b/open_clip"], "open_clip_config.json"),
               open_clip_config(b, TINY_B_MEAN, TINY_B_STD, quick_gelu=False), sort_keys=False)
    ref.write_safetensors(p_hb, hf_b, dtypes={k: "BF16" for k in hf_b}, metadata={"format": "pt"})
    write_json(os.path.join(dirs["tiny-b/hf-eps"], "config.json"),
               hf_config_diff(b, "bfloat16", 1e-6, "gelu"), sort_keys=True)
    write_json(os.path.join(dirs["tiny-b/hf-eps"], "preprocessor_config.json"),
               hf_preprocessor_config(b, TINY_B_MEAN, TINY_B_STD), sort_keys=True)

    m_ob = ref.load_model(dirs["tiny-b/open_clip"])
    m_hb = ref.load_model(dirs["tiny-b/hf-eps"])
    assert (m_ob.arch.vision_act, m_ob.arch.vision_eps, m_ob.arch.vision_heads, m_ob.arch.text_heads) == ("gelu", 1e-5, 1, 1)
    assert (m_hb.arch.text_act, m_hb.arch.text_eps, m_hb.arch.vision_eps) == ("gelu", 1e-6, 1e-6)
    assert m_ob.arch.image_mean == tuple(TINY_B_MEAN) and m_hb.arch.image_std == tuple(TINY_B_STD)
    say("== tiny-b ==")
    tr_ob, tr_hb = {}, {}
    img_b = m_ob.encode_image(pix_b, tr_ob)
    txt_b = m_ob.encode_text(tokens, tr_ob)
    img_be = m_hb.encode_image(pix_b, tr_hb)
    txt_be = m_hb.encode_text(tokens, tr_hb)
    arch_b5 = copy.copy(m_hb.arch)
    arch_b5.vision_eps = arch_b5.text_eps = 1e-5
    say(f"  HF-forward(HF BF16 file, eps forced 1e-5) vs OpenAI-forward(open_clip F32 file): image max|d|="
        f"{np.abs(ref.encode_image_hf(m_hb.weights, arch_b5, pix_b) - img_b).max():.3e}  text max|d|="
        f"{np.abs(ref.encode_text_hf(m_hb.weights, arch_b5, tokens) - txt_b).max():.3e}")
    say(f"  eps 1e-6 vs 1e-5 (golden-hf-eps vs golden): image max|d|={np.abs(img_be - img_b).max():.3e}"
        f" (rel {np.abs(img_be - img_b).max() / np.abs(img_b).max():.2e})  text max|d|={np.abs(txt_be - txt_b).max():.3e}"
        f" (rel {np.abs(txt_be - txt_b).max() / np.abs(txt_b).max():.2e})")
    arch_q = copy.copy(m_ob.arch)
    arch_q.vision_act = arch_q.text_act = "quick_gelu"
    say(f"  sensitivity: quick_gelu instead of gelu -> image max|d| "
        f"{np.abs(ref.encode_image_openai(m_ob.weights, arch_q, pix_b) - img_b).max():.3e} text max|d| "
        f"{np.abs(ref.encode_text_openai(m_ob.weights, arch_q, tokens) - txt_b).max():.3e}")
    pix_clip = f32(ref.normalize_u8_images(img_u8, ref.ClipArch.image_mean, ref.ClipArch.image_std)).astype(np.float64)
    say(f"  sensitivity: CLIP mean/std instead of preprocess_cfg -> pixel max|d| {np.abs(pix_clip - pix_b).max():.3e}")
    d_ob = np.abs(m_ob.encode_text(tok_g) - txt_b).max()
    d_hb = np.abs(m_hb.encode_text(tok_g) - txt_be).max()
    say(f"  causal/EOT: tokens after EOT randomised -> max|d| open_clip {d_ob:.3e}, hf-eps {d_hb:.3e}")
    say("  image feature norms (open_clip):", np.round(np.linalg.norm(img_b, axis=1), 6).tolist())
    say("  text  feature norms (open_clip):", np.round(np.linalg.norm(txt_b, axis=1), 6).tolist())
    say("  image feature norms (hf-eps):  ", np.round(np.linalg.norm(img_be, axis=1), 6).tolist())
    say("  text  feature norms (hf-eps):  ", np.round(np.linalg.norm(txt_be, axis=1), 6).tolist())
    for path, m, img, txt, tr, label in (
            (os.path.join(out, "tiny-b", "golden.safetensors"), m_ob, img_b, txt_b, tr_ob, "tiny-b open_clip (gelu, eps 1e-5)"),
            (os.path.join(out, "tiny-b", "golden-hf-eps.safetensors"), m_hb, img_be, txt_be, tr_hb, "tiny-b hf-eps (gelu, eps 1e-6)")):
        ref.write_safetensors(path, {
            "image_u8": img_u8, "pixel_values": f32(pix_b), "image_features": f32(img), "text_tokens": tokens,
            "text_features": f32(txt), "logit_scale": f32(m.logit_scale),
            "logits_per_image": f32(m.logits_per_image(img, txt)),
            "debug.vision_embeddings": f32(tr["vision_embeddings"]), "debug.vision_pooled": f32(tr["vision_pooled"]),
            "debug.text_embeddings": f32(tr["text_embeddings"]), "debug.text_pooled": f32(tr["text_pooled"]),
        }, metadata={**meta_common, "model": label, "seed_weights": str(SEED_B), "seed_inputs": str(SEED_INPUTS),
                     "image_mean": json.dumps(TINY_B_MEAN), "image_std": json.dumps(TINY_B_STD),
                     "pixel_values": "normalize(image_u8 [N,H,W,RGB] / 255, image_mean, image_std) -> [N,3,H,W]"})

    # ---- file-level checks ------------------------------------------------
    say("== file checks ==")
    for path, expect in ((p_oa, sd_a), (p_ha, hf_a_all), (p_ob, sd_b), (p_hb, hf_b)):
        got, _ = ref.read_safetensors(path)
        assert set(got) == set(expect), path
        for k in expect:
            assert got[k].shape == np.asarray(expect[k]).shape, (path, k)
            assert np.array_equal(got[k].astype(np.float64) if got[k].dtype.kind == "f" else got[k], expect[k]), (path, k)
        # re-write and compare bytes: the writer is deterministic
        raw = open(path, "rb").read()
        hdr = json.loads(raw[8:8 + int.from_bytes(raw[:8], "little")])
        dts = {k: v["dtype"] for k, v in hdr.items() if k != "__metadata__"}
        tmp = path + ".tmp"
        ref.write_safetensors(tmp, got, dtypes=dts, metadata=hdr.get("__metadata__"))
        same = open(tmp, "rb").read() == raw
        os.remove(tmp)
        say(f"  round trip {os.path.relpath(path, out)}: {len(got)} tensors, values exact, re-serialised bytes identical={same}")
        assert same
    for name, sd in (("tiny-a", sd_a), ("tiny-b", sd_b)):
        for k, v in sd.items():
            assert np.array_equal(v.astype(np.float16).astype(np.float64), v), k
            ref.f64_to_bf16_bits_exact(v)
            nz = np.abs(v[v != 0])
            assert nz.size == 0 or nz.min() >= 2.0 ** -14, k
        say(f"  {name}: all {sum(v.size for v in sd.values())} weights exact in F16, BF16 and F32; |w|=0 or >=2^-14")
    back = hf_to_openai(ref.read_safetensors(p_ha)[0], a)
    assert set(back) == set(sd_a) and all(np.array_equal(back[k].astype(np.float64), sd_a[k]) for k in sd_a)
    say("  tiny-a: HF file mapped back (q/k/v concatenated, projections transposed) == OpenAI weights exactly")
    for path in (os.path.join(out, "tiny-a", "golden.safetensors"), os.path.join(out, "tiny-b", "golden.safetensors"),
                 os.path.join(out, "tiny-b", "golden-hf-eps.safetensors")):
        g, _ = ref.read_safetensors(path)
        say(f"  {os.path.relpath(path, out)}: " + ", ".join(f"{k} {g[k].dtype}{list(g[k].shape)}" for k in sorted(g)))
    rt = {
        "tiny-a/openai": os.path.join(out, "tiny-a", "golden.safetensors"),
        "tiny-a/hf": os.path.join(out, "tiny-a", "golden.safetensors"),
        "tiny-b/open_clip": os.path.join(out, "tiny-b", "golden.safetensors"),
        "tiny-b/hf-eps": os.path.join(out, "tiny-b", "golden-hf-eps.safetensors"),
    }
    for folder, gpath in rt.items():
        m = ref.load_model(os.path.join(out, folder))
        g, _ = ref.read_safetensors(gpath)
        di = np.abs(m.encode_image(g["pixel_values"]) - g["image_features"]).max()
        dt = np.abs(m.encode_text(g["text_tokens"]) - g["text_features"]).max()
        say(f"  reload {folder:17s} vs {os.path.basename(gpath):26s}: image max|d| {di:.2e}, text max|d| {dt:.2e} (F32 storage rounding)")

    # ---- manifest ---------------------------------------------------------
    files = []
    for root, _, names in os.walk(out):
        for n in names:
            if n in ("MANIFEST.sha256", "README.md"):   # README.md is hand-written, not generated
                continue
            files.append(os.path.relpath(os.path.join(root, n), out))
    files.sort()
    with open(os.path.join(out, "MANIFEST.sha256"), "w") as f:
        for rel in files:
            f.write(f"{sha256(os.path.join(out, rel))}  {rel}\n")
    say("== files ==")
    total = 0
    for rel in files:
        sz = os.path.getsize(os.path.join(out, rel))
        total += sz
        say(f"  {sz:>9,d}  {rel}")
    say(f"  {total:>9,d}  total")
    with open(os.path.join(here, "last_run_report.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
