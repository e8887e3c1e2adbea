"""Trains the reference engine's target model: a Llama-style decoder (RMSNorm, rotary
positions, SwiGLU MLP, multi-head causal attention, tied embeddings) on the token stream that
`prism-bench train target` prepares.

Why numpy: OpenBLAS sgemm reaches ~200 GFLOP/s on this project's 2-core machines, about ten
times what the JavaScript options manage with gradients, and numpy ships with python3 here.
Forward and backward are written out by hand; packages/reference-engine/test/train checks the gradients
against finite differences.

Protocol with the TypeScript side: arguments are one JSON config file; progress is printed as
one JSON object per line on stdout ({"event": "step" | "eval" | "done" | "resume", ...}).
A checkpoint (.npz) is written every `checkpoint_every` steps and resumed automatically.
"""
import json
import math
import os
import sys
import time

import numpy as np

# The array module the model's math runs on: numpy here; CuPy, the same code on an NVIDIA GPU,
# where one is at hand (PRISM_TRAIN_ARRAYS=cupy). Sampling and checkpoints stay on the host.
if os.environ.get("PRISM_TRAIN_ARRAYS", "numpy") == "cupy":
    import cupy as xp
    import cupyx

    def to_host(a):
        return xp.asnumpy(a)

    def scatter_add(target, rows, values):
        cupyx.scatter_add(target, rows, values)
else:
    xp = np

    def to_host(a):
        return a

    def scatter_add(target, rows, values):
        np.add.at(target, rows, values)

F32 = np.float32


def init_params(cfg, rng):
    d, f, v, L = cfg["hidden"], cfg["ffn"], cfg["vocab"], cfg["layers"]
    std = 0.02
    out_std = std / math.sqrt(2 * L)  # scaled residual projections, as GPT-2 does
    p = {"embed": rng.normal(0, std, (v, d)).astype(F32), "norm_f": np.ones(d, F32)}
    for i in range(L):
        p[f"l{i}.attn_norm"] = np.ones(d, F32)
        p[f"l{i}.wq"] = rng.normal(0, std, (d, d)).astype(F32)
        p[f"l{i}.wk"] = rng.normal(0, std, (d, d)).astype(F32)
        p[f"l{i}.wv"] = rng.normal(0, std, (d, d)).astype(F32)
        p[f"l{i}.wo"] = rng.normal(0, out_std, (d, d)).astype(F32)
        p[f"l{i}.mlp_norm"] = np.ones(d, F32)
        p[f"l{i}.w1"] = rng.normal(0, std, (d, f)).astype(F32)
        p[f"l{i}.w3"] = rng.normal(0, std, (d, f)).astype(F32)
        p[f"l{i}.w2"] = rng.normal(0, out_std, (f, d)).astype(F32)
    return {k: xp.asarray(a) for k, a in p.items()}


def rope_tables(T, dh, theta):
    inv = 1.0 / (theta ** (xp.arange(0, dh, 2, dtype=xp.float64) / dh))
    ang = xp.arange(T, dtype=xp.float64)[:, None] * inv[None, :]
    cos = xp.concatenate([xp.cos(ang), xp.cos(ang)], axis=1).astype(F32)
    sin = xp.concatenate([xp.sin(ang), xp.sin(ang)], axis=1).astype(F32)
    return cos, sin  # [T, dh], rotate-half convention


def rotate_half(x):
    h = x.shape[-1] // 2
    return xp.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def rotate_half_t(y):
    # transpose of rotate_half: the map is orthogonal, its transpose is its inverse
    h = y.shape[-1] // 2
    return xp.concatenate([y[..., h:], -y[..., :h]], axis=-1)


def rmsnorm(x, g, eps):
    r = 1.0 / xp.sqrt((x * x).mean(-1, keepdims=True) + eps)
    xh = x * r
    return xh * g, (xh, r)


def rmsnorm_back(dy, g, cache):
    xh, r = cache
    dg = (dy * xh).reshape(-1, xh.shape[-1]).sum(0)
    dxh = dy * g
    dx = r * (dxh - xh * (dxh * xh).mean(-1, keepdims=True))
    return dx, dg


def forward(p, cfg, tokens, targets, want_cache=True):
    B, T = tokens.shape
    d, H, L, eps = cfg["hidden"], cfg["heads"], cfg["layers"], cfg["norm_eps"]
    dh = d // H
    cos, sin = rope_tables(T, dh, cfg["rope_theta"])
    mask = xp.triu(xp.full((T, T), -1e9, F32), 1)
    x = p["embed"][tokens]
    caches = []
    scale = F32(1.0 / math.sqrt(dh))
    for i in range(L):
        h, n1 = rmsnorm(x, p[f"l{i}.attn_norm"], eps)
        q = (h @ p[f"l{i}.wq"]).reshape(B, T, H, dh).transpose(0, 2, 1, 3)
        k = (h @ p[f"l{i}.wk"]).reshape(B, T, H, dh).transpose(0, 2, 1, 3)
        v = (h @ p[f"l{i}.wv"]).reshape(B, T, H, dh).transpose(0, 2, 1, 3)
        qr = q * cos + rotate_half(q) * sin
        kr = k * cos + rotate_half(k) * sin
        s = (qr @ kr.transpose(0, 1, 3, 2)) * scale + mask
        s -= s.max(-1, keepdims=True)
        pr = xp.exp(s)
        pr /= pr.sum(-1, keepdims=True)
        o = (pr @ v).transpose(0, 2, 1, 3).reshape(B, T, d)
        x = x + o @ p[f"l{i}.wo"]
        h2, n2 = rmsnorm(x, p[f"l{i}.mlp_norm"], eps)
        a = h2 @ p[f"l{i}.w1"]
        b = h2 @ p[f"l{i}.w3"]
        sg = 1.0 / (1.0 + xp.exp(-a))
        m = a * sg * b
        x = x + m @ p[f"l{i}.w2"]
        if want_cache:
            caches.append((h, n1, qr, kr, v, pr, o, h2, n2, a, b, sg, m))
    hf, nf = rmsnorm(x, p["norm_f"], eps)
    logits = hf.reshape(B * T, d) @ p["embed"].T
    logits -= logits.max(-1, keepdims=True)
    lse = xp.log(xp.exp(logits).sum(-1, keepdims=True))
    logp = logits - lse
    tgt = targets.reshape(-1)
    loss = float(-logp[xp.arange(B * T), tgt].mean())
    return loss, (tokens, tgt, logp, hf, nf, caches, cos, sin, scale)


def backward(p, cfg, cache):
    tokens, tgt, logp, hf, nf, caches, cos, sin, scale = cache
    B, T = tokens.shape
    d, H, L = cfg["hidden"], cfg["heads"], cfg["layers"]
    dh = d // H
    N = B * T
    g = {k: None for k in p}
    dlogits = xp.exp(logp)
    dlogits[xp.arange(N), tgt] -= 1.0
    dlogits /= N
    g["embed"] = dlogits.T @ hf.reshape(N, d)
    dhf = (dlogits @ p["embed"]).reshape(B, T, d)
    dx, g["norm_f"] = rmsnorm_back(dhf, p["norm_f"], nf)
    for i in reversed(range(L)):
        h, n1, qr, kr, v, pr, o, h2, n2, a, b, sg, m = caches[i]
        # MLP
        dm = dx @ p[f"l{i}.w2"].T
        g[f"l{i}.w2"] = m.reshape(N, -1).T @ dx.reshape(N, d)
        silu = a * sg
        db = dm * silu
        da = dm * b * (sg * (1.0 + a * (1.0 - sg)))
        g[f"l{i}.w1"] = h2.reshape(N, d).T @ da.reshape(N, -1)
        g[f"l{i}.w3"] = h2.reshape(N, d).T @ db.reshape(N, -1)
        dh2 = da @ p[f"l{i}.w1"].T + db @ p[f"l{i}.w3"].T
        dxn, g[f"l{i}.mlp_norm"] = rmsnorm_back(dh2, p[f"l{i}.mlp_norm"], n2)
        dx = dx + dxn
        # attention
        g[f"l{i}.wo"] = o.reshape(N, d).T @ dx.reshape(N, d)
        do = (dx @ p[f"l{i}.wo"].T).reshape(B, T, H, dh).transpose(0, 2, 1, 3)
        dpr = do @ v.transpose(0, 1, 3, 2)
        dv = pr.transpose(0, 1, 3, 2) @ do
        ds = pr * (dpr - (dpr * pr).sum(-1, keepdims=True)) * scale
        dqr = ds @ kr
        dkr = ds.transpose(0, 1, 3, 2) @ qr
        dq = dqr * cos + rotate_half_t(dqr * sin)
        dk = dkr * cos + rotate_half_t(dkr * sin)
        dq = dq.transpose(0, 2, 1, 3).reshape(N, d)
        dk = dk.transpose(0, 2, 1, 3).reshape(N, d)
        dv = dv.transpose(0, 2, 1, 3).reshape(N, d)
        hN = h.reshape(N, d)
        g[f"l{i}.wq"] = hN.T @ dq
        g[f"l{i}.wk"] = hN.T @ dk
        g[f"l{i}.wv"] = hN.T @ dv
        dhh = dq @ p[f"l{i}.wq"].T + dk @ p[f"l{i}.wk"].T + dv @ p[f"l{i}.wv"].T
        dxn, g[f"l{i}.attn_norm"] = rmsnorm_back(dhh.reshape(B, T, d), p[f"l{i}.attn_norm"], n1)
        dx = dx + dxn
    scatter_add(g["embed"], tokens.reshape(-1), dx.reshape(N, d))
    return g


def lr_at(step, cfg):
    warm, total, peak = cfg["warmup_steps"], cfg["steps"], cfg["lr"]
    if step < warm:
        return peak * (step + 1) / warm
    t = (step - warm) / max(1, total - warm)
    return cfg["min_lr"] + 0.5 * (peak - cfg["min_lr"]) * (1 + math.cos(math.pi * min(1.0, t)))


def sample_batch(stream, rng, B, T):
    starts = rng.integers(0, len(stream) - T - 1, size=B)
    idx = starts[:, None] + np.arange(T + 1)[None, :]
    w = xp.asarray(stream[idx].astype(np.int64))
    return w[:, :-1], w[:, 1:]


def evaluate(p, cfg, val, batches):
    # fixed, evenly spaced windows: the same validation set at every eval and on every machine
    B, T = cfg["batch"], cfg["seq_len"]
    n = batches * B
    starts = np.linspace(0, len(val) - T - 2, n).astype(np.int64)
    losses = []
    for j in range(batches):
        idx = starts[j * B:(j + 1) * B, None] + np.arange(T + 1)[None, :]
        w = xp.asarray(val[idx].astype(np.int64))
        loss, _ = forward(p, cfg, w[:, :-1], w[:, 1:], want_cache=False)
        losses.append(loss)
    return float(np.mean(losses))


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def save_checkpoint(path, p, m, v, step, rng, history):
    tmp = path + ".tmp.npz"
    arrays = {f"p:{k}": to_host(a) for k, a in p.items()}
    arrays.update({f"m:{k}": to_host(a) for k, a in m.items()})
    arrays.update({f"v:{k}": to_host(a) for k, a in v.items()})
    meta = json.dumps({"step": step, "rng": rng.bit_generator.state, "history": history})
    np.savez(tmp, __meta__=np.frombuffer(meta.encode(), dtype=np.uint8), **arrays)
    os.replace(tmp, path)


def load_checkpoint(path):
    z = np.load(path)
    meta = json.loads(bytes(z["__meta__"]).decode())
    p, m, v = {}, {}, {}
    for k in z.files:
        if k.startswith("p:"):
            p[k[2:]] = xp.asarray(z[k])
        elif k.startswith("m:"):
            m[k[2:]] = xp.asarray(z[k])
        elif k.startswith("v:"):
            v[k[2:]] = xp.asarray(z[k])
    return p, m, v, meta


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        a = np.ascontiguousarray(to_host(tensors[name]).astype(np.float16))
        b = a.tobytes()
        header[name] = {"dtype": "F16", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(len(hb).to_bytes(8, "little"))
        fh.write(hb)
        for b in blobs:
            fh.write(b)
    os.replace(tmp, path)


def hf_names(p, L):
    # Hugging Face Llama layout: linear weights stored [out, in]
    t = {"model.embed_tokens.weight": p["embed"], "model.norm.weight": p["norm_f"]}
    for i in range(L):
        pre = f"model.layers.{i}."
        t[pre + "input_layernorm.weight"] = p[f"l{i}.attn_norm"]
        t[pre + "post_attention_layernorm.weight"] = p[f"l{i}.mlp_norm"]
        for a, b in (("wq", "q_proj"), ("wk", "k_proj"), ("wv", "v_proj"), ("wo", "o_proj")):
            t[pre + f"self_attn.{b}.weight"] = p[f"l{i}.{a}"].T
        t[pre + "mlp.gate_proj.weight"] = p[f"l{i}.w1"].T
        t[pre + "mlp.up_proj.weight"] = p[f"l{i}.w3"].T
        t[pre + "mlp.down_proj.weight"] = p[f"l{i}.w2"].T
    return t


def main():
    job = json.load(open(sys.argv[1]))
    cfg, out = job["model"], job["output"]
    tcfg = {**cfg, **job["train"]}
    train = np.fromfile(job["train_tokens"], dtype=np.uint16)
    val = np.fromfile(job["val_tokens"], dtype=np.uint16)
    rng = np.random.default_rng(tcfg["seed"])
    ckpt = job["checkpoint"]
    history = []
    if os.path.exists(ckpt):
        p, m, v, meta = load_checkpoint(ckpt)
        step = meta["step"]
        rng.bit_generator.state = meta["rng"]
        history = meta["history"]
        emit({"event": "resume", "step": step})
    else:
        p = init_params(cfg, rng)
        m = {k: xp.zeros_like(a) for k, a in p.items()}
        v = {k: xp.zeros_like(a) for k, a in p.items()}
        step = 0
    b1, b2, wd, clip = 0.9, 0.95, tcfg["weight_decay"], tcfg["grad_clip"]
    B, T, total = tcfg["batch"], tcfg["seq_len"], tcfg["steps"]
    t_start = time.time()
    steps_this_run = 0
    while step < total:
        x, y = sample_batch(train, rng, B, T)
        loss, cache = forward(p, cfg, x, y)
        g = backward(p, cfg, cache)
        del cache
        gnorm = math.sqrt(sum(float((a * a).sum()) for a in g.values()))
        sc = min(1.0, clip / (gnorm + 1e-6))
        lr = lr_at(step, tcfg)
        t = step + 1
        for k in p:
            gk = g[k] * sc
            m[k] = b1 * m[k] + (1 - b1) * gk
            v[k] = b2 * v[k] + (1 - b2) * gk * gk
            upd = (m[k] / (1 - b1 ** t)) / (xp.sqrt(v[k] / (1 - b2 ** t)) + 1e-8)
            if p[k].ndim == 2:
                upd = upd + wd * p[k]
            p[k] = (p[k] - lr * upd).astype(F32)
        step += 1
        steps_this_run += 1
        el = time.time() - t_start
        emit({"event": "step", "step": step, "steps": total, "loss": loss, "lr": lr, "grad_norm": gnorm,
              "tokens_per_s": steps_this_run * B * T / el})
        if step % tcfg["eval_every"] == 0 or step == total:
            vl = evaluate(p, tcfg, val, tcfg["eval_batches"])
            history.append({"step": step, "train_loss": loss, "val_loss": vl})
            emit({"event": "eval", "step": step, "val_loss": vl})
        if step % tcfg["checkpoint_every"] == 0 or step == total:
            save_checkpoint(ckpt, p, m, v, step, rng, history)
    final_val = history[-1]["val_loss"] if history else evaluate(p, tcfg, val, tcfg["eval_batches"])
    # also on 256-token windows, 16 per batch: the validation set every earlier target was scored on,
    # so targets trained on other sequence lengths compare on the same windows
    val_256 = evaluate(p, {**tcfg, "batch": 16, "seq_len": 256}, val, tcfg["eval_batches"])
    write_safetensors(out, hf_names(p, cfg["layers"]), {"format": "pt", "producer": "prism-bench"})
    emit({"event": "done", "step": step, "val_loss": final_val, "val_loss_256": val_256, "history": history})


if __name__ == "__main__":
    main()
