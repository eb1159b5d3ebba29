#!/usr/bin/env python3
"""Independent numpy (float64) reference of the CLIP forward pass (ViT and ModifiedResNet image towers).

This module is a *test oracle* for the Java implementation in ``clip-backbone``.
It needs only numpy (and ``regex`` for the tokenizer); there is no torch here.

It follows, line by line:

* openai/CLIP ``clip/model.py`` -- ``VisionTransformer.forward``,
  ``ModifiedResNet.forward`` (3-conv stem, ``Bottleneck``, ``AttentionPool2d``;
  batch norm in eval mode with the stored running statistics, eps 1e-5),
  ``CLIP.encode_text``, ``ResidualAttentionBlock``, ``QuickGELU``,
  ``build_model`` (architecture derived from tensor shapes);
* PyTorch ``F.multi_head_attention_forward`` -- ``in_proj_weight`` [3w, w] is
  ``chunk(3)``-ed into q, k, v; each is ``view(L, N*heads, head_dim)`` (heads are
  contiguous column blocks); ``q * head_dim**-0.5``; ``attn_mask`` is *added*
  (``baddbmm``); softmax; ``out_proj``;
* Hugging Face ``modeling_clip.py`` -- ``CLIPAttention`` with separate
  q/k/v projections and ``self.scale = head_dim**-0.5`` applied to ``q @ k^T``
  (``eager_attention_forward``), ``pre_layrnorm``, ``post_layernorm``,
  ``final_layer_norm``, EOS pooling (legacy ``argmax`` when every row's max id is
  49407, otherwise the first position of ``config.eos_token_id``),
  ``visual_projection`` / ``text_projection`` as bias-free ``nn.Linear``
  (weight [embed, width], y = x @ W^T).

Two *separately written* forward passes are provided, one per checkpoint layout
(OpenAI/open_clip names vs. HF CLIPModel names), so that a mapping mistake in
either direction shows up as a disagreement.

Returned features are NOT normalised (like ``encode_image``/``encode_text`` and
``get_image_features``/``get_text_features``).

Public API
----------
``read_safetensors(path) -> (tensors, metadata)``
``write_safetensors(path, tensors, dtypes=None, metadata=None)``
``load_model(folder) -> ClipReference`` (either layout) with
``.encode_image(pixel_values)`` and ``.encode_text(tokens)``
``encode_image_openai / encode_text_openai / encode_image_hf / encode_text_hf``
``ClipBpeTokenizer(vocab_json, merges_txt)`` -- port of ``simple_tokenizer.py``

CLI: ``python3 clip_reference.py FOLDER [--golden golden.safetensors]`` prints
the features (or their max abs difference against a golden file).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import struct
import sys
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import numpy as np

# ---------------------------------------------------------------------------
# safetensors (format: u64 LE header length N, N bytes of JSON header padded
# with spaces, then the raw little-endian data; data_offsets are relative to
# the start of the data section)
# ---------------------------------------------------------------------------

_NP_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_ITEMSIZE = {**{k: v.itemsize for k, v in _NP_DTYPES.items()}, "BF16": 2}


def bf16_bits_to_f32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f64_to_bf16_bits_exact(x: np.ndarray) -> np.ndarray:
    """Bit patterns of x in bfloat16; raises if x is not exactly representable."""
    f32 = np.asarray(x, dtype=np.float64).astype(np.float32)
    if not np.array_equal(f32.astype(np.float64), np.asarray(x, dtype=np.float64)):
        raise ValueError("value not representable in float32, hence not in bfloat16")
    u32 = f32.view(np.uint32)
    if np.any(u32 & 0xFFFF):
        raise ValueError("value not exactly representable in bfloat16")
    return (u32 >> 16).astype(np.uint16)


def read_safetensors(path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """Read a .safetensors file. Floating tensors come back in their storage
    dtype (BF16 is widened to float32, exactly)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError("file too short")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError("header length beyond end of file")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", None) or {}
    out: Dict[str, np.ndarray] = {}
    spans = []
    for name, info in header.items():
        dt, shape, (b, e) = info["dtype"], list(info["shape"]), info["data_offsets"]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if e - b != count * _ITEMSIZE[dt]:
            raise ValueError(f"{name}: byte span {e - b} != {count} x {_ITEMSIZE[dt]}")
        spans.append((b, e))
        buf = data[b:e]
        if dt == "BF16":
            arr = bf16_bits_to_f32(np.frombuffer(buf, dtype="<u2"))
        else:
            arr = np.frombuffer(buf, dtype=_NP_DTYPES[dt]).copy()
        out[name] = arr.reshape(shape)
    spans.sort()
    pos = 0
    for b, e in spans:  # the spec requires a dense, non-overlapping data buffer
        if b != pos:
            raise ValueError("data offsets are not contiguous")
        pos = e
    if pos != len(data):
        raise ValueError("trailing bytes after the last tensor")
    return out, metadata


def write_safetensors(path: str, tensors: Dict[str, np.ndarray],
                      dtypes: Optional[Dict[str, str]] = None,
                      metadata: Optional[Dict[str, str]] = None) -> None:
    """Write tensors. ``dtypes[name]`` selects the storage dtype ("F16", "BF16",
    "F32", "I64", ...); default: derived from the array's dtype. Float values
    must be exactly representable in the chosen dtype (checked)."""
    rev = {v: k for k, v in _NP_DTYPES.items()}
    items = []
    for name, arr in tensors.items():
        arr = np.asarray(arr)
        dt = (dtypes or {}).get(name) or rev[arr.dtype.newbyteorder("<")]
        if dt == "BF16":
            payload = f64_to_bf16_bits_exact(arr).astype("<u2").tobytes()
        else:
            conv = arr.astype(_NP_DTYPES[dt])
            if dt in ("F16", "F32", "F64") and not np.array_equal(
                    conv.astype(np.float64), arr.astype(np.float64)):
                raise ValueError(f"{name}: not exactly representable as {dt}")
            if dt not in ("F16", "F32", "F64") and not np.array_equal(conv, arr):
                raise ValueError(f"{name}: not representable as {dt}")
            payload = conv.tobytes()
        items.append((name, dt, list(arr.shape), payload))
    # Larger itemsize first (then by name) keeps every tensor aligned to its
    # element size, like the reference Rust implementation does.
    items.sort(key=lambda t: (-_ITEMSIZE[t[1]], t[0]))
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    off = 0
    for name, dt, shape, payload in items:
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(payload)]}
        off += len(payload)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for _, _, _, payload in items:
            f.write(payload)


# ---------------------------------------------------------------------------
# elementwise helpers
# ---------------------------------------------------------------------------

_erf = np.frompyfunc(math.erf, 1, 1)


def gelu_exact(x: np.ndarray) -> np.ndarray:
    """torch.nn.GELU() / F.gelu (approximate='none'): 0.5 x (1 + erf(x/sqrt 2))."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


def quick_gelu(x: np.ndarray) -> np.ndarray:
    """clip/model.py QuickGELU: x * sigmoid(1.702 x)."""
    return x * (1.0 / (1.0 + np.exp(-1.702 * x)))


ACTIVATIONS = {"quick_gelu": quick_gelu, "gelu": gelu_exact}


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    """torch LayerNorm over the last dim (biased variance)."""
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _softmax(s: np.ndarray) -> np.ndarray:
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------
# architecture description
# ---------------------------------------------------------------------------

@dataclass
class ClipArch:
    embed_dim: int
    image_resolution: int
    vision_layers: int
    vision_width: int
    vision_patch_size: int
    vision_heads: int
    context_length: int
    vocab_size: int
    text_width: int
    text_heads: int
    text_layers: int
    vision_act: str = "quick_gelu"
    text_act: str = "quick_gelu"
    vision_eps: float = 1e-5
    text_eps: float = 1e-5
    # HF only: pooling token (None -> argmax, as OpenAI)
    eos_token_id: Optional[int] = None
    image_mean: Tuple[float, float, float] = (0.48145466, 0.4578275, 0.40821073)
    image_std: Tuple[float, float, float] = (0.26862954, 0.26130258, 0.27577711)
    extra: dict = field(default_factory=dict)


def arch_from_openai_state_dict(sd: Dict[str, np.ndarray]) -> ClipArch:
    """clip/model.py build_model, verbatim logic (ViT branch, and the ModifiedResNet branch: then
    ``vision_layers`` is a tuple of four block counts and ``vision_patch_size`` is None)."""
    vit = "visual.proj" in sd
    if vit:
        vision_width = sd["visual.conv1.weight"].shape[0]
        vision_layers = len([k for k in sd if k.startswith("visual.") and k.endswith(".attn.in_proj_weight")])
        vision_patch_size = sd["visual.conv1.weight"].shape[-1]
        grid_size = round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5)
        image_resolution = vision_patch_size * grid_size
        vision_heads = vision_width // 64
    else:
        counts = [len(set(k.split(".")[2] for k in sd if k.startswith(f"visual.layer{b}"))) for b in [1, 2, 3, 4]]
        vision_layers = tuple(counts)
        vision_width = sd["visual.layer1.0.conv1.weight"].shape[0]
        output_width = round((sd["visual.attnpool.positional_embedding"].shape[0] - 1) ** 0.5)
        vision_patch_size = None
        assert output_width ** 2 + 1 == sd["visual.attnpool.positional_embedding"].shape[0]
        image_resolution = output_width * 32
        vision_heads = vision_width * 32 // 64
    embed_dim = sd["text_projection"].shape[1]
    context_length = sd["positional_embedding"].shape[0]
    vocab_size = sd["token_embedding.weight"].shape[0]
    transformer_width = sd["ln_final.weight"].shape[0]
    transformer_heads = transformer_width // 64
    transformer_layers = len(set(k.split(".")[2] for k in sd if k.startswith("transformer.resblocks")))
    return ClipArch(embed_dim=embed_dim, image_resolution=image_resolution,
                    vision_layers=vision_layers, vision_width=vision_width,
                    vision_patch_size=vision_patch_size, vision_heads=vision_heads,
                    context_length=context_length, vocab_size=vocab_size,
                    text_width=transformer_width, text_heads=transformer_heads,
                    text_layers=transformer_layers)


# ---------------------------------------------------------------------------
# OpenAI layout forward (packed in_proj, nn.MultiheadAttention semantics)
# ---------------------------------------------------------------------------

def _mha_packed(x, in_w, in_b, out_w, out_b, heads, attn_mask=None):
    """nn.MultiheadAttention(x, x, x, attn_mask) for batch-first x [N, L, D]."""
    n, l, d = x.shape
    hd = d // heads
    w_q, w_k, w_v = np.split(in_w, 3, axis=0)          # in_proj_weight.chunk(3)
    b_q, b_k, b_v = np.split(in_b, 3, axis=0)
    q = x @ w_q.T + b_q
    k = x @ w_k.T + b_k
    v = x @ w_v.T + b_v
    # view(L, N*heads, head_dim): head h owns columns [h*hd, (h+1)*hd)
    q = q.reshape(n, l, heads, hd).transpose(0, 2, 1, 3)
    k = k.reshape(n, l, heads, hd).transpose(0, 2, 1, 3)
    v = v.reshape(n, l, heads, hd).transpose(0, 2, 1, 3)
    q = q * math.sqrt(1.0 / float(hd))                  # q_scaled
    s = q @ k.transpose(0, 1, 3, 2)
    if attn_mask is not None:
        s = s + attn_mask                               # baddbmm(attn_mask, q, k^T)
    o = _softmax(s) @ v                                 # [N, H, L, hd]
    o = o.transpose(0, 2, 1, 3).reshape(n, l, d)
    return o @ out_w.T + out_b


def _openai_resblock(x, sd, p, heads, act, eps, attn_mask):
    y = layer_norm(x, sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], eps)
    x = x + _mha_packed(y, sd[p + "attn.in_proj_weight"], sd[p + "attn.in_proj_bias"],
                        sd[p + "attn.out_proj.weight"], sd[p + "attn.out_proj.bias"],
                        heads, attn_mask)
    y = layer_norm(x, sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], eps)
    y = y @ sd[p + "mlp.c_fc.weight"].T + sd[p + "mlp.c_fc.bias"]
    y = ACTIVATIONS[act](y)
    y = y @ sd[p + "mlp.c_proj.weight"].T + sd[p + "mlp.c_proj.bias"]
    return x + y


# ---------------------------------------------------------------------------
# ModifiedResNet (clip/model.py: Bottleneck, AttentionPool2d, ModifiedResNet), eval mode
# ---------------------------------------------------------------------------

BATCH_NORM_EPS = 1e-5   # nn.BatchNorm2d default, as in every released CLIP ResNet


def conv2d(x, w, stride=1, padding=0):
    """F.conv2d without bias: x [N, C, H, W], w [O, C, k, k]; cross-correlation with zero padding,
    output size floor((H + 2p - k) / s) + 1 (im2col, float64)."""
    n, c, h, wd = x.shape
    o, c2, k, k2 = w.shape
    assert c == c2 and k == k2
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (h + 2 * padding - k) // stride + 1
    wo = (wd + 2 * padding - k) // stride + 1
    cols = np.empty((n, c, k, k, ho, wo), dtype=np.float64)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = x[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride]
    out = np.einsum("nckluv,ockl->nouv", cols, w, optimize=True)
    return out


def avg_pool2d(x, k):
    """nn.AvgPool2d(k): kernel = stride = k, no padding, floor mode (trailing rows/columns dropped)."""
    n, c, h, w = x.shape
    ho, wo = h // k, w // k
    x = x[:, :, :ho * k, :wo * k].reshape(n, c, ho, k, wo, k)
    return x.mean(axis=(3, 5))


def batch_norm_eval(x, sd, prefix, eps=None):
    """nn.BatchNorm2d in eval mode: (x - running_mean) / sqrt(running_var + eps) * weight + bias
    (eps: BATCH_NORM_EPS unless given)."""
    eps = BATCH_NORM_EPS if eps is None else eps
    shape = (1, -1, 1, 1)
    mean = sd[prefix + ".running_mean"].reshape(shape)
    var = sd[prefix + ".running_var"].reshape(shape)
    return (x - mean) / np.sqrt(var + eps) * sd[prefix + ".weight"].reshape(shape) + sd[prefix + ".bias"].reshape(shape)


def relu(x):
    return np.maximum(x, 0.0)


def _bottleneck(x, sd, p, stride):
    """Bottleneck.forward (expansion 4; avgpool(stride) after conv2 when stride > 1; downsample =
    AvgPool2d(stride) -> 1x1 conv -> BN, present when the module has one)."""
    out = relu(batch_norm_eval(conv2d(x, sd[p + "conv1.weight"]), sd, p + "bn1"))
    out = relu(batch_norm_eval(conv2d(out, sd[p + "conv2.weight"], padding=1), sd, p + "bn2"))
    if stride > 1:
        out = avg_pool2d(out, stride)
    out = batch_norm_eval(conv2d(out, sd[p + "conv3.weight"]), sd, p + "bn3")
    identity = x
    if p + "downsample.0.weight" in sd:
        identity = x if stride == 1 else avg_pool2d(x, stride)
        identity = batch_norm_eval(conv2d(identity, sd[p + "downsample.0.weight"]), sd, p + "downsample.1")
    return relu(out + identity)


def attention_pool_2d(x, sd, heads, p="visual.attnpool."):
    """AttentionPool2d.forward: flatten HW, prepend the mean token, add the positional embedding,
    multi-head attention with separate q/k/v projections where only token 0 queries, c_proj."""
    n, c, h, w = x.shape
    x = x.reshape(n, c, h * w).transpose(0, 2, 1)                   # [N, HW, C]
    x = np.concatenate([x.mean(axis=1, keepdims=True), x], axis=1)  # [N, HW+1, C]
    x = x + sd[p + "positional_embedding"]
    hd = c // heads
    q = x[:, :1] @ sd[p + "q_proj.weight"].T + sd[p + "q_proj.bias"]   # [N, 1, C]
    k = x @ sd[p + "k_proj.weight"].T + sd[p + "k_proj.bias"]          # [N, L, C]
    v = x @ sd[p + "v_proj.weight"].T + sd[p + "v_proj.bias"]
    q = q.reshape(n, 1, heads, hd).transpose(0, 2, 1, 3) * math.sqrt(1.0 / float(hd))
    k = k.reshape(n, -1, heads, hd).transpose(0, 2, 1, 3)
    v = v.reshape(n, -1, heads, hd).transpose(0, 2, 1, 3)
    o = _softmax(q @ k.transpose(0, 1, 3, 2)) @ v                   # [N, H, 1, hd]
    o = o.transpose(0, 2, 1, 3).reshape(n, c)
    return o @ sd[p + "c_proj.weight"].T + sd[p + "c_proj.bias"]


def encode_image_resnet(sd, arch: ClipArch, pixel_values, trace=None):
    """ModifiedResNet.forward (eval mode). pixel_values [N, 3, R, R] (already normalised)."""
    x = np.asarray(pixel_values, dtype=np.float64)
    x = relu(batch_norm_eval(conv2d(x, sd["visual.conv1.weight"], stride=2, padding=1), sd, "visual.bn1"))
    x = relu(batch_norm_eval(conv2d(x, sd["visual.conv2.weight"], padding=1), sd, "visual.bn2"))
    x = relu(batch_norm_eval(conv2d(x, sd["visual.conv3.weight"], padding=1), sd, "visual.bn3"))
    x = avg_pool2d(x, 2)
    if trace is not None:
        trace["vision_stem"] = x.copy()
    for stage, blocks in enumerate(arch.vision_layers):
        for b in range(blocks):
            stride = 2 if (stage > 0 and b == 0) else 1
            x = _bottleneck(x, sd, f"visual.layer{stage + 1}.{b}.", stride)
        if trace is not None:
            trace[f"vision_layer{stage + 1}"] = x.copy()
    return attention_pool_2d(x, sd, arch.vision_heads)


def encode_image_openai(sd, arch: ClipArch, pixel_values, trace=None):
    """VisionTransformer.forward (or ModifiedResNet.forward when the arch has a ResNet tower).
    pixel_values [N, 3, R, R] (already normalised)."""
    if isinstance(arch.vision_layers, tuple):
        return encode_image_resnet(sd, arch, pixel_values, trace)
    x = np.asarray(pixel_values, dtype=np.float64)
    n = x.shape[0]
    p = arch.vision_patch_size
    g = arch.image_resolution // p
    w = sd["visual.conv1.weight"]                         # [width, 3, p, p]
    # conv1 (stride = kernel = p, no bias) as a patch matmul; patches in
    # row-major (gy, gx) order == conv output .reshape(N, width, g*g)
    patches = x.reshape(n, 3, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(n, g * g, 3 * p * p)
    x = patches @ w.reshape(w.shape[0], -1).T             # [N, g*g, width]
    cls = np.broadcast_to(sd["visual.class_embedding"], (n, 1, x.shape[-1]))
    x = np.concatenate([cls, x], axis=1)
    x = x + sd["visual.positional_embedding"]
    if trace is not None:
        trace["vision_embeddings"] = x.copy()
    x = layer_norm(x, sd["visual.ln_pre.weight"], sd["visual.ln_pre.bias"], arch.vision_eps)
    for i in range(arch.vision_layers):
        x = _openai_resblock(x, sd, f"visual.transformer.resblocks.{i}.", arch.vision_heads,
                             arch.vision_act, arch.vision_eps, None)
    x = layer_norm(x[:, 0, :], sd["visual.ln_post.weight"], sd["visual.ln_post.bias"], arch.vision_eps)
    if trace is not None:
        trace["vision_pooled"] = x.copy()
    return x @ sd["visual.proj"]


def build_attention_mask(context_length: int) -> np.ndarray:
    """CLIP.build_attention_mask: -inf strictly above the diagonal, 0 elsewhere."""
    m = np.full((context_length, context_length), -np.inf)
    return np.triu(m, 1)


def encode_text_openai(sd, arch: ClipArch, tokens, trace=None):
    """CLIP.encode_text. tokens [N, context_length] int."""
    tokens = np.asarray(tokens, dtype=np.int64)
    x = sd["token_embedding.weight"][tokens]
    x = x + sd["positional_embedding"]
    if trace is not None:
        trace["text_embeddings"] = x.copy()
    mask = build_attention_mask(arch.context_length)[: tokens.shape[1], : tokens.shape[1]]
    for i in range(arch.text_layers):
        x = _openai_resblock(x, sd, f"transformer.resblocks.{i}.", arch.text_heads,
                             arch.text_act, arch.text_eps, mask)
    x = layer_norm(x, sd["ln_final.weight"], sd["ln_final.bias"], arch.text_eps)
    x = x[np.arange(x.shape[0]), tokens.argmax(axis=-1)]   # EOT = highest id
    if trace is not None:
        trace["text_pooled"] = x.copy()
    return x @ sd["text_projection"]


# ---------------------------------------------------------------------------
# Hugging Face layout forward (separate q/k/v, written independently)
# ---------------------------------------------------------------------------

def _hf_linear(x, sd, name, bias=True):
    y = np.einsum("...i,oi->...o", x, sd[name + ".weight"])
    return y + sd[name + ".bias"] if bias else y


def _hf_attention(h, sd, p, num_heads, attention_mask):
    bsz, seq, dim = h.shape
    head_dim = dim // num_heads
    scale = head_dim ** -0.5                                  # CLIPAttention.scale
    q = _hf_linear(h, sd, p + "q_proj").reshape(bsz, seq, -1, head_dim).swapaxes(1, 2)
    k = _hf_linear(h, sd, p + "k_proj").reshape(bsz, seq, -1, head_dim).swapaxes(1, 2)
    v = _hf_linear(h, sd, p + "v_proj").reshape(bsz, seq, -1, head_dim).swapaxes(1, 2)
    w = np.einsum("bhqd,bhkd->bhqk", q, k) * scale           # eager_attention_forward
    if attention_mask is not None:
        w = w + attention_mask
    w = np.exp(w - w.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    o = np.einsum("bhqk,bhkd->bhqd", w, v).swapaxes(1, 2).reshape(bsz, seq, -1)
    return _hf_linear(o, sd, p + "out_proj")


def _hf_encoder_layer(h, sd, p, num_heads, act, eps, attention_mask):
    residual = h
    h = layer_norm(h, sd[p + "layer_norm1.weight"], sd[p + "layer_norm1.bias"], eps)
    h = residual + _hf_attention(h, sd, p + "self_attn.", num_heads, attention_mask)
    residual = h
    h = layer_norm(h, sd[p + "layer_norm2.weight"], sd[p + "layer_norm2.bias"], eps)
    h = ACTIVATIONS[act](_hf_linear(h, sd, p + "mlp.fc1"))
    h = _hf_linear(h, sd, p + "mlp.fc2")
    return residual + h


def encode_image_hf(sd, arch: ClipArch, pixel_values, trace=None):
    """CLIPModel.get_image_features = visual_projection(post_layernorm(cls))."""
    x = np.asarray(pixel_values, dtype=np.float64)
    bsz, _, hgt, wid = x.shape
    ps = arch.vision_patch_size
    wconv = sd["vision_model.embeddings.patch_embedding.weight"]   # [D, 3, ps, ps]
    gh, gw = hgt // ps, wid // ps
    patch_embeds = np.empty((bsz, wconv.shape[0], gh, gw))
    for i in range(gh):                                   # explicit strided conv
        for j in range(gw):
            win = x[:, :, i * ps:(i + 1) * ps, j * ps:(j + 1) * ps]
            patch_embeds[:, :, i, j] = np.einsum("bchw,ochw->bo", win, wconv)
    patch_embeds = patch_embeds.reshape(bsz, wconv.shape[0], -1).swapaxes(1, 2)  # flatten(2).transpose(1,2)
    class_embeds = np.tile(sd["vision_model.embeddings.class_embedding"], (bsz, 1, 1))
    emb = np.concatenate([class_embeds, patch_embeds], axis=1)
    position_ids = np.arange(emb.shape[1])
    emb = emb + sd["vision_model.embeddings.position_embedding.weight"][position_ids]
    if trace is not None:
        trace["vision_embeddings"] = emb.copy()
    h = layer_norm(emb, sd["vision_model.pre_layrnorm.weight"], sd["vision_model.pre_layrnorm.bias"], arch.vision_eps)
    for i in range(arch.vision_layers):
        h = _hf_encoder_layer(h, sd, f"vision_model.encoder.layers.{i}.", arch.vision_heads,
                              arch.vision_act, arch.vision_eps, None)
    pooled = layer_norm(h[:, 0, :], sd["vision_model.post_layernorm.weight"],
                        sd["vision_model.post_layernorm.bias"], arch.vision_eps)
    if trace is not None:
        trace["vision_pooled"] = pooled.copy()
    return _hf_linear(pooled, sd, "visual_projection", bias=False)


def encode_text_hf(sd, arch: ClipArch, input_ids, trace=None):
    """CLIPModel.get_text_features = text_projection(pooled EOS state)."""
    input_ids = np.asarray(input_ids, dtype=np.int64)
    bsz, seq = input_ids.shape
    h = sd["text_model.embeddings.token_embedding.weight"][input_ids]
    h = h + sd["text_model.embeddings.position_embedding.weight"][np.arange(seq)][None]
    if trace is not None:
        trace["text_embeddings"] = h.copy()
    # create_causal_mask: finfo.min where key > query
    causal = np.where(np.arange(seq)[None, :] > np.arange(seq)[:, None], np.finfo(np.float64).min, 0.0)
    for i in range(arch.text_layers):
        h = _hf_encoder_layer(h, sd, f"text_model.encoder.layers.{i}.", arch.text_heads,
                              arch.text_act, arch.text_eps, causal[None, None])
    h = layer_norm(h, sd["text_model.final_layer_norm.weight"], sd["text_model.final_layer_norm.bias"], arch.text_eps)
    if arch.eos_token_id is None or np.all(input_ids.max(axis=-1) == 49407):
        idx = input_ids.astype(np.int32).argmax(axis=-1)          # legacy path
    else:
        idx = (input_ids == arch.eos_token_id).astype(np.int32).argmax(axis=-1)
    pooled = h[np.arange(bsz), idx]
    if trace is not None:
        trace["text_pooled"] = pooled.copy()
    return _hf_linear(pooled, sd, "text_projection", bias=False)


# ---------------------------------------------------------------------------
# checkpoint folders
# ---------------------------------------------------------------------------

HF_TEXT_DEFAULTS = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, num_hidden_layers=12,
                        num_attention_heads=8, max_position_embeddings=77, hidden_act="quick_gelu",
                        layer_norm_eps=1e-5, eos_token_id=49407)
HF_VISION_DEFAULTS = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                          num_attention_heads=12, image_size=224, patch_size=32,
                          hidden_act="quick_gelu", layer_norm_eps=1e-5)


@dataclass
class ClipReference:
    layout: str                      # "openai" or "hf"
    arch: ClipArch
    weights: Dict[str, np.ndarray]   # float64
    logit_scale: float

    def encode_image(self, pixel_values, trace=None):
        f = encode_image_openai if self.layout == "openai" else encode_image_hf
        return f(self.weights, self.arch, pixel_values, trace)

    def encode_text(self, tokens, trace=None):
        f = encode_text_openai if self.layout == "openai" else encode_text_hf
        return f(self.weights, self.arch, tokens, trace)

    def logits_per_image(self, image_features, text_features):
        i = image_features / np.linalg.norm(image_features, axis=-1, keepdims=True)
        t = text_features / np.linalg.norm(text_features, axis=-1, keepdims=True)
        return math.exp(self.logit_scale) * i @ t.T


def _weights_file(folder: str) -> str:
    for name in ("model.safetensors", "open_clip_model.safetensors"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"no model.safetensors / open_clip_model.safetensors in {folder}")


def load_model(folder: str) -> ClipReference:
    """Load a checkpoint folder in OpenAI/open_clip layout or HF CLIPModel layout."""
    tensors, _ = read_safetensors(_weights_file(folder))
    w = {k: v.astype(np.float64) for k, v in tensors.items() if v.dtype.kind == "f"}
    if "visual.proj" in w or "visual.attnpool.positional_embedding" in w:
        arch = arch_from_openai_state_dict(w)
        oc = os.path.join(folder, "open_clip_config.json")
        if os.path.exists(oc):
            with open(oc) as f:
                cfg = json.load(f)
            mc = cfg["model_cfg"]
            vc, tc = mc.get("vision_cfg", {}), mc.get("text_cfg", {})
            act = "quick_gelu" if mc.get("quick_gelu", False) else "gelu"
            arch.vision_act = arch.text_act = act
            if isinstance(arch.vision_layers, tuple):   # open_clip: width * 32 // head_width
                arch.vision_heads = arch.vision_width * 32 // vc.get("head_width", 64)
            else:
                arch.vision_heads = arch.vision_width // vc.get("head_width", 64)
            arch.text_heads = tc.get("heads", 8)
            arch.vision_eps = vc.get("norm_kwargs", {}).get("eps", 1e-5)
            arch.text_eps = tc.get("norm_kwargs", {}).get("eps", 1e-5)
            pp = cfg.get("preprocess_cfg", {})
            arch.image_mean = tuple(pp.get("mean", arch.image_mean))
            arch.image_std = tuple(pp.get("std", arch.image_std))
        return ClipReference("openai", arch, w, float(w["logit_scale"]))
    if "vision_model.embeddings.class_embedding" in w:
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        t = {**HF_TEXT_DEFAULTS, **cfg.get("text_config", {})}
        v = {**HF_VISION_DEFAULTS, **cfg.get("vision_config", {})}
        arch = ClipArch(embed_dim=cfg.get("projection_dim", 512), image_resolution=v["image_size"],
                        vision_layers=v["num_hidden_layers"], vision_width=v["hidden_size"],
                        vision_patch_size=v["patch_size"], vision_heads=v["num_attention_heads"],
                        context_length=t["max_position_embeddings"], vocab_size=t["vocab_size"],
                        text_width=t["hidden_size"], text_heads=t["num_attention_heads"],
                        text_layers=t["num_hidden_layers"], vision_act=v["hidden_act"],
                        text_act=t["hidden_act"], vision_eps=v["layer_norm_eps"],
                        text_eps=t["layer_norm_eps"], eos_token_id=t["eos_token_id"])
        pp = os.path.join(folder, "preprocessor_config.json")
        if os.path.exists(pp):
            with open(pp) as f:
                ppc = json.load(f)
            arch.image_mean = tuple(ppc.get("image_mean", arch.image_mean))
            arch.image_std = tuple(ppc.get("image_std", arch.image_std))
        return ClipReference("hf", arch, w, float(w["logit_scale"]))
    raise ValueError(f"unrecognised checkpoint layout in {folder}")


def normalize_u8_images(images_nhwc_u8: np.ndarray, mean, std) -> np.ndarray:
    """ToTensor()/rescale(1/255) + Normalize(mean, std); [N,H,W,3] u8 -> [N,3,H,W]."""
    x = images_nhwc_u8.astype(np.float64) / 255.0
    x = (x - np.asarray(mean, dtype=np.float64)) / np.asarray(std, dtype=np.float64)
    return x.transpose(0, 3, 1, 2)


# ---------------------------------------------------------------------------
# tokenizer (port of clip/simple_tokenizer.py; ftfy.fix_text omitted -- the
# fixtures only use plain ASCII, for which it is the identity)
# ---------------------------------------------------------------------------

def bytes_to_unicode() -> Dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


CLIP_PRETOKENIZE = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


def clean_text(text: str) -> str:
    import regex as re
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r"\s+", " ", text).strip().lower()


class ClipBpeTokenizer:
    def __init__(self, vocab_json: str, merges_txt: str):
        import regex as re
        with open(vocab_json, encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(merges_txt, encoding="utf-8") as f:
            lines = f.read().strip().split("\n")
        if lines and lines[0].startswith("#version"):
            lines = lines[1:]
        self.bpe_ranks = {tuple(l.split()): i for i, l in enumerate(lines) if l}
        self.byte_encoder = bytes_to_unicode()
        self.pat = re.compile(CLIP_PRETOKENIZE, re.IGNORECASE)
        self.sot = self.encoder["<|startoftext|>"]
        self.eot = self.encoder["<|endoftext|>"]

    def bpe(self, token: str):
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and word[i] == first and word[i + 1] == second:
                    new.append(first + second)
                    i += 2
                else:
                    new.append(word[i])
                    i += 1
            word = tuple(new)
        return list(word)

    def encode(self, text: str):
        import regex as re
        ids = []
        for tok in re.findall(self.pat, clean_text(text)):
            tok = "".join(self.byte_encoder[b] for b in tok.encode("utf-8"))
            ids.extend(self.encoder[s] for s in self.bpe(tok))
        return ids

    def tokenize(self, texts, context_length: int) -> np.ndarray:
        """clip.tokenize(texts, context_length, truncate=True)."""
        out = np.zeros((len(texts), context_length), dtype=np.int64)
        for i, t in enumerate(texts):
            toks = [self.sot] + self.encode(t) + [self.eot]
            if len(toks) > context_length:
                toks = toks[:context_length]
                toks[-1] = self.eot
            out[i, :len(toks)] = toks
        return out


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--golden", help="golden .safetensors with pixel_values/text_tokens to compare against")
    a = ap.parse_args(argv)
    m = load_model(a.folder)
    print(f"layout={m.layout} arch={m.arch}")
    if a.golden:
        g, _ = read_safetensors(a.golden)
        img = m.encode_image(g["pixel_values"].astype(np.float64))
        txt = m.encode_text(g["text_tokens"])
        print("image max|diff| vs golden:", float(np.abs(img - g["image_features"]).max()))
        print("text  max|diff| vs golden:", float(np.abs(txt - g["text_features"]).max()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
