#!/usr/bin/env python3
"""Reference values for src/stats, computed independently with scipy/numpy.

Writes test/stats/fixtures/scipy-expected.json, which test/stats/*.test.ts compare the
TypeScript implementation against. Rerun after changing a sample or adding a case:

    python3 scripts/stats-fixtures.py          # from the repository root
    node --import tsx --test test/stats/*.test.ts

Needs python3 with numpy, scipy and mpmath (generated with the versions recorded under "meta"; the
mannwhitneyu 'auto' rule checked here is scipy 1.17's). Output is deterministic: random samples
use fixed numpy seeds and are stored in the JSON, so the tests never regenerate them.

Quantities scipy does not provide (Holm adjustment, the log-scale ratio-of-means interval,
hyperfine's relative error, modified z-score outliers) are computed here from their textbook
formulas with plain loops, not by porting the TypeScript code. Where scipy.stats.nct loses
accuracy (its smaller tail when t and nc have opposite signs, and df >= 1e5), the reference is
nct_tail(): scipy.integrate.quad of the definition of the noncentral t, validated here against
scipy.stats.nct where that is accurate (see the comment above nct_tail).

Degenerate inputs (constant samples, n < 2) follow conventions of ours that scipy does not share
(it returns nan, or numbers driven by rounding residue): those are tested directly in
test/stats/*.test.ts, not pinned here; welch_degenerate_check() records what scipy does.
"""

import json
import math
import os
import sys
import warnings

import mpmath as mp
import numpy as np
import scipy
from scipy import integrate, optimize, special, stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "stats", "fixtures", "scipy-expected.json")


def f(x):
    """numpy scalar -> plain float (json cannot hold numpy types; NaN is a bug here)."""
    x = float(x)
    if math.isnan(x):
        raise ValueError("NaN in fixtures")
    return x


def fl(xs):
    return [f(x) for x in xs]


# ---------------------------------------------------------------------------------------------
# Samples

rng = np.random.RandomState(20240601)
LARGE_A = fl(np.round(rng.normal(100.0, 15.0, 200), 6))
LARGE_B = fl(np.round(rng.normal(96.0, 20.0, 180), 6))
# Rounded to integers so the large-n Mann-Whitney case also exercises the tie correction.
LARGE_TIED_A = fl(np.round(rng.normal(50.0, 5.0, 150)))
LARGE_TIED_B = fl(np.round(rng.normal(51.5, 5.0, 120)))
LATENCY = fl(np.round(rng.lognormal(3.0, 0.25, 40), 4))

SAMPLES = {
    "n2": [10.0, 12.0],
    "n3": [1.0, 2.0, 4.0],
    "n1": [7.25],
    "ties": [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0],
    "identical": [5.0, 5.0, 5.0, 5.0],
    "outlier": [10.1, 10.3, 9.9, 10.0, 10.2, 25.0, 10.1, 9.95],
    "two_sided_outliers": [50.0, 51.0, 49.5, 50.5, 50.2, 49.8, 10.0, 90.0, 50.1],
    "mad_zero_far": [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 100.0],
    "mad_zero_near": [5.0, 5.0, 5.0, 6.0],
    "negative_mean": [-3.0, -2.5, -4.0, -3.5],
    "zero_mean": [-1.0, 1.0, -2.0, 2.0],
    "tokens_per_s": [41.2, 43.8, 40.9, 44.1, 42.7, 43.0, 41.8, 42.2, 45.0, 42.9],
    "latency": LATENCY,
    "large": LARGE_A,
}


# ---------------------------------------------------------------------------------------------
# Distributions


def distribution_fixtures():
    normal = [{"x": x, "cdf": f(special.ndtr(x))} for x in
              [-37.5, -30.0, -20.0, -10.0, -8.3, -5.0, -3.0, -2.0, -1.96, -1.5, -1.0, -0.5, -1e-3,
               0.0, 1e-8, 0.3, 0.7, 1.0, 1.5, 1.96, 2.0, 2.5, 3.0, 5.0, 8.0]]
    normal_quantile = [{"p": p, "x": f(special.ndtri(p))} for p in
                       [1e-300, 1e-100, 1e-12, 1e-6, 0.001, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975,
                        0.995, 0.999999]]
    dfs = [1, 2, 3, 4.5, 7.3, 10, 29.87, 100, 1000, 12345.6]
    ts = [-1e6, -50.0, -10.0, -3.0, -2.0, -1.0, -0.1, 0.0, 0.05, 0.5, 1.0, 2.2, 4.0, 12.0, 300.0]
    t_cdf = [{"t": t, "df": df, "cdf": f(stats.t.cdf(t, df))} for df in dfs for t in ts]
    ps = [1e-12, 1e-6, 0.001, 0.005, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.995, 0.999999]
    t_quantile = [{"p": p, "df": df, "t": f(stats.t.ppf(p, df))} for df in dfs for p in ps]
    return {"normal_cdf": normal, "normal_quantile": normal_quantile, "t_cdf": t_cdf, "t_quantile": t_quantile,
            **t_large_df_fixtures()}


def t_large_df_fixtures():
    """stats.t where x = df/(df+t^2) is within rounding of 1: the continued fraction in x lost
    ~eps*df/t^2 relative there (0.7% at df = 1e15). Both tails and both cdf and sf, so the
    small side is always compared relatively."""
    dfs = [3e4, 1e5, 1e6, 1e8, 1e10, 1e12, 1e15, 1e20, 1e300]
    ts = [-37.0, -20.0, -8.0, -3.0, -1.96, -0.5, -1e-3, 1e-3, 0.5, 1.0, 1.7320508, 1.96, 2.5, 3.0, 5.0, 8.0,
          12.0, 20.0, 30.0, 37.0]
    cdf = [{"t": t, "df": df, "cdf": f(stats.t.cdf(t, df)), "sf": f(stats.t.sf(t, df))} for df in dfs for t in ts]
    ps = [1e-300, 1e-100, 1e-20, 1e-12, 1e-6, 0.001, 0.025, 0.3, 0.7, 0.975, 0.999, 1 - 1e-6, 1 - 1e-12]
    quantile = [{"p": p, "df": df, "t": f(stats.t.ppf(p, df))} for df in dfs for p in ps]
    return {"t_large_df_cdf": cdf, "t_large_df_quantile": quantile}


# ---------------------------------------------------------------------------------------------
# Descriptive statistics and t intervals


def modified_z_outliers(xs):
    """Iglewicz-Hoaglin modified z; MAD = 0 falls back to 1.253314 * mean |x - median|."""
    x = np.asarray(xs, dtype=float)
    med = np.median(x)
    dev = np.abs(x - med)
    mad = np.median(dev)
    if mad > 0:
        z = 0.6745 * (x - med) / mad
    else:
        mean_ad = np.mean(dev)
        z = (x - med) / (1.253314 * mean_ad) if mean_ad > 0 else np.zeros_like(x)
    return [int(i) for i in np.nonzero(np.abs(z) > 3.5)[0]]


def t_interval(xs, level):
    x = np.asarray(xs, dtype=float)
    n = len(x)
    if n < 2:
        return None
    m = np.mean(x)
    sem = stats.sem(x)  # ddof=1
    if sem == 0:
        return {"mean": f(m), "low": f(m), "high": f(m), "halfWidth": 0.0, "df": n - 1}
    low, high = stats.t.interval(level, n - 1, loc=m, scale=sem)
    return {"mean": f(m), "low": f(low), "high": f(high), "halfWidth": f((high - low) / 2), "df": n - 1}


def summary_fixtures():
    out = []
    for name, xs in SAMPLES.items():
        x = np.asarray(xs, dtype=float)
        n = len(x)
        sd = float(np.std(x, ddof=1)) if n >= 2 else 0.0
        m = float(np.mean(x))
        ci = t_interval(xs, 0.95)
        out.append({
            "name": name, "values": xs, "n": n, "mean": f(m), "median": f(np.median(x)),
            "stddev": f(sd), "cv": None if m == 0 else f(sd / abs(m)),
            "min": f(np.min(x)), "max": f(np.max(x)),
            "ci95": None if ci is None else {k: ci[k] for k in ("low", "high", "halfWidth")},
            "outliers": modified_z_outliers(xs),
        })
    return out


def t_interval_fixtures():
    out = []
    for name in ("n2", "n3", "ties", "tokens_per_s", "latency", "large", "negative_mean"):
        for level in (0.9, 0.95, 0.99):
            out.append({"name": name, "values": SAMPLES[name], "level": level, **t_interval(SAMPLES[name], level)})
    return out


# ---------------------------------------------------------------------------------------------
# Tests


def welch_fixtures():
    cases = {
        "tokens_vs_shifted": (SAMPLES["tokens_per_s"], [40.1, 41.0, 39.8, 42.2, 40.5, 41.3, 40.0, 41.9]),
        "n2_vs_n3": (SAMPLES["n2"], SAMPLES["n3"]),
        "one_side_constant": ([5.0, 5.0, 5.0], [4.0, 6.0, 7.0, 5.5]),
        "unequal_sizes": ([1.1, 2.3, 1.9], [2.8, 3.1, 2.9, 3.6, 3.3, 2.7, 3.0, 3.4, 3.2, 2.95]),
        "ties": (SAMPLES["ties"], [2.0, 3.0, 3.0, 4.0, 5.0]),
        "large": (LARGE_A, LARGE_B),
        "negative_t": (LARGE_B[:30], LARGE_A[:25]),
        "latency_vs_scaled": (LATENCY, [v * 1.05 + 0.3 for v in LATENCY[:35]]),
    }
    out = []
    for name, (a, b) in cases.items():
        r = stats.ttest_ind(a, b, equal_var=False)
        out.append({"name": name, "a": a, "b": b, "t": f(r.statistic), "df": f(r.df), "p": f(r.pvalue)})
    return out


def welch_degenerate_check():
    """Both samples constant: welchTTest applies its own convention (tests.ts, WelchResult):
    equal values -> t = 0, p = 1; different values -> t = +-inf, p = 0. This is not scipy's
    behaviour, which depends on the rounding of np.mean/np.std, so there are no fixtures for it;
    test/stats/tests.test.ts checks the convention directly. Recorded here so that the statement
    stays true: scipy gives nan for exactly-zero variance with equal means, and with the sd
    rounding residue of [0.1]*3 it reports a finite t (so p = 0.29 for equal samples)."""
    r = stats.ttest_ind([5.0] * 3, [5.0] * 2, equal_var=False)
    assert math.isnan(r.pvalue), r
    r = stats.ttest_ind([0.1] * 3, [0.1] * 2, equal_var=False)
    assert np.std([0.1] * 3, ddof=1) > 0 and 0 < r.pvalue < 1, r
    r = stats.ttest_ind([6.0] * 3, [5.0] * 2, equal_var=False)
    assert r.pvalue == 0 and r.statistic == math.inf, r
    r = stats.ttest_1samp([0.1] * 3, 0.1)
    assert 0 < r.pvalue < 1, r  # same residue: oneSampleTTest returns p = 1 here


def one_sample_fixtures():
    """scipy.stats.ttest_1samp (two-sided). Degenerate inputs (n < 2, constant samples) follow
    oneSampleTTest's convention, not scipy's nan, and are tested directly."""
    cases = {
        "tokens_mu42": (SAMPLES["tokens_per_s"], 42.0),
        "tokens_mu0": (SAMPLES["tokens_per_s"], 0.0),
        "n2": (SAMPLES["n2"], 0.0),
        "n3_mean_equals_mu": ([1.0, 2.0, 3.0], 2.0),
        "ties": (SAMPLES["ties"], 3.0),
        "negative_mean": (SAMPLES["negative_mean"], -3.0),
        "zero_mean": (SAMPLES["zero_mean"], 0.5),
        "latency": (LATENCY, 20.0),
        "large": (LARGE_A, 100.0),
        "large_far": (LARGE_A, 70.0),
    }
    out = []
    for name, (x, mu) in cases.items():
        r = stats.ttest_1samp(x, mu)
        out.append({"name": name, "x": x, "mu": mu, "t": f(r.statistic), "df": int(r.df), "p": f(r.pvalue)})
    return out


def paired_fixture(name, head, base, level=0.95):
    d = np.log(np.asarray(head, dtype=float) / np.asarray(base, dtype=float))
    n = len(d)
    m = float(np.mean(d))
    out = {"name": name, "head": head, "base": base, "level": level, "n": n, "ratio": f(math.exp(m)),
           "df": n - 1}
    if n < 2:
        # no variance estimate: pairedLogRatio's convention (interval null, se 0, p 1), not scipy's nan
        return {**out, "low": None, "high": None, "se": 0.0, "p": 1.0}
    se = float(stats.sem(d))
    low, high = stats.t.interval(level, n - 1, loc=m, scale=se)
    return {**out, "low": f(math.exp(low)), "high": f(math.exp(high)), "se": f(se),
            "p": f(stats.ttest_1samp(d, 0.0).pvalue)}


def paired_fixtures():
    prng = np.random.RandomState(20240611)
    base = SAMPLES["tokens_per_s"]
    # a 1.25x faster head with per-prompt noise, and one with no real difference
    head = fl(np.round(np.asarray(base) * 1.25 * np.exp(prng.normal(0, 0.03, len(base))), 4))
    same = fl(np.round(np.asarray(base) * np.exp(prng.normal(0, 0.05, len(base))), 4))
    lat_base = LATENCY[:30]
    lat_head = fl(np.round(np.asarray(lat_base) * 0.9 * np.exp(prng.normal(0, 0.1, 30)), 4))
    return [
        paired_fixture("speedup_1p25", head, base),
        paired_fixture("speedup_1p25_99", head, base, 0.99),
        paired_fixture("no_difference", same, base),
        paired_fixture("latency_0p9", lat_head, lat_base, 0.9),
        paired_fixture("n2", [12.0, 15.5], [10.0, 12.5]),
        paired_fixture("n1", [3.0], [2.0]),
    ]


def mwu_auto_method(a, b):
    """scipy 1.17 _mwu_choose_method, restated: both n > 8 -> asymptotic; else ties -> asymptotic; else exact."""
    if len(a) > 8 and len(b) > 8:
        return "asymptotic"
    if len(set(a) | set(b)) < len(a) + len(b):
        return "asymptotic"
    return "exact"


def mann_whitney_fixtures():
    auto_cases = {
        "exact_3v4": ([1.5, 3.2, 4.8], [2.1, 5.5, 6.0, 7.2]),
        "exact_scipy_doc_5v4": ([19.0, 22.0, 16.0, 29.0, 24.0], [20.0, 11.0, 17.0, 12.0]),
        "exact_1v5": ([3.5], [1.0, 2.0, 4.0, 5.0, 6.0]),
        "exact_2v2": ([1.0, 2.0], [3.0, 4.0]),
        "exact_8v8": ([0.5, 1.7, 2.2, 3.9, 4.1, 5.6, 6.3, 8.8], [1.1, 2.9, 3.3, 4.7, 7.0, 7.4, 9.1, 9.9]),
        "exact_separated_8v8": ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                                [11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0]),
        "exact_unequal_3v20": ([5.05, 9.95, 14.2], [float(v) for v in range(1, 21)]),
        "exact_unequal_20v4": ([float(v) + 0.5 for v in range(20)], [3.25, 7.75, 30.0, 31.0]),
        "exact_7v40": (fl(np.round(np.random.RandomState(7).normal(0.4, 1, 7), 9)),
                       fl(np.round(np.random.RandomState(8).normal(0, 1, 40), 9))),
        "asymptotic_9v9": ([0.3, 1.4, 2.5, 3.6, 4.7, 5.8, 6.9, 7.1, 8.2],
                           [1.0, 2.05, 3.1, 4.2, 5.3, 6.4, 7.5, 8.6, 9.7]),
        "ties_small": ([1.0, 2.0, 2.0, 3.0, 5.0], [2.0, 3.0, 3.0, 4.0, 6.0]),
        "ties_small_unequal": (SAMPLES["ties"], [2.0, 3.0, 3.0, 4.0, 5.0]),
        "identical": ([5.0, 5.0, 5.0], [5.0, 5.0, 5.0]),
        "large": (LARGE_A, LARGE_B),
        "large_ties": (LARGE_TIED_A, LARGE_TIED_B),
        "n2_vs_n3": (SAMPLES["n2"], SAMPLES["n3"]),
    }
    out = []
    for name, (a, b) in auto_cases.items():
        r = stats.mannwhitneyu(a, b, alternative="two-sided", method="auto")
        # Our restatement of scipy's 'auto' rule must agree with what scipy actually did.
        r2 = stats.mannwhitneyu(a, b, alternative="two-sided", method=mwu_auto_method(a, b))
        assert r.pvalue == r2.pvalue, (name, r.pvalue, r2.pvalue)
        out.append({"name": name, "a": a, "b": b, "requested": "auto", "method": mwu_auto_method(a, b),
                    "u": f(r.statistic), "p": f(r.pvalue)})
    forced = {
        "forced_asymptotic_3v4": (auto_cases["exact_3v4"], "asymptotic"),
        "forced_asymptotic_8v8": (auto_cases["exact_8v8"], "asymptotic"),
        "forced_exact_9v9": (auto_cases["asymptotic_9v9"], "exact"),
        "forced_exact_12v15": (([float(v) * 1.5 for v in range(12)], [float(v) * 1.1 + 0.05 for v in range(15)]), "exact"),
    }
    for name, ((a, b), method) in forced.items():
        r = stats.mannwhitneyu(a, b, alternative="two-sided", method=method)
        out.append({"name": name, "a": a, "b": b, "requested": method, "method": method,
                    "u": f(r.statistic), "p": f(r.pvalue)})
    # Without continuity correction (scipy use_continuity=False).
    for name in ("ties_small", "large"):
        a, b = auto_cases[name]
        r = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=False)
        out.append({"name": name + "_no_continuity", "a": a, "b": b, "requested": "asymptotic", "continuity": False,
                    "method": "asymptotic", "u": f(r.statistic), "p": f(r.pvalue)})
    return out


def holm_reference(ps):
    """Holm step-down: k-th smallest (0-based) times (m - k), running max, cap 1, back to input order."""
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    adjusted = [0.0] * m
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * ps[i]))
        adjusted[i] = running
    return adjusted


def holm_fixtures():
    cases = [
        [0.01, 0.04, 0.03, 0.005],
        [0.2, 0.001, 0.5, 0.04, 0.04, 0.3],
        [0.9, 0.8, 0.95],
        [0.03],
        [],
        [0.0, 1.0, 0.02, 0.5],
        [0.011, 0.012, 0.013, 0.014, 0.015, 0.3, 0.001, 0.049],
    ]
    out = []
    for ps in cases:
        adj = holm_reference(ps)
        # Cross-check the loop against the closed form max_{j<=k} min(1, (m-j) p_(j)).
        srt = sorted(ps)
        m = len(ps)
        closed = [min(1.0, max((m - j) * srt[j] for j in range(k + 1))) for k in range(m)]
        assert sorted(adj) == closed, (ps, adj, closed)
        out.append({"p": ps, "adjusted": adj})
    return out


# ---------------------------------------------------------------------------------------------
# Ratio of means


def ratio_fixture(name, a, b, level=0.95):
    na, nb = len(a), len(b)
    ma, mb = float(np.mean(a)), float(np.mean(b))
    sa, sb = float(np.std(a, ddof=1)), float(np.std(b, ddof=1))
    r = ma / mb
    va = sa ** 2 / (na * ma ** 2)  # delta method: Var(log mean) ~ s^2 / (n m^2)
    vb = sb ** 2 / (nb * mb ** 2)
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    tq = stats.t.ppf(0.5 + level / 2, df)
    rel_sigma = r * math.sqrt((sa / ma) ** 2 + (sb / mb) ** 2)
    welch = stats.ttest_ind(a, b, equal_var=False)
    return {"name": name, "a": a, "b": b, "level": level, "ratio": f(r), "low": f(r * math.exp(-tq * se)),
            "high": f(r * math.exp(tq * se)), "df": f(df), "relativeSigma": f(rel_sigma),
            "welchP": f(welch.pvalue),
            "mannWhitneyP": f(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)}


def ratio_fixtures():
    faster = [v * 1.3 for v in SAMPLES["tokens_per_s"]]
    return [
        ratio_fixture("tokens_1p3x", faster, SAMPLES["tokens_per_s"]),
        ratio_fixture("tokens_1p3x_90", faster, SAMPLES["tokens_per_s"], 0.9),
        ratio_fixture("latency_large", LARGE_B, LARGE_A),
        ratio_fixture("small_n2_n3", [10.0, 12.0], [9.0, 11.5, 10.2]),
        ratio_fixture("one_side_constant", [5.0, 5.0, 5.0], [4.0, 6.0, 7.0, 5.5]),
        ratio_fixture("noisy_overlap", LATENCY[:20], LATENCY[20:]),
    ]


def relative_error_fixtures():
    out = []
    for ma, sa, mb, sb in [(1.5, 0.1, 1.0, 0.05), (0.02, 0.001, 0.05, 0.004), (200.0, 0.0, 100.0, 3.0), (-2.0, 0.5, 4.0, 1.0)]:
        r = ma / mb
        out.append({"ma": ma, "sa": sa, "mb": mb, "sb": sb, "ratio": r,
                    "sigma": abs(r) * math.sqrt((sa / ma) ** 2 + (sb / mb) ** 2)})
    return out


# ---------------------------------------------------------------------------------------------
# Chi-square goodness of fit (src/stats/chisquare.ts)


def chi_square_fixtures():
    """scipy.stats.chisquare cases, chi2.sf over a grid reaching deep into both tails, and
    special.gammaincc (the regularized upper incomplete gamma behind chi2.sf) at non-integer a."""
    crng = np.random.RandomState(20251126)
    cases = {
        "die_fair": ([16, 18, 16, 14, 12, 12], [14.666666666666666] * 6, 0),
        "scipy_doc": ([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8], 0),
        "perfect_fit": ([10, 20, 30], [10.0, 20.0, 30.0], 0),
        "ddof_1": ([43, 52, 54, 40, 61, 50], [50.0] * 6, 1),
        "two_categories": ([7, 13], [10.0, 10.0], 0),
        "terrible_fit": ([1000, 0, 0, 0], [250.0] * 4, 0),
        "far_tail": ([400, 100, 100, 400], [250.0] * 4, 0),
    }
    # a many-category case like a pooled token distribution: multinomial draws from a
    # Dirichlet vector, tested against that vector (null true) and against a perturbed one
    probs = crng.dirichlet(np.full(150, 0.7))
    probs = probs[probs * 20000 >= 5]
    probs = probs / probs.sum()
    counts = crng.multinomial(20000, probs)
    cases["many_null"] = (fl(counts), fl(probs * 20000), 0)
    shifted = probs * np.linspace(0.9, 1.1, len(probs))
    cases["many_shifted"] = (fl(counts), fl(shifted / shifted.sum() * 20000), 0)
    out = []
    for name, (obs, exp, ddof) in cases.items():
        r = stats.chisquare(obs, exp, ddof=ddof)
        out.append({"name": name, "observed": [float(o) for o in obs], "expected": [float(e) for e in exp],
                    "ddof": ddof, "statistic": f(r.statistic), "df": len(obs) - 1 - ddof, "p": float(r.pvalue)})
    sf = []
    for df in [1, 2, 3, 4, 5, 7, 10, 17, 30, 50, 99, 100, 250, 1000, 4095, 10000]:
        xs = {1e-6, 1e-3, 0.1, 0.5, 1.0, 2.5, 10.0, 40.0, 200.0}
        xs |= {df * m for m in (0.01, 0.1, 0.5, 0.8, 0.95, 1.0, 1.05, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0)}
        for x in sorted(xs):
            v = float(stats.chi2.sf(x, df))
            if v > 1e-290:
                sf.append({"x": float(x), "df": df, "sf": v})
    gamma = []
    for a in [0.1, 0.5, 1.3, 2.75, 9.99, 10.0, 10.01, 33.3, 123.456, 2047.5]:
        for x in [1e-4, 0.05, 0.7, 1.0, 3.3, 9.5, 10.5, 31.0, 35.0, 100.0, 130.0, 2000.0, 2100.0]:
            v = float(special.gammaincc(a, x))
            if v > 1e-290:
                gamma.append({"a": a, "x": x, "q": v, "p": float(special.gammainc(a, x))})
    return {"tests": out, "sf": sf, "gammaincc": gamma}


# ---------------------------------------------------------------------------------------------
# Noncentral t, t-test power and minimum detectable effect (distributions.ts, power.ts)
#
# scipy.stats.nct (Boost: Poisson-weighted incomplete beta series) is the reference where it is
# accurate. When t and nc have opposite signs the series mixes signs and its smaller tail is
# cancellation noise (relative errors up to 1e+90, or nan; the absolute error stays <= 1e-15
# for df <= 1000), and for df >= 1e5 it is off by up to 3e-11 absolute (1e-10 relative). Those
# tails are compared against nct_tail() below instead, which scipy validates where scipy is
# accurate (asserted here), and which was checked once against 22-digit mpmath quadrature at 792
# points (df 1 .. 1e8, nc -10 .. 10, t -30 .. 50, tails down to 1e-268): <= 1e-13 relative.


def _quad_around_peak(logg):
    """(integral of exp(logg(u) - top) over the line, top): scipy.integrate.quad on 80 panels of
    the curvature width around the maximum `top` of logg, plus wide panels at both ends."""
    u0 = optimize.minimize_scalar(lambda u: -logg(u), bounds=(-60.0, 5.0), method="bounded",
                                  options={"xatol": 1e-12}).x
    top = logg(u0)
    h = 1e-4
    curvature = -(logg(u0 + h) - 2 * top + logg(u0 - h)) / h ** 2
    w = 1 / math.sqrt(curvature) if curvature > 0 else 1.0
    edges = [u0 + k * w for k in range(-40, 41)]
    pts = [edges[0] - 200.0] + edges + [edges[-1] + 10.0]
    total = 0.0
    for lo, hi in zip(pts[:-1], pts[1:]):
        total += integrate.quad(lambda u: math.exp(logg(u) - top), lo, hi, epsabs=0, epsrel=2e-14, limit=200)[0]
    return total, top


def nct_tail(t, df, nc, upper):
    """P(T' > t) (upper) or P(T' <= t) from the definition T' = (Z + nc)/S, S = sqrt(chi2_df/df):
    E[Phi(nc - t S)] or E[Phi(t S - nc)], a positive integrand, so neither tail cancels.
    Integrated over u = ln S; the chi density s^df e^(-df s^2/2) (in u) is normalised by its own
    integral, computed the same way, instead of a gammaln constant that would cost ~eps*df."""
    a = df / 2.0
    sign = 1.0 if upper else -1.0
    log_density = lambda u: -a * (math.expm1(2 * u) - 2 * u)  # ln(s^(2a) e^(-a s^2)) + a
    num, top_num = _quad_around_peak(lambda u: special.log_ndtr(sign * (nc - t * math.exp(u))) + log_density(u))
    den, top_den = _quad_around_peak(log_density)
    return num / den * math.exp(top_num - top_den)


def nct_fixtures():
    out = []
    grids = [([2, 3, 5, 10, 30, 100, 1000], [0.0, -0.5, 0.5, -2.0, 2.0, -5.0, 5.0, -10.0, 10.0],
              [-50.0, -12.0, -5.0, -2.5, -1.0, -0.2, 0.2, 1.0, 2.5, 5.0, 12.0, 50.0]),
             ([7.5, 1e4, 1e6, 1e8], [-5.0, -1.0, 1.0, 5.0], [-8.0, -3.0, -1.0, 1.0, 3.0, 8.0])]
    for dfs, ncs, ts in grids:
        for df in dfs:
            for nc in ncs:
                for t in ts:
                    cdf = float(stats.nct.cdf(t, df, nc))
                    sf = float(stats.nct.sf(t, df, nc))
                    tail = "cdf" if t <= nc else "sf"  # the side whose integrand is < 1/2 at S = 1
                    ref = f(nct_tail(t, df, nc, tail == "sf"))
                    scipy_tail = cdf if tail == "cdf" else sf
                    # scipy counts as accurate here when within 2e-13 of the quadrature (the
                    # opposite-sign tails it gets right only by luck are off by up to ~1e-12)
                    ok = abs(scipy_tail - ref) <= 2e-13 * ref  # nan compares False
                    if t * nc >= 0 and df <= 1000:
                        # same signs: scipy's series has no cancellation, so it must agree with
                        # the quadrature; this is what validates nct_tail
                        assert ok, (t, df, nc, scipy_tail, ref)
                    entry = {"t": t, "df": df, "nc": nc, "cdf": None if math.isnan(cdf) else cdf,
                             "sf": None if math.isnan(sf) else sf, "tail": tail, "tailRef": ref,
                             "scipyTailOk": bool(ok)}
                    out.append(entry)
    return out


def power_reference(nc, df, alpha):
    """Two-sided t-test power P(T' > tc) + P(T' < -tc), tc = t.ppf(1 - alpha/2, df), from
    nct_tail, and the same from scipy.stats.nct (whose second term is the cancelling tail)."""
    if df == math.inf:
        z = float(special.ndtri(1 - alpha / 2))
        p = float(special.ndtr(nc - z) + special.ndtr(-z - nc))
        return p, p
    tc = float(stats.t.ppf(1 - alpha / 2, df))
    quad = nct_tail(tc, df, nc, True) + nct_tail(-tc, df, nc, False)
    # P(T' < -tc) as sf(tc, -nc) (symmetry): scipy's nct.cdf(-tc) is nan at e.g. df 1, nc 8
    sp = float(stats.nct.sf(tc, df, nc) + stats.nct.sf(tc, df, -nc))
    return quad, sp


def power_fixtures():
    cases = [(1.0, 0.5, 9, 0.05), (0.5, 0.5, 9, 0.05), (-1.0, 0.5, 9, 0.05), (0.3, 0.1, 29, 0.05),
             (2.0, 1.0, 4, 0.05), (0.05, 0.02, 99.5, 0.01), (0.8, 0.2, 1, 0.05), (3.0, 1.0, 2, 0.1),
             (0.02, 0.01, 13.7, 0.05), (5.0, 0.4, 18, 0.05), (0.1, 0.04, 1e4, 0.05), (0.1, 0.04, 1e6, 0.05),
             (0.0, 1.0, 10, 0.05), (0.25, 0.1, math.inf, 0.05)]
    out = []
    for effect, se, df, alpha in cases:
        quad, sp = power_reference(abs(effect) / se, df, alpha)
        # scipy's absolute error is <= 1e-15 up to df 1000 and ~1e-11 beyond (see above)
        assert abs(quad - sp) <= (1e-14 if df <= 1000 else 1e-10), (effect, se, df, quad, sp)
        out.append({"effect": effect, "se": se, "df": "Infinity" if df == math.inf else df, "alpha": alpha,
                    "power": f(quad), "scipyPower": f(sp)})
    return out


def mde_fixtures():
    """Smallest effect with power >= target: brentq on the noncentrality (power is increasing in
    it), once with scipy.stats.nct and once with nct_tail; the two roots must agree."""
    cases = [(0.5, 9, 0.05, 0.8), (0.1, 29, 0.05, 0.8), (1.0, 4, 0.05, 0.9), (0.02, 99.5, 0.01, 0.8),
             (0.2, 1, 0.05, 0.8), (1.0, 2, 0.1, 0.5), (1.0, 19, 0.05, 0.2), (0.04, 1e4, 0.05, 0.8),
             (0.04, 1e6, 0.05, 0.95), (0.3, math.inf, 0.05, 0.8)]
    out = []
    for se, df, alpha, target in cases:
        roots = []
        for which in (0, 1):
            g = lambda nc: power_reference(nc, df, alpha)[which] - target
            hi = 1.0
            while g(hi) < 0:
                hi *= 2
            roots.append(optimize.brentq(g, 0.0, hi, xtol=1e-15, rtol=1e-15, maxiter=200))
        assert abs(roots[0] - roots[1]) <= (1e-12 if df <= 1000 else 1e-8) * roots[0], (se, df, roots)
        out.append({"se": se, "df": "Infinity" if df == math.inf else df, "alpha": alpha, "power": target,
                    "effect": f(roots[0] * se), "scipyEffect": f(roots[1] * se)})
    return out


# ---------------------------------------------------------------------------------------------
# Extreme magnitudes (mpmath at 50 digits): scipy itself overflows here (ttest_ind's
# Welch-Satterthwaite df is nan from values ~1e77), so these references come from the definitions
# evaluated in multiple precision, never from the double-precision formulas under test.

mp.mp.dps = 50


def mp_t_sf(t, df):
    """P(T > t) = I_x(df/2, 1/2) / 2, x = df / (df + t^2), t >= 0, exact arithmetic on x."""
    t, df = mp.mpf(t), mp.mpf(df)
    return mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2


def mp_t_isf(q, df):
    """t with P(T > t) = q, by bisection on ln t (the tail is a power law in t for small df)."""
    q = mp.mpf(q)
    lo, hi = mp.mpf(-50), mp.mpf(2000)
    for _ in range(200):
        mid = (lo + hi) / 2
        if mp_t_sf(mp.exp(mid), df) > q:
            lo = mid
        else:
            hi = mid
    return mp.exp((lo + hi) / 2)


def mp_float(x):
    """mpf -> float, "Infinity" beyond the double range (json has no Infinity)."""
    return "Infinity" if abs(x) > mp.mpf(sys.float_info.max) else f(float(x))


def mp_welch(a, b):
    a = [mp.mpf(v) for v in a]
    b = [mp.mpf(v) for v in b]
    na, nb = len(a), len(b)
    ma, mb = mp.fsum(a) / na, mp.fsum(b) / nb
    va = mp.fsum((v - ma) ** 2 for v in a) / (na - 1)
    vb = mp.fsum((v - mb) ** 2 for v in b) / (nb - 1)
    ga, gb = va / na, vb / nb
    t = (ma - mb) / mp.sqrt(ga + gb)
    df = (ga + gb) ** 2 / (ga ** 2 / (na - 1) + gb ** 2 / (nb - 1))
    return {"t": f(float(t)), "df": f(float(df)), "p": f(float(2 * mp_t_sf(abs(t), df)))}


def extreme_fixtures():
    erng = np.random.RandomState(20261205)
    welch = []
    base_cases = [([1.0, 2.0], [1.0, 3.0]), ([1.0, 2.0, 4.0], [1.0, 3.0])]
    base_cases += [(fl(erng.normal(1.0, 0.3, 4)), fl(erng.normal(1.2, 0.5, 5))) for _ in range(3)]
    for scale in [1e-300, 1e-200, 1e-160, 1e-90, 1e80, 1e160, 1e300]:
        for a, b in base_cases:
            a2, b2 = [v * scale for v in a], [v * scale for v in b]
            welch.append({"a": a2, "b": b2, **mp_welch(a2, b2)})
    t_sf = []
    for df in [0.005, 0.1, 0.5, 1, 1.5, 1.9, 3, 10]:
        for t in [1e10, 1e100, 1e154, 1e162, 1e200, 1e300, 1e308]:
            v = mp_t_sf(t, df)
            if v > mp.mpf("1e-300"):
                t_sf.append({"t": t, "df": df, "sf": f(float(v))})
    t_isf = []
    for df in [0.005, 0.1, 0.5, 1.5, 1.9, 3]:
        for q in [1e-300, 1e-100, 1e-20, 1e-6, 0.025]:
            t_isf.append({"q": q, "df": df, "t": mp_float(mp_t_isf(q, df))})
    levels = []
    for level in [0.999999, 0.99999999, 1 - 1e-12]:
        for name in ("n3", "tokens_per_s"):
            x = [mp.mpf(v) for v in SAMPLES[name]]
            n = len(x)
            m = mp.fsum(x) / n
            sem = mp.sqrt(mp.fsum((v - m) ** 2 for v in x) / (n - 1) / n)
            tq = mp_t_isf((1 - mp.mpf(level)) / 2, n - 1)  # 1 - level exactly, as a double holds it
            levels.append({"name": name, "values": SAMPLES[name], "level": level, "halfWidth": f(float(tq * sem))})
    return {"welch": welch, "tSf": t_sf, "tQuantileUpper": t_isf, "tInterval": levels,
            "decisionPower": decision_power_fixtures(), "tinyDfPower": tiny_df_power_fixtures()}


def mp_ncdf(x):
    """mp.ncdf, 0 below -1e6 (exp(-5e11), and mpmath's erfc raises OverflowError near 1e259)"""
    return mp.mpf(0) if x < -1e6 else mp.ncdf(x)


def mp_chi_scale_pdf(s, df):
    """density of S = sqrt(chi2_df / df)"""
    a = mp.mpf(df) / 2
    return 2 * a ** a * s ** (2 * a - 1) * mp.exp(-a * s * s) / mp.gamma(a)


def decision_power_fixtures():
    """The gate's rule (decision-power.ts): a regression is shown when the one-sided t test of
    H0: delta <= thr rejects, (d - thr) / se_hat > t_{1-alpha}(df), with d ~ N(delta, se) and
    se_hat = se S: P = E_S[Phi((delta - thr - tc se S) / se)], by mpmath quadrature over s with
    the step of Phi (1/tc wide, around s = lambda / tc) as break points."""
    out = []
    se = 0.01
    for df in [1, 2, 4.5, 30]:
        for alpha in [0.05, 0.05 / 80]:
            tc = mp_t_isf(mp.mpf(alpha), df)
            for pct in [0, 2]:
                thr = -mp.log1p(-mp.mpf(pct) / 100)  # direction 'higher'
                for delta in [0.005, 0.02, 0.05, 0.1, 0.3]:
                    lam = (mp.mpf(delta) - thr) / se
                    h = lambda s: mp_ncdf((delta - thr - tc * se * s) / se) * mp_chi_scale_pdf(s, df)
                    pts = sorted({mp.mpf(0), *[max(mp.mpf(0), (lam + j) / tc) for j in (-8, -2, 0, 2, 8)],
                                  mp.mpf(1), mp.mpf(3)})
                    val = mp.quad(h, pts + [mp.inf])
                    out.append({"delta": delta, "se": se, "df": df, "alpha": alpha, "maxRegressionPct": pct,
                                "power": f(float(val))})
    return out


def tiny_df_power_fixtures():
    """Two-sided t-test power at df far below 1, where t_{1-alpha/2} is ~1e10 .. 1e259. nc = 1: by
    quadrature over ln S of E[Phi(nc - tc S) + Phi(-nc - tc S)]; large nc (the MDE's), by the
    same expectation taken over Z: P(Z + nc > tc S) = E_Z[P(S < (Z + nc)/tc)] (regularized
    incomplete gamma), since the step of Phi in S is narrower than the 50 digits resolve."""
    out = []
    for df in [0.005, 0.02, 0.1, 0.5]:
        a = mp.mpf(df) / 2
        tc = mp_t_isf(mp.mpf("0.025"), df)
        lnc = mp.log(tc)
        dens = lambda u: 2 * a ** a * mp.exp(2 * a * u - a * mp.exp(2 * u)) / mp.gamma(a)
        g = lambda u: (mp_ncdf(1 - tc * mp.exp(u)) + mp_ncdf(-1 - tc * mp.exp(u))) * dens(u)
        pts = [-lnc - mp.mpf(60) / a, -lnc - 5, -lnc, -lnc + 2, -lnc + 5, 0, 10]
        val = mp.quad(g, sorted(pts))
        out.append({"effect": 1.0, "se": 1.0, "df": df, "alpha": 0.05, "power": f(float(val))})
        for frac in [0.3, 1.0, 2.0]:
            nc = frac * tc
            sc = lambda z: mp.gammainc(a, 0, a * ((z + nc) / tc) ** 2, regularized=True) * mp.npdf(z)
            upper = mp.quad(sc, [-40, 0, 40])
            out.append({"effect": float(nc), "se": 1.0, "df": df, "alpha": 0.05, "power": f(float(upper))})
    return out


def main():
    # scipy warns about "catastrophic cancellation" for the constant groups we include on purpose.
    warnings.filterwarnings("ignore", message="Precision loss occurred")
    # quad cannot always certify 2e-14 on the flat end panels of nct_tail; accuracy checked above
    warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)
    data = {
        "meta": {
            "generator": "scripts/stats-fixtures.py",
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "mpmath": mp.__version__,
        },
        "distributions": distribution_fixtures(),
        "summary": summary_fixtures(),
        "tInterval": t_interval_fixtures(),
        "welch": welch_fixtures(),
        "oneSample": one_sample_fixtures(),
        "paired": paired_fixtures(),
        "mannWhitney": mann_whitney_fixtures(),
        "holm": holm_fixtures(),
        "ratio": ratio_fixtures(),
        "relativeError": relative_error_fixtures(),
        "chiSquare": chi_square_fixtures(),
        "noncentralT": nct_fixtures(),
        "power": power_fixtures(),
        "minimumDetectableEffect": mde_fixtures(),
        "extreme": extreme_fixtures(),
    }
    welch_degenerate_check()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(data, fh, indent=1, allow_nan=False)
        fh.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
