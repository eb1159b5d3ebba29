"""PyTorch anchor loops for side-by-side benchmarks (float32, CPU, random weights of a CLIP preset).

The same work as `bin/ckcoop bench`, written as a careful PyTorch user would, so a benchmark can report
ckcoop's time as a ratio to PyTorch measured in the same run on the same machine. Weight values do not
change the cost, so towers are random. Extended from ../shared/bench/torch_anchor.py (issue 16): every
learner ckcoop benchmarks, text encoding, the image tower, a plain matmul, and a `serve` mode in which
`bin/ckcoop bench compare` sends one request per repeat (one JSON object per line on stdin, one JSON
line back on stdout), so both sides keep their weights between repeats and alternate.

usage: python3 torch_anchor.py MODE [--preset vit-b-16] [--classes 50] [--batch 32] [--steps 6] [--threads 2]
       [--tokens L] [--n-ctx N] ...        (one measurement, one JSON line)
       python3 torch_anchor.py serve       (requests as JSON lines: {"mode": "coop-step", "tokens": 11, ...})
MODE:
  coop-step      one CoOp training step on cached image features, prompts cut after the last EOT (what
                 ckcoop does): L = --tokens positions (SOT + n_ctx context + name + '.' + EOT)
  coop-step-ref  the same step as the official code runs it: image tower every step, 77-token prompts
  kgcoop-step    coop-step + w * (1 - mean_c cos(t_c, t_c^clip)) against fixed hand-crafted features (w = 8)
  ckcoop-step    coop-step whose context is C @ (D + A_1 (x) ... (x) A_P): coefficients C [n_ctx, k]
                 and factors trainable, the k-means dictionary D [k, width] fixed (--k, --factor-shapes)
  prograd-step   coop-step (ProGrad's default --n-ctx 16) with ProGrad's two terms: cross-entropy and the KL to zero-shot
                 logits, each differentiated on its own (two backward passes through the text tower, the
                 graph kept for the second), the CE gradient projected off the KL one when they conflict
  cocoop-step    one CoCoOp step on cached features: per-image context, B x C prompts through the text tower
  maple-step     one MaPLe step from pixels (batch 4): layer-0 context, J-1 deep text prompts, every vision
                 prompt a Linear(512 -> 768) of its text prompt; both towers forward and backward
  promptsrc-step one PromptSRC step from pixels (batch 4): IVLP 4+4 prompts at depth 9/9, the frozen
                 image tower on the same pixels (no grad), losses CE + KL + 25 L1(text) + 10 L1(image)
  encode-text    text tower forward, no grad, --texts prompts of --tokens positions in batches of --batch
  encode-images  image tower forward, no grad (preprocessing excluded), one batch of --batch images
  matmul         a plain F32 [n, n] @ [n, n] (--size n), GFLOP/s
prints a JSON line: per-step seconds (`times_s`, after one warm-up step), their median (`median_s`), the
torch version and thread count. Needs Debian's python3-torch (and libopenblas0-pthread for a fast BLAS).
Benchmark-only: never a test or CI dependency.
"""
import argparse, json, statistics, sys, time
import torch
import torch.nn.functional as F

PRESETS = {  # width, layers, heads for (text, vision), patch, resolution, embed
    "vit-b-32": ((512, 12, 8), (768, 12, 12), 32, 224, 512),
    "vit-b-16": ((512, 12, 8), (768, 12, 12), 16, 224, 512),
    "vit-l-14": ((768, 12, 12), (1024, 24, 16), 14, 224, 768),
    "tiny": ((64, 2, 1), (64, 2, 1), 8, 32, 64),  # ckcoop's test model (smoke runs of bench compare)
}
MODES = ["coop-step", "coop-step-ref", "kgcoop-step", "ckcoop-step", "prograd-step", "cocoop-step", "maple-step",
         "promptsrc-step", "encode-text", "encode-images", "matmul"]
DEFAULTS = dict(preset="vit-b-16", classes=50, batch=32, steps=6, threads=2, tokens=0, n_ctx=4, k=256,
                factor_shapes="8x8,8x8,4x8", depth=9, n_ctx_vision=4, texts=256, size=2048, seed=0)


def tower(width, layers, g):
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    return [dict(ln1=(torch.ones(width), torch.zeros(width)), qkv=(r(3 * width, width), r(3 * width)),
                 out=(r(width, width), r(width)), ln2=(torch.ones(width), torch.zeros(width)),
                 fc=(r(4 * width, width), r(4 * width)), proj=(r(width, 4 * width), r(width))) for _ in range(layers)]


def blocks(x, layers, heads, mask, replace=None):
    """Pre-LN CLIP blocks on x [N, L, W]; replace(i, x) may change block i's input (deep prompts)."""
    n, l, w = x.shape
    for i, p in enumerate(layers):
        if replace is not None:
            x = replace(i, x)
        h = F.layer_norm(x, (w,), *p["ln1"])
        q, k, v = F.linear(h, *p["qkv"]).split(w, -1)
        sh = lambda z: z.reshape(n, l, heads, w // heads).transpose(1, 2)
        if hasattr(F, "scaled_dot_product_attention"):
            a = F.scaled_dot_product_attention(sh(q), sh(k), sh(v), attn_mask=mask)
        else:  # torch 1.13 (Debian): the explicit product
            s = (sh(q) * (w // heads) ** -0.5) @ sh(k).transpose(-1, -2)
            a = (s if mask is None else s + mask).softmax(-1) @ sh(v)
        x = x + F.linear(a.transpose(1, 2).reshape(n, l, w), *p["out"])
        h = F.linear(F.layer_norm(x, (w,), *p["ln2"]), *p["fc"])
        x = x + F.linear(h * torch.sigmoid(1.702 * h), *p["proj"])
    return x


class Clip:
    """Random frozen weights of a preset, built once per preset (serve mode keeps them between requests)."""

    def __init__(self, preset):
        g = torch.Generator().manual_seed(0)
        (self.tw, self.tl, self.th), (self.vw, self.vl, self.vh), self.patch, self.res, self.embed = PRESETS[preset]
        self.grid = self.res // self.patch
        self._g = g
        self._txt = self._vis = None

    def text(self):
        if self._txt is None:
            g = self._g
            self._txt = dict(blocks=tower(self.tw, self.tl, g), tok=torch.randn(49408, self.tw, generator=g) * 0.02,
                             pos=torch.randn(77, self.tw, generator=g) * 0.01,
                             proj=torch.randn(self.tw, self.embed, generator=g) * 0.02)
        return self._txt

    def vision(self):
        if self._vis is None:
            g = self._g
            self._vis = dict(blocks=tower(self.vw, self.vl, g),
                             conv=torch.randn(self.vw, 3, self.patch, self.patch, generator=g) * 0.02,
                             cls=torch.randn(self.vw, generator=g) * 0.02,
                             pos=torch.randn(self.grid * self.grid + 1, self.vw, generator=g) * 0.01,
                             proj=torch.randn(self.vw, self.embed, generator=g) * 0.02)
        return self._vis

    def encode_text(self, prompts, eot, deep=None, n_ctx=0):
        """Prompt embeddings [N, L, W] (+ positions here) -> features [N, embed] at eot; deep[i-1] replaces
        positions 1..n_ctx at the input of block i (i = 1..len(deep))."""
        t = self.text()
        n, L, w = prompts.shape
        mask = torch.full((L, L), float("-inf")).triu(1)
        replace = None
        if deep:
            def replace(i, x):
                if i == 0 or i > len(deep):
                    return x
                return torch.cat([x[:, :1], deep[i - 1].unsqueeze(0).expand(n, -1, -1), x[:, 1 + n_ctx:]], 1)
        x = blocks(prompts + t["pos"][:L], t["blocks"], self.th, mask, replace)
        x = F.layer_norm(x[torch.arange(n), eot], (w,))
        return x @ t["proj"]

    def encode_images(self, imgs, first=None, deep=None):
        """Pixels [B, 3, R, R] -> features [B, embed]; first [V, vw] appended after the patches (before
        ln_pre), deep[i-1] replaces the last V positions at the input of block i."""
        v = self.vision()
        b = imgs.shape[0]
        x = F.conv2d(imgs, v["conv"], stride=self.patch).flatten(2).transpose(1, 2)
        x = torch.cat([v["cls"].expand(b, 1, -1), x], 1) + v["pos"]
        replace = None
        if first is not None:
            x = torch.cat([x, first.unsqueeze(0).expand(b, -1, -1)], 1)
            nv = first.shape[0]

            def replace(i, x):
                if i == 0 or i > len(deep):
                    return x
                return torch.cat([x[:, :-nv], deep[i - 1].unsqueeze(0).expand(b, -1, -1)], 1)
        x = blocks(F.layer_norm(x, (self.vw,)), v["blocks"], self.vh, None, replace)
        return F.layer_norm(x[:, 0], (self.vw,)) @ v["proj"]


def timed(n, fn):
    """Runs fn() once to warm up, then n times; returns the n durations in seconds."""
    out = []
    for i in range(n + 1):
        t = time.perf_counter()
        fn()
        if i:
            out.append(time.perf_counter() - t)
    return out


def param(g, *shape, std=0.02):
    return torch.nn.Parameter(torch.randn(*shape, generator=g) * std)


def linear_param(g, fan_in, fan_out):
    b = fan_in ** -0.5
    return [torch.nn.Parameter((torch.rand(fan_out, fan_in, generator=g) * 2 - 1) * b),
            torch.nn.Parameter((torch.rand(fan_out, generator=g) * 2 - 1) * b)]


def run(a, models):
    torch.set_num_threads(a.threads)
    if a.mode == "matmul":
        g = torch.Generator().manual_seed(a.seed)
        x, y = torch.randn(a.size, a.size, generator=g), torch.randn(a.size, a.size, generator=g)
        times = timed(a.steps, lambda: x @ y)
        return dict(flops=2.0 * a.size ** 3, gflops_best=2.0 * a.size ** 3 / min(times) / 1e9,
                    gflops_median=2.0 * a.size ** 3 / statistics.median(times) / 1e9, size=a.size, times_s=times)
    clip = models.setdefault(a.preset, Clip(a.preset))
    g = torch.Generator().manual_seed(a.seed)
    tw, embed = clip.tw, clip.embed
    if a.mode == "encode-images":
        imgs = torch.randn(a.batch, 3, clip.res, clip.res, generator=g)

        def encode():
            with torch.no_grad():
                clip.encode_images(imgs)
        times = timed(a.steps, encode)
        return dict(images_per_s=a.batch / statistics.median(times), times_s=times)
    L = a.tokens or (77 if a.mode == "coop-step-ref" else 1 + a.n_ctx + 5 + 1)
    if a.mode == "coop-step-ref":
        L = 77
    t = clip.text()
    if a.mode == "encode-text":
        ids = torch.randint(0, 49408, (a.texts, L), generator=g)
        eot = torch.full((a.batch,), L - 1)

        def encode():
            with torch.no_grad():
                for i in range(0, a.texts, a.batch):
                    chunk = ids[i:i + a.batch]
                    clip.encode_text(F.embedding(chunk, t["tok"]), eot[:len(chunk)])
        times = timed(a.steps, encode)
        return dict(tokens=L, texts=a.texts, texts_per_s=a.texts / statistics.median(times), times_s=times)
    C, B = a.classes, a.batch
    n_ctx = a.n_ctx
    prefix = torch.randn(C, 1, tw, generator=g) * 0.02
    suffix = torch.randn(C, L - 1 - n_ctx, tw, generator=g) * 0.02
    eot = torch.full((C,), L - 1)
    feats = torch.randn(C, embed, generator=g)
    hand = F.normalize(torch.randn(C, embed, generator=g), dim=-1)  # frozen hand-crafted class features
    params, extra = [], {}
    ctx = param(g, n_ctx, tw)
    if a.mode == "ckcoop-step":
        shapes = [tuple(int(v) for v in s.split("x")) for s in a.factor_shapes.split(",")]
        coef = param(g, n_ctx, a.k)
        dictionary = torch.randn(a.k, tw, generator=g) * 0.02
        factors = [torch.nn.Parameter(torch.zeros(*shapes[0]))] + [param(g, *s, std=1.0) for s in shapes[1:]]
        params += [coef] + factors
    else:
        params.append(ctx)
    if a.mode == "cocoop-step":
        meta = linear_param(g, embed, embed // 16) + linear_param(g, embed // 16, tw)
        params += meta
    if a.mode == "maple-step":
        J, vw = a.depth, clip.vw
        proj = linear_param(g, tw, vw)
        compound = [param(g, n_ctx, tw) for _ in range(J - 1)]
        projections = [linear_param(g, tw, vw) for _ in range(J - 1)]
        params += proj + compound + [p for l in projections for p in l]
    if a.mode == "promptsrc-step":
        J, vw = a.depth, clip.vw
        deep_text = [param(g, n_ctx, tw) for _ in range(J - 1)]
        vpt = param(g, a.n_ctx_vision, vw)
        deep_vis = [param(g, a.n_ctx_vision, vw) for _ in range(J - 1)]
        params += deep_text + [vpt] + deep_vis
    opt = torch.optim.SGD(params, lr=0.002, momentum=0.9, weight_decay=5e-4)
    pixels = a.mode in ("maple-step", "promptsrc-step", "coop-step-ref")

    def text_features(context, **kw):
        prompts = torch.cat([prefix, context.unsqueeze(0).expand(C, -1, -1), suffix], 1)
        return clip.encode_text(prompts, eot, **kw)

    def step():
        labels = torch.randint(0, C, (B,), generator=g)
        imgs = torch.randn(B, 3, clip.res, clip.res, generator=g) if pixels else None
        if a.mode == "coop-step-ref":
            with torch.no_grad():
                f_img = F.normalize(clip.encode_images(imgs), dim=-1)
        elif not pixels:
            f_img = F.normalize(feats[labels], dim=-1)
        if a.mode == "cocoop-step":
            bias = F.linear(torch.relu(F.linear(f_img, meta[0], meta[1])), meta[2], meta[3])  # [B, W]
            c = ctx.unsqueeze(0) + bias.unsqueeze(1)  # [B, n_ctx, W]
            prompts = torch.cat([prefix.unsqueeze(0).expand(B, -1, -1, -1), c.unsqueeze(1).expand(-1, C, -1, -1),
                                 suffix.unsqueeze(0).expand(B, -1, -1, -1)], 2).reshape(B * C, L, tw)
            f_txt = F.normalize(clip.encode_text(prompts, eot.repeat(B)), dim=-1).reshape(B, C, embed)
            logits = 100.0 * torch.einsum("bd,bcd->bc", f_img, f_txt)
        elif a.mode == "maple-step":
            f_txt = F.normalize(text_features(ctx, deep=compound, n_ctx=n_ctx), dim=-1)
            first = F.linear(ctx, *proj)
            deep = [F.linear(p, *l) for p, l in zip(compound, projections)]
            f_img = F.normalize(clip.encode_images(imgs, first, deep), dim=-1)
            logits = 100.0 * f_img @ f_txt.T
        elif a.mode == "promptsrc-step":
            f_txt = F.normalize(text_features(ctx, deep=deep_text, n_ctx=n_ctx), dim=-1)
            f_img = F.normalize(clip.encode_images(imgs, vpt, deep_vis), dim=-1)
            with torch.no_grad():
                v0 = F.normalize(clip.encode_images(imgs), dim=-1)
            logits = 100.0 * f_img @ f_txt.T
            z0 = 100.0 * v0 @ hand.T
            kl = F.kl_div(F.log_softmax(logits, 1), F.log_softmax(z0, 1), reduction="sum", log_target=True) / logits.numel()
            extra["loss"] = kl + 25 * F.l1_loss(f_txt, hand) + 10 * F.l1_loss(f_img, v0)
        else:
            context = coef @ (dictionary + kron(factors)) if a.mode == "ckcoop-step" else ctx
            raw = text_features(context)
            f_txt = F.normalize(raw, dim=-1)
            logits = 100.0 * f_img @ f_txt.T
        loss = F.cross_entropy(logits, labels)
        if a.mode == "kgcoop-step":
            loss = loss + 8.0 * (1 - (f_txt * hand).sum(-1).mean())
        if a.mode == "promptsrc-step":
            loss = loss + extra["loss"]
        opt.zero_grad()
        if a.mode == "prograd-step":
            z0 = 100.0 * f_img @ hand.T
            kl = -(z0.softmax(1) * logits.log_softmax(1)).sum() / B
            g_ce = torch.autograd.grad(loss, [ctx], retain_graph=True)[0]
            g_kl = torch.autograd.grad(kl, [ctx])[0]
            dot = (g_ce * g_kl).sum()
            ctx.grad = g_ce - dot / (g_kl * g_kl).sum() * g_kl if dot < 0 else g_ce
        else:
            loss.backward()
        opt.step()

    times = timed(a.steps, step)
    return dict(tokens=L, n_ctx=n_ctx, learnable=sum(p.numel() for p in params), times_s=times)


def kron(factors):
    out = factors[0]
    for f in factors[1:]:
        out = torch.kron(out, f)
    return out


def parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=MODES + ["serve"])
    ap.add_argument("--preset", default=DEFAULTS["preset"], choices=sorted(PRESETS))
    for k in ("classes", "batch", "steps", "threads", "tokens", "n_ctx", "k", "depth", "n_ctx_vision", "texts", "size",
              "seed"):
        ap.add_argument("--" + k.replace("_", "-"), type=int, default=None)
    ap.add_argument("--factor-shapes", default=DEFAULTS["factor_shapes"])
    return ap


def request(values):
    """An argparse-like namespace from a dict of values over the defaults."""
    a = argparse.Namespace(**DEFAULTS)
    for k, v in values.items():
        if v is not None:
            setattr(a, k, v)
    if a.mode not in MODES:
        raise ValueError("unknown mode " + str(a.mode))
    return a


def answer(a, models):
    out = dict(mode=a.mode, preset=a.preset, classes=a.classes, batch=a.batch, steps=a.steps)
    out.update(run(a, models))
    out["median_s"] = statistics.median(out["times_s"])
    if a.mode.endswith("-step"):
        out["step_s"] = out["median_s"]
    out.update(torch=torch.__version__, threads=torch.get_num_threads())
    return out


def main():
    args = vars(parser().parse_args())
    models = {}
    if args["mode"] != "serve":
        print(json.dumps(answer(request(args), models)), flush=True)
        return
    print(json.dumps(dict(ready=True, torch=torch.__version__)), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            print(json.dumps(answer(request(json.loads(line)), models)), flush=True)
        except Exception as e:  # report, keep serving
            print(json.dumps(dict(error=type(e).__name__ + ": " + str(e))), flush=True)


if __name__ == "__main__":
    main()
