"""Trains the reference engine's draft models (eagle, eagle3, hass2, prism; medusa's heads; the
standalone small model) against the frozen target, as the literature trains them, on one
shared data budget.

Why PyTorch here when the target trainer is numpy: multi-step (training-time test) unrolling
feeds each draft its own features and attends across unrolled steps; autograd keeps those
gradients right where hand-written ones would be a liability. Debian's python3-torch (CPU).

Protocol with the TypeScript side (packages/reference-engine/src/train/drafts.ts): one JSON job file as the
argument; progress as one JSON object per line on stdout ({"event": "features" | "step" |
"eval" | "resume" | "done", ...}). Checkpoints every `checkpoint_every` steps; rerunning the
same job resumes.

Shapes follow the inference graph (packages/reference-engine/src/model/draft-graph.ts) exactly: a module is
fc3 (3H -> H, EAGLE-3 features only), fc (concat(token embedding, feature) 2H -> H), decoder
layers with the target's layer definition, a final RMSNorm, and the target's frozen output
head restricted to the draft vocabulary. The draft's input at base position i is
(embedding of x[i+1], feature f[i]); its output predicts the target's distribution at
position i+1 (the token x[i+2]). Unrolled depth j >= 1 feeds the token x[i+1+j] with the
draft's own output from depth j-1, at position i+j, attending to the depth-0 keys at
positions <= i and to its own keys at depths 1..j of the same base (what decoding does).
"""
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("PRISM_TRAIN_THREADS", "2")))
# CPU here; PRISM_TRAIN_DEVICE=cuda runs the same job on an NVIDIA GPU where one is at hand.
DEVICE = torch.device(os.environ.get("PRISM_TRAIN_DEVICE", "cpu"))
if DEVICE.type != "cpu":
    torch.set_default_device(DEVICE)  # factories (zeros, full, arange, randn) follow it


def emit(**e):
    print(json.dumps(e), flush=True)


# ---------------------------------------------------------------------------------------------
# safetensors (the format is small enough to read and write directly)

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dt = {"F16": np.float16, "F32": np.float32}[info["dtype"]]
        out[name] = torch.from_numpy(np.frombuffer(blob[a:b], dtype=dt).astype(np.float32).reshape(info["shape"]).copy()).to(DEVICE)
    return out


def write_safetensors(path, tensors, metadata):
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        arr = tensors[name].detach().cpu().numpy().astype(np.float16)
        raw = arr.tobytes()
        header[name] = {"dtype": "F16", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# the model pieces, identical in definition to packages/reference-engine/src/model/graph-layers.ts

def rope_tables(n, dh, theta):
    inv = 1.0 / (theta ** (torch.arange(0, dh, 2, dtype=torch.float64) / dh))
    ang = torch.arange(n, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cat([ang.cos(), ang.cos()], 1).float(), torch.cat([ang.sin(), ang.sin()], 1).float()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], -1)


def rmsnorm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


class Layer(torch.nn.Module):
    def __init__(self, d, ffn):
        super().__init__()
        self.input_layernorm = torch.nn.Parameter(torch.ones(d))
        self.post_attention_layernorm = torch.nn.Parameter(torch.ones(d))
        mk = lambda o, i: torch.nn.Parameter(torch.randn(o, i) * 0.02)
        self.q, self.k, self.v, self.o = mk(d, d), mk(d, d), mk(d, d), mk(d, d)
        self.gate, self.up, self.down = mk(ffn, d), mk(ffn, d), mk(d, ffn)

    def names(self, prefix):
        return {
            prefix + "input_layernorm.weight": self.input_layernorm,
            prefix + "post_attention_layernorm.weight": self.post_attention_layernorm,
            prefix + "self_attn.q_proj.weight": self.q, prefix + "self_attn.k_proj.weight": self.k,
            prefix + "self_attn.v_proj.weight": self.v, prefix + "self_attn.o_proj.weight": self.o,
            prefix + "mlp.gate_proj.weight": self.gate, prefix + "mlp.up_proj.weight": self.up,
            prefix + "mlp.down_proj.weight": self.down,
        }

    def qkv(self, x, eps, heads, cos, sin):
        B, T, d = x.shape
        dh = d // heads
        h = rmsnorm(x, self.input_layernorm, eps)
        sh = lambda t: t.view(B, T, heads, dh).transpose(1, 2)
        q, k, v = sh(h @ self.q.T), sh(h @ self.k.T), sh(h @ self.v.T)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        return q, k, v

    def finish(self, x, attn, eps):
        B, H, T, dh = attn.shape
        x = x + attn.transpose(1, 2).reshape(B, T, H * dh) @ self.o.T
        h2 = rmsnorm(x, self.post_attention_layernorm, eps)
        return x + (F.silu(h2 @ self.gate.T) * (h2 @ self.up.T)) @ self.down.T


def target_layer(tw, cfg, i, x, cos, sin, mask, cache=None, pos=0):
    """Layer i of the frozen target on x [B, k, H]; with `cache` (keys, values [B, heads, total, dh])
    the new keys/values are stored at pos.. and attention reads the whole cached prefix."""
    B, k, d = x.shape
    heads, eps = cfg["heads"], cfg["normEps"]
    dh = d // heads
    p = f"model.layers.{i}."
    h = rmsnorm(x, tw[p + "input_layernorm.weight"], eps)
    sh = lambda t: t.view(B, k, heads, dh).transpose(1, 2)
    q, kk, v = sh(h @ tw[p + "self_attn.q_proj.weight"].T), sh(h @ tw[p + "self_attn.k_proj.weight"].T), sh(h @ tw[p + "self_attn.v_proj.weight"].T)
    q = q * cos + rotate_half(q) * sin
    kk = kk * cos + rotate_half(kk) * sin
    if cache is not None:
        keys, values = cache
        keys[:, :, pos:pos + k], values[:, :, pos:pos + k] = kk, v
        kk, v = keys[:, :, :pos + k], values[:, :, :pos + k]
    a = torch.softmax(q @ kk.transpose(-1, -2) / math.sqrt(dh) + mask, -1) @ v
    x = x + a.transpose(1, 2).reshape(B, k, d) @ tw[p + "self_attn.o_proj.weight"].T
    h2 = rmsnorm(x, tw[p + "post_attention_layernorm.weight"], eps)
    return x + (F.silu(h2 @ tw[p + "mlp.gate_proj.weight"].T) * (h2 @ tw[p + "mlp.up_proj.weight"].T)) @ tw[p + "mlp.down_proj.weight"].T


def target_forward(tw, cfg, tokens, feature_layers):
    """The frozen target: residual stream after each layer in feature_layers, [B, T, H] each."""
    B, T = tokens.shape
    cos, sin = rope_tables(T, cfg["hidden"] // cfg["heads"], cfg["ropeTheta"])
    mask = torch.full((T, T), float("-inf")).triu(1)
    x = tw["model.embed_tokens.weight"][tokens]
    feats = {}
    for i in range(cfg["layers"]):
        x = target_layer(tw, cfg, i, x, cos, sin, mask)
        if i in feature_layers:
            feats[i] = x
    return feats


def target_generate(tw, cfg, prompts, new_tokens, greedy_rows, seed):
    """Continues each prompt (rows of a [B, P] tensor) with the frozen target, greedily where
    greedy_rows is true, else sampled at T = 1: the target's own outputs, on which EAGLE-3, HASS
    and PRISM train their drafts (the data decoding will show them)."""
    B, P = prompts.shape
    heads, L = cfg["heads"], cfg["layers"]
    dh = cfg["hidden"] // heads
    total = P + new_tokens
    cos_all, sin_all = rope_tables(total, dh, cfg["ropeTheta"])
    caches = [(torch.zeros(B, heads, total, dh), torch.zeros(B, heads, total, dh)) for _ in range(L)]
    gen = torch.Generator(device=DEVICE).manual_seed(seed)
    out = torch.zeros(B, total, dtype=torch.long)
    out[:, :P] = prompts
    pos, feed = 0, prompts
    with torch.no_grad():
        while True:
            k = feed.shape[1]
            mask = torch.full((k, pos + k), float("-inf")).triu(pos + 1)
            x = tw["model.embed_tokens.weight"][feed]
            for i in range(L):
                x = target_layer(tw, cfg, i, x, cos_all[pos:pos + k], sin_all[pos:pos + k], mask, caches[i], pos)
            logits = rmsnorm(x[:, -1], tw["model.norm.weight"], cfg["normEps"]) @ tw["model.embed_tokens.weight"].T
            pos += k
            if pos >= total:
                return out
            sampled = torch.multinomial(torch.softmax(logits, -1), 1, generator=gen)[:, 0]
            nxt = torch.where(greedy_rows, logits.argmax(-1), sampled)
            out[:, pos] = nxt
            feed = nxt[:, None]


def distillation_corpus(tw, cfg, stream, count, seq_len, prompt_len, seed, path, label):
    """`count` sequences of seq_len tokens: a prompt_len-token window of the corpus continued by
    the target, half greedy and half sampled at T = 1 (the suites run both). Cached on disk."""
    if os.path.exists(path):
        data = np.load(path)
        if data.shape == (count, seq_len):
            return data
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(stream) - prompt_len, size=count)
    out = np.zeros((count, seq_len), dtype=np.int64)
    batch, t0 = 256, time.time()
    for b in range(0, count, batch):
        rows = range(b, min(count, b + batch))
        prompts = torch.from_numpy(np.stack([stream[starts[r]:starts[r] + prompt_len] for r in rows])).to(DEVICE)
        greedy_rows = torch.tensor([r % 2 == 0 for r in rows])
        out[b:b + len(rows)] = target_generate(tw, cfg, prompts, seq_len - prompt_len, greedy_rows, seed + b).cpu().numpy()
        emit(event="generate", split=label, done=min(count, b + batch), total=count, tokens_per_s=(min(count, b + batch)) * (seq_len - prompt_len) / max(1e-9, time.time() - t0))
    np.save(path + ".tmp.npy", out)
    os.replace(path + ".tmp.npy", path)
    return out


class Module(torch.nn.Module):
    """One draft module: what one draft step runs (fc3 only on target features)."""

    def __init__(self, d, ffn, layers, eagle3_features):
        super().__init__()
        self.fc3 = torch.nn.Parameter(torch.randn(d, 3 * d) * 0.02) if eagle3_features else None
        self.fc = torch.nn.Parameter(torch.randn(d, 2 * d) * 0.02)
        self.layers = torch.nn.ModuleList([Layer(d, ffn) for _ in range(layers)])
        self.norm = torch.nn.Parameter(torch.ones(d))

    def names(self, prefix):
        out = {prefix + "fc.weight": self.fc, prefix + "norm.weight": self.norm}
        if self.fc3 is not None:
            out[prefix + "fc3.weight"] = self.fc3
        for i, layer in enumerate(self.layers):
            out.update(layer.names(f"{prefix}layers.{i}."))
        return out


class Draft(torch.nn.Module):
    def __init__(self, spec, cfg, embed, head_rows):
        super().__init__()
        d, ffn = cfg["hidden"], cfg["ffn"]
        self.spec, self.cfg = spec, cfg
        self.mods = torch.nn.ModuleList([Module(d, ffn, spec["layersPerModule"], spec["features"] == "eagle3") for _ in range(spec["modules"])])
        self.embed = embed  # frozen
        self.head = head_rows  # frozen [N, d]
        self.single_module = False  # PRISM's first phase trains module 0 at every step

    def names(self):
        out = {}
        for m, mod in enumerate(self.mods):
            out.update(mod.names(f"modules.{m}."))
        return out

    def module_for(self, step):
        if self.single_module:
            return self.mods[0]
        smap = self.spec["stepMap"]
        return self.mods[smap[min(step, len(smap) - 1)]]

    def unroll(self, tokens, feat_in, depth):
        """Runs depths 0..depth-1; returns the output hidden [B, T, d] of each depth."""
        cfg = self.cfg
        B, T = tokens.shape
        d, heads, eps = cfg["hidden"], cfg["heads"], cfg["normEps"]
        dh = d // heads
        cos_all, sin_all = rope_tables(T + depth + 1, dh, cfg["ropeTheta"])
        causal = torch.full((T, T), float("-inf")).triu(1)
        outs = []
        # per layer: depth-0 keys/values over the sequence, then per-depth diagonal keys/values
        base_k = [None] * self.spec["layersPerModule"]
        base_v = [None] * self.spec["layersPerModule"]
        diag_k = [[] for _ in range(self.spec["layersPerModule"])]
        diag_v = [[] for _ in range(self.spec["layersPerModule"])]
        h_prev = None
        for j in range(depth):
            mod = self.module_for(j)
            # token x[i+1+j] at base i (padded at the end: those bases are masked out of the loss)
            tok = torch.cat([tokens[:, 1 + j:], tokens[:, :1 + j] * 0], 1)
            if j == 0:
                f = feat_in @ mod.fc3.T if mod.fc3 is not None else feat_in
            else:
                f = h_prev
            x = torch.cat([self.embed[tok], f], -1) @ mod.fc.T
            cos, sin = cos_all[j:j + T], sin_all[j:j + T]
            for li, layer in enumerate(mod.layers):
                q, k, v = layer.qkv(x, eps, heads, cos, sin)
                if j == 0:
                    base_k[li], base_v[li] = k, v
                    a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + causal, -1) @ v
                else:
                    diag_k[li].append(k)
                    diag_v[li].append(v)
                    s0 = q @ base_k[li].transpose(-1, -2) / math.sqrt(dh) + causal
                    sd = torch.stack([(q * kd).sum(-1) for kd in diag_k[li]], -1) / math.sqrt(dh)
                    p = torch.softmax(torch.cat([s0, sd], -1), -1)
                    a = p[..., :T] @ base_v[li]
                    for n, vd in enumerate(diag_v[li]):
                        a = a + p[..., T + n:T + n + 1] * vd
                x = layer.finish(x, a, eps)
            outs.append((x, mod))
            h_prev = x
        return outs

    def logits(self, x, mod):
        return rmsnorm(x, mod.norm, self.cfg["normEps"]) @ self.head.T


class Medusa(torch.nn.Module):
    """Medusa-1's heads on the frozen target's last hidden state (after its final norm): head k
    is a residual block h + SiLU(W_k h + b_k) and its own output layer over the draft
    vocabulary, and predicts the token k + 2 places after the hidden state's position (the
    target's own head predicts the next one). As Medusa initializes them: the residual block at
    zero (each head starts as the target's head) and the output layer from the target's head."""

    def __init__(self, heads, d, head_rows, final_norm, eps):
        super().__init__()
        self.w = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(d, d)) for _ in range(heads)])
        self.b = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(d)) for _ in range(heads)])
        self.out = torch.nn.ParameterList([torch.nn.Parameter(head_rows.clone()) for _ in range(heads)])
        self.final_norm, self.eps = final_norm, eps  # frozen, the target's

    def names(self):
        out = {}
        for k in range(len(self.w)):
            out[f"heads.{k}.proj.weight"], out[f"heads.{k}.proj.bias"], out[f"heads.{k}.out.weight"] = self.w[k], self.b[k], self.out[k]
        return out

    def head_logits(self, f_last):
        """[B, T, N] logits of every head from the target's last-layer residual stream [B, T, d]."""
        n = rmsnorm(f_last, self.final_norm, self.eps)
        return [(n + F.silu(n @ w.T + b)) @ o.T for w, b, o in zip(self.w, self.b, self.out)]


class Standalone(torch.nn.Module):
    """A separate small language model with the target's tokenizer and layer definition (SGLang's
    STANDALONE draft), distilled from the target. Initialized from the teacher as DistilBERT
    initializes its student: the embedding (tied head) and final norm, and `layers` of the
    teacher's layers spread over its depth from the first to the last."""

    def __init__(self, cfg, tw, layers):
        super().__init__()
        L = cfg["layers"]
        self.cfg, self.init_layers = cfg, [round(i * (L - 1) / max(1, layers - 1)) for i in range(layers)]
        self.embed = torch.nn.Parameter(tw["model.embed_tokens.weight"].clone())
        self.norm = torch.nn.Parameter(tw["model.norm.weight"].clone())
        self.layers = torch.nn.ModuleList([Layer(cfg["hidden"], cfg["ffn"]) for _ in range(layers)])
        with torch.no_grad():
            for layer, src in zip(self.layers, self.init_layers):
                for name, param in layer.names("").items():
                    param.copy_(tw[f"model.layers.{src}.{name}"])

    def names(self):
        out = {"model.embed_tokens.weight": self.embed, "model.norm.weight": self.norm}
        for i, layer in enumerate(self.layers):
            out.update(layer.names(f"model.layers.{i}."))
        return out

    def forward(self, tokens):
        cfg = self.cfg
        B, T = tokens.shape
        cos, sin = rope_tables(T, cfg["hidden"] // cfg["heads"], cfg["ropeTheta"])
        causal = torch.full((T, T), float("-inf")).triu(1)
        dh = cfg["hidden"] // cfg["heads"]
        x = self.embed[tokens]
        for layer in self.layers:
            q, k, v = layer.qkv(x, cfg["normEps"], cfg["heads"], cos, sin)
            x = layer.finish(x, torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + causal, -1) @ v, cfg["normEps"])
        return rmsnorm(x, self.norm, cfg["normEps"]) @ self.embed.T


def build_draft(spec, cfg, tw, embed, head_rows):
    kind = spec.get("kind", "feature")
    if kind == "medusa":
        return Medusa(spec["heads"], cfg["hidden"], head_rows, tw["model.norm.weight"], cfg["normEps"])
    if kind == "standalone":
        return Standalone(cfg, tw, spec["layers"])
    return Draft(spec, cfg, embed, head_rows)


# ---------------------------------------------------------------------------------------------

def main():
    job = json.load(open(sys.argv[1]))
    cfg, tr = job["target"], job["train"]
    torch.manual_seed(tr["seed"])
    tw = read_safetensors(job["targetWeights"])
    embed = tw["model.embed_tokens.weight"]
    vocab_ids = torch.tensor(job["draftVocabulary"], dtype=torch.long)
    head_rows = embed[vocab_ids]
    final_norm = tw["model.norm.weight"]
    low, mid, high = job["featureLayers"]
    last = cfg["layers"] - 1
    train_tokens = np.fromfile(job["trainTokens"], dtype=np.uint16).astype(np.int64)
    val_tokens = np.fromfile(job["valTokens"], dtype=np.uint16).astype(np.int64)
    B, T = tr["batch"], tr["seqLen"]
    steps_total = int(round(tr["steps"] * tr.get("dataFraction", 1.0)))
    # one set of training sequences shared by every draft: the same data budget, the same data
    full_steps = tr["steps"]
    # the cache names the target it was generated with: data from another target is never reused
    tag = f"-{job['targetWeightsSha256'][:12]}" if job.get("targetWeightsSha256") else ""
    train_seqs = distillation_corpus(tw, cfg, train_tokens, full_steps * B, T, tr["promptLen"], tr["seed"], os.path.join(job["dataDir"], f"train-{full_steps * B}x{T}{tag}.npy"), "train")
    val_seqs = distillation_corpus(tw, cfg, val_tokens, tr["evalBatches"] * B, T, tr["promptLen"], tr["seed"] + 1, os.path.join(job["dataDir"], f"val-{tr['evalBatches'] * B}x{T}{tag}.npy"), "validation")
    order = np.random.default_rng(tr["seed"]).permutation(len(train_seqs))

    def features(tokens):
        with torch.no_grad():
            fs = target_forward(tw, cfg, tokens, {low, mid, high, last})
            normed = rmsnorm(fs[last], final_norm, cfg["normEps"])
            target_logits = normed @ head_rows.T  # restricted to the draft vocabulary
            full_logits = normed @ embed.T
        return fs, target_logits, full_logits

    for name in job["drafts"]:
        spec = job["specs"][name]
        out_path = os.path.join(job["outDir"], name, "model.safetensors")
        done_path = os.path.join(job["outDir"], name, "done.json")
        if os.path.exists(out_path) and os.path.exists(done_path):
            emit(**json.load(open(done_path)))  # finished in an earlier, interrupted run
            continue
        draft = build_draft(spec, cfg, tw, embed, head_rows)
        params = [p for p in draft.parameters()]
        opt = torch.optim.AdamW(params, lr=tr["lr"], betas=(0.9, 0.95), weight_decay=0.0)
        ckpt = os.path.join(job["workDir"], f"{name}.ckpt.pt")
        start, history = 0, []
        if os.path.exists(ckpt):
            st = torch.load(ckpt, map_location=DEVICE)
            draft.load_state_dict(st["model"])
            opt.load_state_dict(st["opt"])
            start, history = st["step"], st.get("history", [])
            emit(event="resume", draft=name, step=start)
            emit(event="history", draft=name, points=history)  # the loss curve so far, for the manifest
        depth = spec.get("trainDepth", 1)
        # PRISM's two phases: a single-module HASS-style draft first, copied into every module,
        # then multi-step fine-tuning that switches module per step
        warm = int(round(steps_total * spec.get("singleModuleFraction", 0.0)))
        t0 = time.time()
        for step in range(start, steps_total):
            if warm and step == warm:
                for m in draft.mods[1:]:
                    m.load_state_dict(draft.mods[0].state_dict())
            phase_single = bool(warm) and step < warm
            if isinstance(draft, Draft):
                draft.single_module = phase_single
            lr = tr["lr"] * min(1.0, (step + 1) / tr["warmupSteps"])
            lr = tr["minLr"] + (lr - tr["minLr"]) * 0.5 * (1 + math.cos(math.pi * step / steps_total)) if step >= tr["warmupSteps"] else lr
            for gp in opt.param_groups:
                gp["lr"] = lr
            tokens = torch.from_numpy(train_seqs[order[step * B:(step + 1) * B]]).to(DEVICE)
            fs, tlogits, full_logits = features(tokens)
            if isinstance(draft, Medusa):
                loss, parts = medusa_loss(draft, spec, fs[last], tlogits)
            elif isinstance(draft, Standalone):
                loss, parts = standalone_loss(draft, tokens, full_logits)
            else:
                feat_in = torch.cat([fs[low], fs[mid], fs[high]], -1) if spec["features"] == "eagle3" else fs[last]
                loss, parts = loss_fn(draft, spec, tokens, feat_in, fs[last], tlogits, depth)
            opt.zero_grad()
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(params, tr["gradClip"])
            opt.step()
            if (step + 1) % tr["logEvery"] == 0 or step == steps_total - 1:
                history.append({"step": step + 1, "loss": round(float(loss), 4)})
                emit(event="step", draft=name, step=step + 1, steps=steps_total, loss=float(loss), lr=lr, grad_norm=float(gn),
                     tokens_per_s=(step + 1 - start) * B * T / max(1e-9, time.time() - t0), **parts)
            if (step + 1) % tr["checkpointEvery"] == 0 and step + 1 < steps_total:
                torch.save({"model": draft.state_dict(), "opt": opt.state_dict(), "step": step + 1, "history": history}, ckpt + ".tmp")
                os.replace(ckpt + ".tmp", ckpt)
        extra = {}
        if isinstance(draft, Medusa):
            acc, extra["rankAccuracy"] = evaluate_medusa(draft, val_seqs, B, features, vocab_ids, last)
        elif isinstance(draft, Standalone):
            acc = evaluate_standalone(draft, val_seqs, B, features)
        else:
            acc = evaluate(draft, spec, val_seqs, B, features, vocab_ids, low, mid, high, last, job["evalDepth"])
        emit(event="eval", draft=name, top1=acc, **extra)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        tensors = {k: v for k, v in draft.names().items()}
        write_safetensors(out_path, tensors, {"draft": name})
        done = dict(event="done", draft=name, steps=steps_total, top1=acc, seconds=time.time() - t0, **extra)
        json.dump(done, open(done_path, "w"))
        emit(**done)
        if os.path.exists(ckpt):
            os.remove(ckpt)


def loss_fn(draft, spec, tokens, feat_in, f_last, tlogits, depth):
    B, T = tokens.shape
    outs = draft.unroll(tokens, feat_in, depth)
    total, parts = 0.0, {}
    weights = [spec["depthDecay"] ** j for j in range(depth)]
    norm = sum(weights)
    for j, (x, mod) in enumerate(outs):
        valid = T - 2 - j  # bases i <= T-2-j have a token input and a target position in the window
        xs = x[:, :valid]
        p = torch.softmax(tlogits[:, 1 + j:1 + j + valid], -1)
        logq = torch.log_softmax(draft.logits(xs, mod), -1)
        ce = -(p * logq).sum(-1).mean()
        term = spec["ceWeight"] * ce
        if spec["featureWeight"] > 0:
            fl = F.smooth_l1_loss(xs, f_last[:, 1 + j:1 + j + valid])
            term = term + spec["featureWeight"] * fl
            parts[f"feat{j}"] = round(float(fl), 4)
        if spec.get("topKWeight", 0) > 0:
            # HASS's harmonized objective distillation: cross-entropy on the target's top-K tokens
            topv, topi = p.topk(spec["topK"], -1)
            term = term + spec["topKWeight"] * -(topv * logq.gather(-1, topi)).sum(-1).mean()
        parts[f"ce{j}"] = round(float(ce), 4)
        total = total + weights[j] / norm * term
    return total, parts


def medusa_loss(draft, spec, f_last, tlogits):
    """Soft cross-entropy of head k against the target's distribution for the token k + 2 places
    on (Medusa-2's self-distillation; the data is the target's own output), weighted decay^k."""
    T = f_last.shape[1]
    total, parts = 0.0, {}
    weights = [spec["depthDecay"] ** k for k in range(spec["heads"])]
    for k, logits in enumerate(draft.head_logits(f_last)):
        valid = T - 2 - k  # hidden i predicts token i + 2 + k, whose target distribution is row i + 1 + k
        p = torch.softmax(tlogits[:, 1 + k:1 + k + valid], -1)
        ce = -(p * torch.log_softmax(logits[:, :valid], -1)).sum(-1).mean()
        parts[f"ce{k}"] = round(float(ce), 4)
        total = total + weights[k] / sum(weights) * ce
    return total, parts


def standalone_loss(draft, tokens, full_logits):
    """Soft cross-entropy against the target's full next-token distribution at every position."""
    logq = torch.log_softmax(draft(tokens), -1)
    ce = -(torch.softmax(full_logits, -1) * logq).sum(-1).mean()
    return ce, {"ce0": round(float(ce), 4)}


def validation_batches(val_seqs, B, features):
    """The validation sequences B at a time, with the frozen target's features and full logits."""
    for b in range(0, len(val_seqs), B):
        tokens = torch.from_numpy(val_seqs[b:b + B]).to(DEVICE)
        fs, _, full_logits = features(tokens)
        yield tokens, fs, full_logits


MEDUSA_RANKS = 10


@torch.no_grad()
def evaluate_medusa(draft, val_seqs, B, features, vocab_ids, last):
    """Per head: top-1 agreement with the target's argmax for its position, and the share of
    positions where that argmax is the head's r-th choice, r = 1..MEDUSA_RANKS (what Medusa's
    static tree is built from)."""
    heads = len(draft.w)
    ranks, counts = np.zeros((heads, MEDUSA_RANKS)), np.zeros(heads)
    for tokens, fs, full_logits in validation_batches(val_seqs, B, features):
        T = tokens.shape[1]
        want = full_logits.argmax(-1)
        for k, logits in enumerate(draft.head_logits(fs[last])):
            valid = T - 2 - k
            top = vocab_ids[logits[:, :valid].topk(MEDUSA_RANKS, -1).indices]  # [B, valid, R] target ids
            hit = top == want[:, 1 + k:1 + k + valid, None]
            ranks[k] += hit.sum((0, 1)).cpu().numpy()
            counts[k] += valid * tokens.shape[0]
    rank_acc = [[round(float(x), 4) for x in ranks[k] / counts[k]] for k in range(heads)]
    return [r[0] for r in rank_acc], rank_acc


@torch.no_grad()
def evaluate_standalone(draft, val_seqs, B, features):
    """Top-1 agreement of the student's argmax with the target's at every position (the student
    conditions on the data's tokens, so one figure covers every draft step)."""
    hits = count = 0
    for tokens, _, full_logits in validation_batches(val_seqs, B, features):
        hits += float((draft(tokens).argmax(-1) == full_logits.argmax(-1)).sum())
        count += tokens.numel()
    return [round(hits / count, 4)]


@torch.no_grad()
def evaluate(draft, spec, val_seqs, B, features, vocab_ids, low, mid, high, last, depth):
    """Top-1 agreement of the draft's argmax (mapped to target ids) with the target's argmax at
    each draft position, unrolled on the draft's own features with teacher-forced tokens."""
    hits, counts = np.zeros(depth), np.zeros(depth)
    for tokens, fs, full_logits in validation_batches(val_seqs, B, features):
        T = tokens.shape[1]
        full_argmax = full_logits.argmax(-1)
        feat_in = torch.cat([fs[low], fs[mid], fs[high]], -1) if spec["features"] == "eagle3" else fs[last]
        outs = draft.unroll(tokens, feat_in, depth)
        for j, (x, mod) in enumerate(outs):
            valid = T - 2 - j
            pred = vocab_ids[draft.logits(x[:, :valid], mod).argmax(-1)]
            hits[j] += float((pred == full_argmax[:, 1 + j:1 + j + valid]).sum())
            counts[j] += pred.numel()
    return [round(h / c, 4) for h, c in zip(hits, counts)]


if __name__ == "__main__":
    main()
