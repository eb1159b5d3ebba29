#!/usr/bin/python3
"""Write the PyTorch-format test fixtures of clip-backbone's PyTorch checkpoint reader.

Needs torch (1.13 was used) and numpy: run it with Debian's interpreter, which has both,

    /usr/bin/python3 tools/reference/make_torch_fixtures.py [OUT_DIR]

OUT_DIR defaults to clip-backbone/src/test/resources/golden/torch. The tests never need torch:
they read the files written here.

From the existing tiny safetensors models in golden/ (tiny-b, written by make_golden_fixtures.py)
it writes the same model as

  tiny-b/open_clip-bin/open_clip_pytorch_model.bin   torch.save state dict, OpenAI names, F32
  tiny-b/hf-eps-bin/pytorch_model.bin                torch.save state dict, HF names, BF16, plus the
                                                     I64 *.position_ids buffers older transformers saved
  tiny-b/hf-eps-sharded/pytorch_model-0000N-of-00002.bin + pytorch_model.bin.index.json   F16 shards
  tiny-b/wrapped-pt/tiny-b.pt                        {"epoch": 3, "state_dict": {"module.<name>": ...}}
                                                     (a DDP training checkpoint), F16, every tensor a
                                                     view of ONE shared storage at its own offset,
                                                     2-D weights stored transposed (non-contiguous)
  tiny-b/torchscript/tiny-b-vit.pt                   TorchScript archive (torch.jit.trace_module of the
                                                     torch CLIP below, weights then cast to F16 as
                                                     OpenAI's released ViT-B-16.pt are)
  tiny-b/torchscript/torch-features.safetensors      what that traced model computes (F32, before the
                                                     cast) on tiny-b's golden inputs

each with the config and vocabulary files of the safetensors folder it was made from;

  misc/views.pt + misc/views-expected.safetensors    strided views: transpose, offset slice, column
                                                     slice, stride-0 expand, shared storage; F64, I64
  misc/legacy-format.pt                              _use_new_zipfile_serialization=False (torch < 1.6)
  misc/protocol4.pt                                  torch.save(..., pickle_protocol=4) (STACK_GLOBAL, FRAME)
  misc/values-and-parameters.pt                      a Parameter, a torch.Size, bytes, and the torch 2.x
                                                     spellings _rebuild_from_type_v2 / _rebuild_parameter_with_state
  misc/refused-os-system.pt                          data.pkl calls os.system (crafted bytes)
  misc/refused-builtins-eval.pt                      data.pkl calls builtins.eval (crafted bytes)
  misc/refused-posix-system.pt                       what pickle.dumps writes for os.system on Linux
  misc/whole-module.pt                               torch.save(nn.Linear(2, 2)): a pickled class
  misc/scripted-attributes.pt                        torch.jit.script of a module with a plain tensor
                                                     attribute, List[int], Dict and List[Tensor] attributes
  misc/complex64.pt                                  a complex64 tensor (unsupported storage type)

and, for the ResNet image tower, a tiny random CLIP with OpenAI's ModifiedResNet (resnet/, see the
README written there).

Deterministic: torch.manual_seed, numpy weights from the existing fixtures. torch.save zips carry no
timestamps, so two runs with the same torch give the same bytes (MANIFEST.sha256), except
misc/legacy-format.pt, whose storage keys are memory addresses (the legacy format's own choice).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import pickle
import shutil
import struct
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clip_reference as ref  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(REPO, "clip-backbone", "src", "test", "resources", "golden")
TOKENIZER_FILES = ("vocab.json", "merges.txt")
MARKER = "/tmp/ckcoop-pickle-was-executed"


# ---------------------------------------------------------------------------
# OpenAI's CLIP (clip/model.py), the parts inference needs; the activation is a parameter so that
# the GELU tiny-b can be traced (open_clip's build does the same).
# ---------------------------------------------------------------------------

class LayerNorm(nn.LayerNorm):
    def forward(self, x):
        orig_type = x.dtype
        return super().forward(x.type(torch.float32)).type(orig_type)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model, n_head, act, attn_mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, d_model * 4)),
            ("gelu", QuickGELU() if act == "quick_gelu" else nn.GELU()),
            ("c_proj", nn.Linear(d_model * 4, d_model))]))
        self.ln_2 = LayerNorm(d_model)
        self.attn_mask = attn_mask

    def attention(self, x):
        mask = self.attn_mask.to(dtype=x.dtype, device=x.device) if self.attn_mask is not None else None
        return self.attn(x, x, x, need_weights=False, attn_mask=mask)[0]

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, act, attn_mask=None):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, act, attn_mask) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution, patch_size, width, layers, heads, output_dim, act):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, act)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        x = torch.cat([self.class_embedding.to(x.dtype)
                       + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype, device=x.device), x], dim=1)
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu3 = nn.ReLU(inplace=True)
        self.downsample = None
        self.stride = stride
        if stride > 1 or inplanes != planes * Bottleneck.expansion:
            self.downsample = nn.Sequential(OrderedDict([
                ("-1", nn.AvgPool2d(stride)),
                ("0", nn.Conv2d(inplanes, planes * self.expansion, 1, stride=1, bias=False)),
                ("1", nn.BatchNorm2d(planes * self.expansion))]))

    def forward(self, x):
        identity = x
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.avgpool(out)
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        out = self.relu3(out)
        return out


class AttentionPool2d(nn.Module):
    def __init__(self, spacial_dim, embed_dim, num_heads, output_dim=None):
        super().__init__()
        self.positional_embedding = nn.Parameter(torch.randn(spacial_dim ** 2 + 1, embed_dim) / embed_dim ** 0.5)
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.c_proj = nn.Linear(embed_dim, output_dim or embed_dim)
        self.num_heads = num_heads

    def forward(self, x):
        x = x.flatten(start_dim=2).permute(2, 0, 1)
        x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0)
        x = x + self.positional_embedding[:, None, :].to(x.dtype)
        x, _ = F.multi_head_attention_forward(
            query=x[:1], key=x, value=x, embed_dim_to_check=x.shape[-1], num_heads=self.num_heads,
            q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight, v_proj_weight=self.v_proj.weight,
            in_proj_weight=None, in_proj_bias=torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]),
            bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0,
            out_proj_weight=self.c_proj.weight, out_proj_bias=self.c_proj.bias,
            use_separate_proj_weight=True, training=self.training, need_weights=False)
        return x.squeeze(0)


class ModifiedResNet(nn.Module):
    def __init__(self, layers, output_dim, heads, input_resolution=224, width=64):
        super().__init__()
        self.output_dim = output_dim
        self.input_resolution = input_resolution
        self.conv1 = nn.Conv2d(3, width // 2, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width // 2)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(width // 2, width // 2, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width // 2)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(width // 2, width, kernel_size=3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width)
        self.relu3 = nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(2)
        self._inplanes = width
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(width * 8, layers[3], stride=2)
        embed_dim = width * 32
        self.attnpool = AttentionPool2d(input_resolution // 32, embed_dim, heads, output_dim)

    def _make_layer(self, planes, blocks, stride=1):
        layers = [Bottleneck(self._inplanes, planes, stride)]
        self._inplanes = planes * Bottleneck.expansion
        for _ in range(1, blocks):
            layers.append(Bottleneck(self._inplanes, planes))
        return nn.Sequential(*layers)

    def stem(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.relu2(self.bn2(self.conv2(x)))
        x = self.relu3(self.bn3(self.conv3(x)))
        return self.avgpool(x)

    def forward(self, x):
        x = x.type(self.conv1.weight.dtype)
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        return self.attnpool(x)


class CLIP(nn.Module):
    def __init__(self, embed_dim, image_resolution, vision_layers, vision_width, vision_patch_size,
                 context_length, vocab_size, transformer_width, transformer_heads, transformer_layers,
                 act="quick_gelu", vision_heads=None):
        super().__init__()
        self.context_length = context_length
        if isinstance(vision_layers, (tuple, list)):
            self.visual = ModifiedResNet(vision_layers, embed_dim, vision_heads or vision_width * 32 // 64,
                                         image_resolution, vision_width)
        else:
            self.visual = VisionTransformer(image_resolution, vision_patch_size, vision_width, vision_layers,
                                            vision_heads or vision_width // 64, embed_dim, act)
        self.transformer = Transformer(transformer_width, transformer_layers, transformer_heads, act,
                                       self.build_attention_mask())
        self.vocab_size = vocab_size
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, transformer_width))
        self.ln_final = LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))

    def build_attention_mask(self):
        mask = torch.empty(self.context_length, self.context_length)
        mask.fill_(float("-inf"))
        mask.triu_(1)
        return mask

    def encode_image(self, image):
        return self.visual(image.type(self.visual.conv1.weight.dtype))

    def encode_text(self, text):
        x = self.token_embedding(text).type(self.positional_embedding.dtype)
        x = x + self.positional_embedding.type(x.dtype)
        x = x.permute(1, 0, 2)
        x = self.transformer(x)
        x = x.permute(1, 0, 2)
        x = self.ln_final(x).type(x.dtype)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def forward(self, image, text):
        image_features = self.encode_image(image)
        text_features = self.encode_text(text)
        image_features = image_features / image_features.norm(dim=1, keepdim=True)
        text_features = text_features / text_features.norm(dim=1, keepdim=True)
        logits_per_image = self.logit_scale.exp() * image_features @ text_features.t()
        return logits_per_image, logits_per_image.t()


class ScriptedAttributes(nn.Module):
    """A scripted (not traced) module whose attributes are more than parameters and buffers: a plain
    tensor, typed lists and a dict (TorchScript pickles them with torch.jit._pickle helpers)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)
        self.mask = torch.zeros(2, 2)
        self.sizes = [1, 2]
        self.names = {"a": 1}
        self.register_buffer("buf", torch.ones(1))
        self.blocks = nn.ModuleList([nn.Linear(2, 2)])
        self.tensors = [torch.ones(1)]

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.linear(x) + self.mask[0] + self.sizes[0] + self.names["a"] + self.tensors[0]


class Torch2StyleTensor:
    """Pickles a tensor as torch 2.x does for a tensor with Python attributes (or a tensor subclass):
    torch._tensor._rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, args, state)."""

    def __init__(self, tensor, state):
        self.tensor, self.state = tensor, state

    def __reduce_ex__(self, proto):
        t = self.tensor
        args = (t.storage(), t.storage_offset(), tuple(t.size()), t.stride(), False, OrderedDict())
        return (torch._tensor._rebuild_from_type_v2, (torch._utils._rebuild_tensor_v2, torch.Tensor, args, self.state))


class Torch2StyleParameter:
    """Pickles a Parameter with Python attributes as torch 2.x does: _rebuild_parameter_with_state
    (torch 1.13 has no such function; a stand-in of that name is put in torch._utils to pickle it)."""

    def __init__(self, tensor, state):
        self.tensor, self.state = tensor, state

    def __reduce_ex__(self, proto):
        if not hasattr(torch._utils, "_rebuild_parameter_with_state"):
            def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
                raise RuntimeError("stand-in, never called")
            _rebuild_parameter_with_state.__module__ = "torch._utils"
            _rebuild_parameter_with_state.__qualname__ = "_rebuild_parameter_with_state"
            torch._utils._rebuild_parameter_with_state = _rebuild_parameter_with_state
        return (torch._utils._rebuild_parameter_with_state, (self.tensor, True, OrderedDict(), self.state))


def trace_like_openai(model, pixels, tokens):
    """torch.jit.trace_module with forward, encode_image and encode_text, as OpenAI's jit models have."""
    model.eval()
    with torch.no_grad():
        return torch.jit.trace_module(
            model, {"forward": (pixels, tokens), "encode_image": pixels, "encode_text": tokens}, check_trace=False)


def add_openai_buffers(traced_or_module, resolution, context, vocab):
    """OpenAI's jit archives carry input_resolution, context_length and vocab_size as I64 buffers
    (build_model deletes them from the state dict); register the same on the top module."""
    for name in ("input_resolution", "context_length", "vocab_size"):
        if name in traced_or_module.__dict__:
            delattr(traced_or_module, name)  # the plain int attributes of CLIP.__init__
    traced_or_module.register_buffer("input_resolution", torch.tensor(resolution))
    traced_or_module.register_buffer("context_length", torch.tensor(context))
    traced_or_module.register_buffer("vocab_size", torch.tensor(vocab))


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def read_safetensors_torch(path):
    """The tensors of a safetensors file as torch tensors in their stored dtype (BF16 stays BF16)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
              "F64": torch.float64}
    out = OrderedDict()
    for name, info in header.items():
        b, e = info["data_offsets"]
        buf = bytearray(raw[8 + n + b:8 + n + e])
        t = torch.frombuffer(buf, dtype=dtypes[info["dtype"]]) if e > b else torch.empty(0, dtype=dtypes[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


def copy_files(src_dir, dst_dir, names):
    os.makedirs(dst_dir, exist_ok=True)
    for n in names:
        shutil.copyfile(os.path.join(src_dir, n), os.path.join(dst_dir, n))


def zip_archive(path, entries):
    """A zip in torch.save's layout (STORED entries under one archive folder)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)


def crafted_call_pickle(module, name, argument):
    """Protocol-2 pickle of {'weight': <module.name>(argument)}: GLOBAL, a 1-tuple, REDUCE."""
    arg = argument.encode()
    return (b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01"
            + b"c" + module.encode() + b"\n" + name.encode() + b"\n"
            + b"X" + struct.pack("<I", len(arg)) + arg + b"\x85R" + b"s.")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def tiny_b_model(sd_openai, act):
    """The torch CLIP for tiny-b's architecture with tiny-b's weights (F32)."""
    m = CLIP(embed_dim=32, image_resolution=32, vision_layers=1, vision_width=64, vision_patch_size=8,
             context_length=16, vocab_size=600, transformer_width=64, transformer_heads=1, transformer_layers=1,
             act=act, vision_heads=1)
    missing, unexpected = m.load_state_dict({k: v.float() for k, v in sd_openai.items()}, strict=True), None
    return m


# ---------------------------------------------------------------------------
# tiny-b in every PyTorch format
# ---------------------------------------------------------------------------

def write_tiny_b(out, report):
    src_oc = os.path.join(GOLDEN, "tiny-b", "open_clip")
    src_hf = os.path.join(GOLDEN, "tiny-b", "hf-eps")
    openai_sd = read_safetensors_torch(os.path.join(src_oc, "open_clip_model.safetensors"))  # F32
    hf_sd = read_safetensors_torch(os.path.join(src_hf, "model.safetensors"))                 # BF16

    # 1. open_clip's open_clip_pytorch_model.bin, F32
    d = os.path.join(out, "tiny-b", "open_clip-bin")
    copy_files(src_oc, d, ("open_clip_config.json",) + TOKENIZER_FILES)
    torch.save(openai_sd, os.path.join(d, "open_clip_pytorch_model.bin"))

    # 2. Hugging Face pytorch_model.bin, BF16, with the I64 position_ids buffers older transformers saved
    d = os.path.join(out, "tiny-b", "hf-eps-bin")
    copy_files(src_hf, d, ("config.json", "preprocessor_config.json") + TOKENIZER_FILES)
    sd = OrderedDict(hf_sd)
    sd["text_model.embeddings.position_ids"] = torch.arange(16).unsqueeze(0)
    sd["vision_model.embeddings.position_ids"] = torch.arange(17).unsqueeze(0)
    torch.save(sd, os.path.join(d, "pytorch_model.bin"))

    # 3. sharded Hugging Face checkpoint, F16 (text tower in shard 1, the rest in shard 2)
    d = os.path.join(out, "tiny-b", "hf-eps-sharded")
    copy_files(src_hf, d, ("config.json", "preprocessor_config.json") + TOKENIZER_FILES)
    shards = [OrderedDict(), OrderedDict()]
    for k, v in hf_sd.items():
        shards[0 if k.startswith("text_model.") else 1][k] = v.to(torch.float16)
    weight_map = OrderedDict()
    total = 0
    for i, shard in enumerate(shards):
        fname = f"pytorch_model-{i + 1:05d}-of-00002.bin"
        torch.save(shard, os.path.join(d, fname))
        for k, v in shard.items():
            weight_map[k] = fname
            total += v.numel() * v.element_size()
    with open(os.path.join(d, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
        f.write("\n")

    # 4. a DDP training checkpoint: {"epoch", "state_dict": {"module." + name}}, every tensor a view of
    #    one shared F16 storage at its own offset, 2-D weights stored transposed (non-contiguous views)
    d = os.path.join(out, "tiny-b", "wrapped-pt")
    copy_files(src_oc, d, ("open_clip_config.json",) + TOKENIZER_FILES)
    flat = torch.zeros(5 + sum(v.numel() + 3 for v in openai_sd.values()), dtype=torch.float16)
    views = OrderedDict()
    at = 5
    non_contiguous = 0
    for k, v in openai_sd.items():
        n = v.numel()
        if v.dim() == 2:  # store the transpose contiguously, keep the view that reads it back transposed
            flat[at:at + n] = v.t().contiguous().reshape(-1)
            view = flat[at:at + n].view(v.shape[1], v.shape[0]).t()
            non_contiguous += 1
        else:
            flat[at:at + n] = v.reshape(-1)
            view = flat[at:at + n].view(v.shape)
        assert torch.equal(view.float(), v) and view.data_ptr() != v.data_ptr()
        views["module." + k] = view
        at += n + 3
    torch.save({"epoch": 3, "name": "tiny-b", "state_dict": views}, os.path.join(d, "tiny-b.pt"))
    report.append(f"wrapped-pt: {len(views)} tensors in one storage of {flat.numel()} floats, "
                  f"{non_contiguous} non-contiguous")

    # 5. TorchScript: trace the torch CLIP with tiny-b's weights, then cast to F16 like OpenAI's files
    d = os.path.join(out, "tiny-b", "torchscript")
    copy_files(src_oc, d, ("open_clip_config.json",) + TOKENIZER_FILES)
    golden, _ = ref.read_safetensors(os.path.join(GOLDEN, "tiny-b", "golden.safetensors"))
    pixels = torch.from_numpy(golden["pixel_values"].astype(np.float32))
    tokens = torch.from_numpy(golden["text_tokens"].astype(np.int64))
    model = tiny_b_model(openai_sd, "gelu")
    add_openai_buffers(model, 32, 16, 600)
    traced = trace_like_openai(model, pixels, tokens)
    with torch.no_grad():
        img = traced.encode_image(pixels).numpy()
        txt = traced.encode_text(tokens).numpy()
    err_i = float(np.abs(img - golden["image_features"]).max())
    err_t = float(np.abs(txt - golden["text_features"]).max())
    report.append(f"torchscript tiny-b vs numpy float64 reference: image {err_i:.2e}, text {err_t:.2e}")
    assert err_i < 1e-4 and err_t < 1e-4
    ref.write_safetensors(os.path.join(d, "torch-features.safetensors"),
                          OrderedDict(image_features=img.astype(np.float32), text_features=txt.astype(np.float32)),
                          metadata={"source": "torch.jit.trace_module of make_torch_fixtures.CLIP, F32, "
                                              "on tiny-b/golden.safetensors' pixel_values and text_tokens",
                                    "torch": torch.__version__})
    traced.half()
    path = os.path.join(d, "tiny-b-vit.pt")
    torch.jit.save(traced, path)
    loaded = torch.jit.load(path)
    names = sorted(loaded.state_dict().keys())
    expected = sorted(list(openai_sd.keys()) + ["input_resolution", "context_length", "vocab_size"])
    assert names == expected, (set(names) ^ set(expected))
    assert all(torch.equal(loaded.state_dict()[k].float(), v.float()) for k, v in openai_sd.items())


# ---------------------------------------------------------------------------
# small files for the reader's own tests
# ---------------------------------------------------------------------------

def write_misc(out):
    d = os.path.join(out, "misc")
    os.makedirs(d, exist_ok=True)
    base = torch.arange(1, 25, dtype=torch.float32).reshape(4, 6) / 8  # exact in every dtype
    views = OrderedDict()
    views["base"] = base
    views["transposed"] = base.t()                       # stride (1, 6)
    views["rows_1_3"] = base[1:3]                         # storage offset 6
    views["columns_2_5_step_2"] = base[:, 2:5:2]          # offset 2, stride (6, 2)
    views["expanded"] = base[2:3, 1:2].expand(3, 4)       # stride (0, 0), offset 13
    views["scalar"] = base[3, 5]                          # 0-d, offset 23
    views["half_view"] = base.to(torch.float16)[::2, ::3]  # F16 storage, stride (12, 3)
    views["bf16"] = (base - 1.5).to(torch.bfloat16).t()   # BF16 storage, transposed
    views["double"] = torch.tensor([[0.1, -2.5], [1e-3, 3.0]], dtype=torch.float64).t()
    views["long"] = torch.tensor([[1, -2, 3], [4, 5, 6]], dtype=torch.int64)[:, 1:]
    views["empty"] = torch.zeros(0, 3)
    torch.save(views, os.path.join(d, "views.pt"))
    expected = OrderedDict()
    for k, v in views.items():
        if v.dtype == torch.bfloat16:
            expected[k] = v.float().contiguous().numpy()
        else:
            expected[k] = v.contiguous().numpy()
    ref.write_safetensors(os.path.join(d, "views-expected.safetensors"), expected,
                          metadata={"source": "misc/views.pt made contiguous (BF16 widened to F32)"})

    small = OrderedDict(weight=torch.tensor([[1.0, 2.0], [3.0, 4.0]]), bias=torch.tensor([0.5, -0.5]))
    torch.save(small, os.path.join(d, "legacy-format.pt"), _use_new_zipfile_serialization=False)
    torch.save(small, os.path.join(d, "protocol4.pt"), pickle_protocol=4)
    values = OrderedDict()
    values["parameter"] = nn.Parameter(torch.arange(4.0).reshape(2, 2))            # _rebuild_parameter
    values["size"] = torch.Size([2, 3])                                             # torch.Size
    values["blob"] = b"\x00\xffab"                                                 # _codecs.encode
    values["tensor_with_state"] = Torch2StyleTensor(torch.full((2,), 7.0), {"note": "y"})
    values["parameter_with_state"] = Torch2StyleParameter(torch.ones(3), {"note": "x"})
    torch.save(values, os.path.join(d, "values-and-parameters.pt"))
    torch.manual_seed(0)
    torch.save(nn.Linear(2, 2), os.path.join(d, "whole-module.pt"))
    scripted = torch.jit.script(ScriptedAttributes())
    torch.jit.save(scripted, os.path.join(d, "scripted-attributes.pt"))
    assert sorted(torch.jit.load(os.path.join(d, "scripted-attributes.pt")).state_dict()) == [
        "blocks.0.bias", "blocks.0.weight", "buf", "linear.bias", "linear.weight"]
    torch.save(OrderedDict(weight=torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex64)),
               os.path.join(d, "complex64.pt"))

    for fname, module, name in (("refused-os-system.pt", "os", "system"),
                                ("refused-builtins-eval.pt", "builtins", "eval")):
        argument = (f"touch {MARKER}" if name == "system"
                    else f"__import__('os').system('touch {MARKER}')")
        zip_archive(os.path.join(d, fname), [
            (fname[:-3] + "/data.pkl", crafted_call_pickle(module, name, argument)),
            (fname[:-3] + "/version", b"3\n")])

    class Hostile:
        def __reduce__(self):
            return os.system, (f"touch {MARKER}",)
    zip_archive(os.path.join(d, "refused-posix-system.pt"), [
        ("refused-posix-system/data.pkl", pickle.dumps({"weight": Hostile()}, protocol=2)),
        ("refused-posix-system/version", b"3\n")])


# ---------------------------------------------------------------------------
# a tiny RN50-shaped CLIP for the ResNet image tower
# ---------------------------------------------------------------------------

RN = dict(layers=(2, 1, 2, 1), width=4, resolution=64, embed=32, heads=None,
          text_width=64, text_layers=1, text_heads=1, context=16, vocab=600)


def snap(t):
    """Round to values exact in F16, BF16 and F32 (make_golden_fixtures.round_bf16_f16)."""
    import make_golden_fixtures as mgf
    return torch.from_numpy(np.asarray(mgf.round_bf16_f16(t.double().numpy())).reshape(tuple(t.shape))).float()


def write_resnet(out, report):
    torch.manual_seed(20240613)
    model = CLIP(embed_dim=RN["embed"], image_resolution=RN["resolution"], vision_layers=RN["layers"],
                 vision_width=RN["width"], vision_patch_size=None, context_length=RN["context"],
                 vocab_size=RN["vocab"], transformer_width=RN["text_width"], transformer_heads=RN["text_heads"],
                 transformer_layers=RN["text_layers"], act="quick_gelu")
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("positional_embedding") and name.startswith("visual"):
                p.copy_(torch.randn_like(p) * p.shape[1] ** -0.5)
            elif "bn" in name or name.endswith(".1.weight") or name.endswith(".1.bias"):
                p.copy_((1.0 if name.endswith("weight") else 0.0) + torch.randn_like(p) * 0.1)
            elif name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_final.weight"):
                p.copy_(1.0 + torch.randn_like(p) * 0.1)
            elif name == "logit_scale":
                p.fill_(math.log(1 / 0.07))
            elif p.dim() >= 2:
                fan_in = p[0].numel() if name != "text_projection" else p.shape[0]
                p.copy_(torch.randn_like(p) * fan_in ** -0.5)
            else:
                p.copy_(torch.randn_like(p) * 0.05)
            p.copy_(snap(p))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(snap(torch.randn_like(b) * 0.1))
            elif name.endswith("running_var"):
                b.copy_(snap(1.0 + torch.rand_like(b) * 0.5))
            elif name.endswith("num_batches_tracked"):
                b.fill_(1000)
    model.eval()
    d = os.path.join(out, "resnet")
    copy_files(os.path.join(GOLDEN, "tiny-b", "open_clip"), d, TOKENIZER_FILES)
    golden_b, _ = ref.read_safetensors(os.path.join(GOLDEN, "tiny-b", "golden.safetensors"))
    tokens = torch.from_numpy(golden_b["text_tokens"].astype(np.int64))
    gen = torch.Generator().manual_seed(11)
    pixels = torch.randn(2, 3, RN["resolution"], RN["resolution"], generator=gen)

    v = model.visual
    with torch.no_grad():
        stem = v.stem(pixels)
        l1 = v.layer1(stem)
        l2 = v.layer2(l1)
        l3 = v.layer3(l2)
        l4 = v.layer4(l3)
        pooled = v.attnpool(l4)
        img = model.encode_image(pixels)
        txt = model.encode_text(tokens)
        logits, _ = model(pixels, tokens)
    assert torch.equal(img, pooled)
    golden = OrderedDict(
        pixel_values=pixels.numpy(), text_tokens=tokens.numpy(), image_features=img.numpy(),
        text_features=txt.numpy(), logit_scale=model.logit_scale.detach().numpy(), logits_per_image=logits.numpy(),
        **{"debug.stem": stem.numpy(), "debug.layer1": l1.numpy(), "debug.layer2": l2.numpy(),
           "debug.layer3": l3.numpy(), "debug.layer4": l4.numpy()})
    ref.write_safetensors(os.path.join(d, "golden.safetensors"),
                          OrderedDict((k, np.array(x, order="C", copy=True)) for k, x in golden.items()),
                          metadata={"source": "make_torch_fixtures.py: torch " + torch.__version__
                                              + " F32 eval-mode forward of the tiny ModifiedResNet CLIP"})
    state = OrderedDict((k, t.detach().clone()) for k, t in model.state_dict().items())
    f16 = OrderedDict((k, t.half() if t.is_floating_point() else t) for k, t in state.items())
    torch.save(f16, os.path.join(d, "rn-tiny.bin"))
    add_openai_buffers(model, RN["resolution"], RN["context"], RN["vocab"])
    traced = trace_like_openai(model, pixels, tokens)
    traced.half()
    torch.jit.save(traced, os.path.join(d, "rn-tiny-torchscript.pt"))
    loaded = torch.jit.load(os.path.join(d, "rn-tiny-torchscript.pt"))
    assert sorted(loaded.state_dict().keys()) == sorted(list(state.keys()) + ["input_resolution", "context_length",
                                                                                "vocab_size"])
    n_visual = sum(t.numel() for k, t in state.items() if k.startswith("visual.") and t.is_floating_point())
    n_all = sum(t.numel() for t in state.values() if t.is_floating_point())
    report.append(f"resnet: {len(state)} state-dict entries, {n_visual} visual / {n_all} floating-point weights")
    with open(os.path.join(d, "state-dict-names.txt"), "w") as f:
        for k, t in state.items():
            f.write(f"{k}\t{str(t.dtype).replace('torch.', '')}\t{list(t.shape)}\n")


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(GOLDEN, "torch")
    report = [f"torch {torch.__version__}, numpy {np.__version__}"]
    write_tiny_b(out, report)
    write_misc(out)
    write_resnet(out, report)
    files = []
    for root, _, names in os.walk(out):
        for n in names:
            if n not in ("MANIFEST.sha256", "README.md"):
                files.append(os.path.relpath(os.path.join(root, n), out))
    with open(os.path.join(out, "MANIFEST.sha256"), "w") as f:
        for rel in sorted(files):
            f.write(f"{sha256(os.path.join(out, rel))}  {rel}\n")
    print("\n".join(report))


if __name__ == "__main__":
    main(sys.argv)
