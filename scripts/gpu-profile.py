#!/usr/bin/env python3
"""Measure a prism-bench cost profile for a named model shape on a GPU (or, with --tiny, on a CPU).

What it times, each forward captured in a CUDA graph as SGLang decodes (--no-graphs: eager), bf16,
batch 1, random weights (costs depend on shapes, not values):
  - target forward over k fed tokens (k = 1..64) against a KV cache of C tokens (one curve per C);
  - prefill over n prompt tokens (no cache);
  - draft steps over r rows (r = 1..16), per draft shape: eagle3 and prism (fc 3H -> H over the
    target features, one decoder layer attending to the cache over [embedding, feature], RMSNorm, a
    reduced-vocabulary head: PRISM runs one such module per step), hass2 (the same with two stacked
    layers), eagle and hass (EAGLE's fc 2H -> H, one layer, the target's full-vocabulary head); the
    extend pass is the same step over 3 rows (two accepted drafts + the bonus token, as prism-bench
    profile does).
It writes the same profile format as `prism-bench profile` (docs/profile-format.md): times in ms,
median of --repeats graph replays after warm-up, synchronised around each replay.

Usage:
  python scripts/gpu-profile.py --model llama-3.1-8b --out profiles/h200-llama-3.1-8b.json
  python scripts/gpu-profile.py --device cpu --tiny --out /tmp/tiny.json   # exercises every path on a CPU
Needs: torch (1.13 or newer; CUDA graphs need a CUDA build). Nothing else.
"""
import argparse
import datetime
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

SHAPES = {
    # name: layers, hidden, ffn, query heads, kv heads, vocab, draft vocab
    "llama-3.1-8b": dict(layers=32, hidden=4096, ffn=14336, heads=32, kv_heads=8, vocab=128256, draft_vocab=32000),
    "llama-2-7b": dict(layers=32, hidden=4096, ffn=11008, heads=32, kv_heads=32, vocab=32000, draft_vocab=32000),
    # a few MB: every code path in seconds on a CPU
    "tiny": dict(layers=2, hidden=128, ffn=256, heads=4, kv_heads=2, vocab=1024, draft_vocab=512),
}


class RMSNorm(torch.nn.Module):
    """x / rms(x) * w: torch.nn.RMSNorm arrived in torch 2.4; Debian's python3-torch is older."""

    def __init__(self, n, eps=1e-6, dtype=None, device=None):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(n, dtype=dtype, device=device))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def attention(q, k, v, mask):
    """Scaled dot-product attention with an additive mask (torch's fused kernel where it has one)."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    w = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + mask
    return torch.softmax(w.float(), dim=-1).to(q.dtype) @ v


class Layer(torch.nn.Module):
    """One Llama decoder layer: RMSNorm, GQA attention with rotary positions over a static KV cache, SwiGLU."""

    def __init__(self, s, in_hidden=None, max_ctx=4096, dtype=torch.bfloat16, device="cuda"):
        super().__init__()
        h, self.nh, self.nkv = s["hidden"], s["heads"], s["kv_heads"]
        self.dh = h // self.nh
        ih = in_hidden or h  # EAGLE-3's layer takes [embedding, fused feature]: 2H wide into attention
        kw = dict(dtype=dtype, device=device)
        self.qkv = torch.nn.Linear(ih, (self.nh + 2 * self.nkv) * self.dh, bias=False, **kw)
        self.o = torch.nn.Linear(self.nh * self.dh, h, bias=False, **kw)
        self.gate_up = torch.nn.Linear(h, 2 * s["ffn"], bias=False, **kw)
        self.down = torch.nn.Linear(s["ffn"], h, bias=False, **kw)
        self.n1 = RMSNorm(ih, **kw)
        self.n2 = RMSNorm(h, **kw)
        # static caches: a captured graph needs fixed addresses
        self.k_cache = torch.zeros(1, self.nkv, max_ctx, self.dh, **kw)
        self.v_cache = torch.zeros(1, self.nkv, max_ctx, self.dh, **kw)
        inv = 1.0 / (10000 ** (torch.arange(0, self.dh, 2, device=device, dtype=torch.float32) / self.dh))
        t = torch.arange(max_ctx, device=device, dtype=torch.float32)
        f = torch.outer(t, inv)
        self.cos, self.sin = f.cos().to(dtype), f.sin().to(dtype)

    def rope(self, x, pos):
        c, s = self.cos[pos][None, None], self.sin[pos][None, None]
        x1, x2 = x[..., ::2], x[..., 1::2]
        return torch.stack((x1 * c - x2 * s, x1 * s + x2 * c), dim=-1).flatten(-2)

    def forward(self, x, pos, ctx, mask, residual=None):
        # x: [1, k, in]; pos: [k] positions; ctx: cached tokens before these; mask: [k, ctx + k] additive
        k = x.shape[1]
        q, kk, v = self.qkv(self.n1(x)).split([self.nh * self.dh, self.nkv * self.dh, self.nkv * self.dh], dim=-1)
        q = self.rope(q.view(1, k, self.nh, self.dh).transpose(1, 2), pos)
        kk = self.rope(kk.view(1, k, self.nkv, self.dh).transpose(1, 2), pos)
        v = v.view(1, k, self.nkv, self.dh).transpose(1, 2)
        self.k_cache[:, :, ctx:ctx + k] = kk
        self.v_cache[:, :, ctx:ctx + k] = v
        keys = self.k_cache[:, :, :ctx + k].repeat_interleave(self.nh // self.nkv, dim=1)
        vals = self.v_cache[:, :, :ctx + k].repeat_interleave(self.nh // self.nkv, dim=1)
        a = attention(q, keys, vals, mask)
        h = (residual if residual is not None else x) + self.o(a.transpose(1, 2).reshape(1, k, -1))
        g, u = self.gate_up(self.n2(h)).chunk(2, dim=-1)
        return h + self.down(F.silu(g) * u)


class Target(torch.nn.Module):
    def __init__(self, s, max_ctx, dtype, device):
        super().__init__()
        kw = dict(dtype=dtype, device=device)
        self.embed = torch.nn.Embedding(s["vocab"], s["hidden"], **kw)
        self.layers = torch.nn.ModuleList(Layer(s, max_ctx=max_ctx, dtype=dtype, device=device) for _ in range(s["layers"]))
        self.norm = RMSNorm(s["hidden"], **kw)
        self.head = torch.nn.Linear(s["hidden"], s["vocab"], bias=False, **kw)

    def forward(self, ids, pos, ctx, mask):
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x, pos, ctx, mask)
        return self.head(self.norm(x))


class DraftStep(torch.nn.Module):
    """One draft step: an fc over the features (3H -> H for EAGLE-3's three target layers, 2H -> H for
    EAGLE's [embedding, last feature]), `layers` decoder layers, RMSNorm and a head of `vocab` tokens."""

    def __init__(self, s, max_ctx, dtype, device, fused=True, layers=1, vocab=None):
        super().__init__()
        h = s["hidden"]
        kw = dict(dtype=dtype, device=device)
        self.fused = fused
        self.embed = torch.nn.Embedding(s["vocab"], h, **kw)
        self.fc = torch.nn.Linear((3 if fused else 2) * h, h, bias=False, **kw)
        # EAGLE-3's first layer attends over [embedding, fused feature] (2H); EAGLE's over the fc's H
        self.layers = torch.nn.ModuleList(
            Layer(s, in_hidden=2 * h if fused and i == 0 else h, max_ctx=max_ctx, dtype=dtype, device=device) for i in range(layers))
        self.norm = RMSNorm(h, **kw)
        self.head = torch.nn.Linear(h, vocab or s["draft_vocab"], bias=False, **kw)

    def forward(self, ids, feats, pos, ctx, mask):
        e = self.embed(ids)
        if self.fused:
            f = self.fc(feats)
            x = self.layers[0](torch.cat([e, f], dim=-1), pos, ctx, mask, residual=f)
        else:
            x = self.layers[0](self.fc(torch.cat([e, feats[..., : e.shape[-1]]], dim=-1)), pos, ctx, mask)
        for layer in self.layers[1:]:
            x = layer(x, pos, ctx, mask)
        return self.head(self.norm(x))


# draft method -> shape of one step, and what it stands for
DRAFT_SHAPES = {
    "eagle3": (dict(fused=True, layers=1), "EAGLE-3 step: fc 3H -> H, one layer over 2H input, the draft-vocabulary head"),
    "prism": (dict(fused=True, layers=1), "PRISM runs one eagle3-sized module per step (the step map picks which): eagle3's step"),
    "hass2": (dict(fused=True, layers=2), "eagle3's step with two stacked decoder layers"),
    "eagle": (dict(fused=False, layers=1, vocab="full"), "EAGLE(-2): fc 2H -> H, one layer, the target's full-vocabulary head"),
    "hass": (dict(fused=False, layers=1, vocab="full"), "HASS has EAGLE's shape (it changes the training): eagle's step"),
}


def timed(fn, repeats, device, use_graph):
    """Median ms of fn(): captured once in a CUDA graph and replayed (use_graph), else called eagerly."""
    sync = (lambda: torch.cuda.synchronize()) if device == "cuda" else (lambda: None)
    run = fn
    if use_graph and device == "cuda":
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):  # warm-up on a side stream, as capture requires
                fn()
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            fn()
        run = g.replay
    for _ in range(3):
        run()
    times = []
    for _ in range(repeats):
        sync()
        t = time.perf_counter()
        run()
        sync()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def block_mask(ctx, k, dtype, device):
    """Causal over k fed tokens after ctx cached ones (a chain's verify; a tree's costs the same shape)."""
    m = torch.full((k, ctx + k), float("-inf"), device=device, dtype=dtype)
    m[:, :ctx] = 0
    m[:, ctx:] = torch.triu(torch.full((k, k), float("-inf"), device=device, dtype=dtype), diagonal=1)
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="llama-3.1-8b", choices=[m for m in SHAPES if m != "tiny"])
    ap.add_argument("--tiny", action="store_true", help="the tiny shape instead (exercises the script in seconds)")
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--dtype", default=None, help="bfloat16 (default on cuda) or float32 (default on cpu)")
    ap.add_argument("--contexts", default="1024,4096")
    ap.add_argument("--tokens", default="1,2,3,4,5,6,8,12,16,17,24,32,48,64")
    ap.add_argument("--rows", default="1,2,3,4,6,8,12,16")
    ap.add_argument("--repeats", type=int, default=100)
    ap.add_argument("--no-graphs", action="store_true", help="eager PyTorch (for comparison; SGLang decodes with graphs)")
    ap.add_argument("--name", default=None)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    shape_name = "tiny" if a.tiny else a.model
    s = SHAPES[shape_name]
    device = a.device
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("gpu-profile: no CUDA device; use --device cpu --tiny to exercise the script")
    dtype = getattr(torch, a.dtype) if a.dtype else (torch.bfloat16 if device == "cuda" else torch.float32)
    contexts = [int(x) for x in a.contexts.split(",")]
    tokens = [int(x) for x in a.tokens.split(",")]
    rows = [int(x) for x in a.rows.split(",")]
    if a.tiny:
        contexts, a.repeats = [min(c, 256) for c in contexts], min(a.repeats, 5)
    max_ctx = max(contexts) + max(tokens) + 8
    use_graph = not a.no_graphs
    torch.manual_seed(0)
    with torch.inference_mode():
        target = Target(s, max_ctx, dtype, device).eval()
        verify = []
        for ctx in contexts:
            points = []
            for k in tokens:
                ids = torch.randint(0, s["vocab"], (1, k), device=device)
                pos = torch.arange(ctx, ctx + k, device=device)
                mask = block_mask(ctx, k, dtype, device)
                points.append({"tokens": k, "ms": timed(lambda: target(ids, pos, ctx, mask), a.repeats, device, use_graph)})
                print(f"target KV {ctx} tokens {k}: {points[-1]['ms']:.3f} ms", flush=True)
            verify.append({"contextTokens": ctx, "points": points})
        prefill = []
        for n in [128, 512, 1024]:
            if n > max_ctx:
                continue
            ids = torch.randint(0, s["vocab"], (1, n), device=device)
            pos = torch.arange(n, device=device)
            mask = block_mask(0, n, dtype, device)
            prefill.append({"tokens": n, "ms": timed(lambda: target(ids, pos, 0, mask), max(3, a.repeats // 10), device, use_graph)})
        # draft steps at the first context: the draft's cache is as long as the target's
        ctx = contexts[0]
        drafts = {}
        for method, (shape, what) in DRAFT_SHAPES.items():
            if method in ("prism", "hass"):  # the same step as eagle3 / eagle: timed once
                continue
            kw = dict(shape)
            if kw.get("vocab") == "full":
                kw["vocab"] = s["vocab"]
            draft = DraftStep(s, max_ctx, dtype, device, **kw).eval()
            steps = []
            for r in rows:
                ids = torch.randint(0, s["vocab"], (1, r), device=device)
                feats = torch.randn(1, r, 3 * s["hidden"], device=device, dtype=dtype)
                pos = torch.full((r,), ctx, device=device)  # a tree level: r siblings at one depth
                mask = torch.zeros(r, ctx + r, device=device, dtype=dtype)
                steps.append({"rows": r, "ms": timed(lambda: draft(ids, feats, pos, ctx, mask), a.repeats, device, use_graph)})
                print(f"{method} draft rows {r}: {steps[-1]['ms']:.3f} ms", flush=True)
            ids = torch.randint(0, s["vocab"], (1, 3), device=device)
            feats = torch.randn(1, 3, 3 * s["hidden"], device=device, dtype=dtype)
            pos = torch.arange(ctx, ctx + 3, device=device)
            emask = block_mask(ctx, 3, dtype, device)  # made outside the graph: a captured graph replays fixed buffers
            extend = timed(lambda: draft(ids, feats, pos, ctx, emask), a.repeats, device, use_graph)
            drafts[method] = {"kind": "learned", "extendMs": extend, "steps": steps}
            del draft
        drafts["prism"] = dict(drafts["eagle3"])
        drafts["hass"] = dict(drafts["eagle"])
        for method, (_, what) in DRAFT_SHAPES.items():
            drafts[method]["description"] = what
    gpu = torch.cuda.get_device_name(0) if device == "cuda" else None
    name = a.name or f"{(gpu or 'cpu').lower().replace(' ', '-')}-{shape_name}"
    params = s["layers"] * (4 * s["hidden"] ** 2 * (s["heads"] + 2 * s["kv_heads"]) // (4 * s["heads"]) + s["hidden"] ** 2 + 3 * s["hidden"] * s["ffn"]) + s["vocab"] * s["hidden"]
    profile = {
        "format": "prism-bench-profile", "version": 1, "name": name, "provenance": "measured",
        "measuredBy": f"scripts/gpu-profile.py (torch {torch.__version__})",
        "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "machine": {"description": gpu or "CPU (torch)", **({"gpu": gpu} if gpu else {})},
        "engine": {"name": "pytorch", "version": torch.__version__,
                   "description": f"plain PyTorch kernels (SDPA), {'CUDA graphs' if use_graph and device == 'cuda' else 'eager'}, batch 1, random weights"},
        "model": {"name": shape_name, "layers": s["layers"], "hidden": s["hidden"], "vocab": s["vocab"], "dtype": str(dtype).replace("torch.", ""),
                  "description": f"target ~{params / 1e9:.2f}B params; drafts: EAGLE-3 shape with a {s['draft_vocab']}-token head, two-layer hass2, EAGLE with the full head"},
        "target": {"verify": verify, "prefill": prefill},
        "drafts": drafts,
        # outside the forward passes: sampling, acceptance, cache bookkeeping; not measured here (0), an engine adds its own
        "overheads": {"cycleMs": 0, "requestMs": 0},
        "notes": [f"median of {a.repeats} replays per point; KV cache of random values; attention over the whole cache (no paging)",
                  "cycle and request overheads are an engine's, not the model's: 0 here, so projections from this profile are an upper bound"],
    }
    assert all(math.isfinite(p["ms"]) for c in verify for p in c["points"])
    with open(a.out, "w") as f:
        json.dump(profile, f, indent=2)
        f.write("\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
