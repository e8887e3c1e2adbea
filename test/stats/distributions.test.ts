import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  erf,
  erfc,
  logBeta,
  logGamma,
  noncentralTCdf,
  noncentralTSf,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  regularizedIncompleteBeta,
  tCdf,
  tPdf,
  tQuantile,
  tSf,
} from '../../src/stats/distributions.ts';
import { close, closeRel, fx } from './helpers.ts';
import { regularizedGammaP } from '../../src/stats/chisquare.ts';

// The brief asks for agreement with scipy to 1e-9 or better; we hold the line well below that.
const TOL = 1e-11;

describe('normal distribution', () => {
  it('normalCdf matches scipy ndtr (relative, including deep tails)', () => {
    for (const { x, cdf } of fx.distributions.normal_cdf) closeRel(normalCdf(x), cdf, TOL, `normalCdf(${x})`);
  });
  it('normalSf is the mirrored CDF', () => {
    for (const { x, cdf } of fx.distributions.normal_cdf) closeRel(normalSf(-x), cdf, TOL, `normalSf(${-x})`);
  });
  it('normalQuantile matches scipy ndtri', () => {
    for (const { p, x } of fx.distributions.normal_quantile) closeRel(normalQuantile(p), x, TOL, `normalQuantile(${p})`);
    assert.equal(normalQuantile(0.5), 0);
    assert.equal(normalQuantile(0), -Infinity);
    assert.equal(normalQuantile(1), Infinity);
  });
  it('erf/erfc known values and symmetry', () => {
    closeRel(erfc(1), 0.15729920705028513, 1e-15, 'erfc(1)');
    closeRel(erf(0.5), 0.5204998778130465, 1e-15, 'erf(0.5)');
    closeRel(erfc(5), 1.5374597944280349e-12, 1e-14, 'erfc(5)');
    closeRel(erfc(-1), 2 - 0.15729920705028513, 1e-15, 'erfc(-1)');
    assert.equal(erfc(0), 1);
    assert.equal(erf(0), 0);
    assert.equal(erf(-0.3), -erf(0.3));
  });
  it('normalPdf', () => {
    closeRel(normalPdf(0), 0.3989422804014327, 1e-15, 'pdf(0)');
    closeRel(normalPdf(3), 0.0044318484119380075, 1e-14, 'pdf(3)');
  });
  it('rejects NaN', () => {
    assert.throws(() => normalCdf(Number.NaN), RangeError);
  });
});

describe('Student t distribution', () => {
  it('tCdf matches scipy.stats.t.cdf, fractional df and tails included', () => {
    for (const { t, df, cdf } of fx.distributions.t_cdf) closeRel(tCdf(t, df), cdf, TOL, `tCdf(${t}, ${df})`);
  });
  it('tSf(t) = tCdf(-t)', () => {
    for (const { t, df, cdf } of fx.distributions.t_cdf) closeRel(tSf(-t, df), cdf, TOL, `tSf(${-t}, ${df})`);
  });
  it('tQuantile matches scipy.stats.t.ppf', () => {
    for (const { p, df, t } of fx.distributions.t_quantile) closeRel(tQuantile(p, df), t, TOL, `tQuantile(${p}, ${df})`);
  });
  it('quantile inverts cdf', () => {
    for (const df of [1.5, 6, 40]) {
      for (const p of [0.01, 0.2, 0.8, 0.999]) closeRel(tCdf(tQuantile(p, df), df), p, 1e-13, `roundtrip ${p} ${df}`);
    }
  });
  it('df = Infinity is the normal distribution', () => {
    assert.equal(tCdf(1.3, Infinity), normalCdf(1.3));
    assert.equal(tQuantile(0.975, Infinity), normalQuantile(0.975));
  });
  it('tPdf integrates to the cdf difference (Simpson)', () => {
    const df = 3.7;
    const h = 0.001;
    let s = 0;
    for (let i = 0; i <= 2000; i++) {
      const w = i === 0 || i === 2000 ? 1 : i % 2 ? 4 : 2;
      s += w * tPdf(-1 + i * h, df);
    }
    closeRel((s * h) / 3, tCdf(1, df) - tCdf(-1, df), 1e-10, 'integral');
  });
  it('rejects bad df', () => {
    assert.throws(() => tCdf(1, 0), RangeError);
    assert.throws(() => tQuantile(0.5, -1), RangeError);
  });
});

describe('Student t at large df (x = df/(df+t^2) within rounding of 1)', () => {
  // Before the large-df expansion these were off by ~eps*df/t^2 relative (0.7% at df = 1e15).
  const LARGE = fx.distributions.t_large_df_cdf;
  it('has fixtures up to df = 1e300', () => {
    assert.ok(LARGE.length >= 150 && LARGE.some((e) => e.df === 1e15) && LARGE.some((e) => e.df === 1e300));
  });
  it('tCdf and tSf match scipy to 1e-12 relative in both tails', () => {
    for (const { t, df, cdf, sf } of LARGE) {
      closeRel(tCdf(t, df), cdf, 1e-12, `tCdf(${t}, ${df})`);
      closeRel(tSf(t, df), sf, 1e-12, `tSf(${t}, ${df})`);
    }
  });
  it('tQuantile matches scipy.stats.t.ppf to 1e-12 relative', () => {
    for (const { p, df, t } of fx.distributions.t_large_df_quantile) closeRel(tQuantile(p, df), t, 1e-12, `tQuantile(${p}, ${df})`);
  });
  it('is monotone, stays in (0, 1/2] for t >= 0, and tends to the normal', () => {
    for (const df of [1000, 1e6, 1e12, 1e20, 1e30, 1e300, Number.MAX_VALUE]) {
      let prev = 0.5;
      for (const t of [1e-300, 1e-20, 1e-8, 0.3, 0.49, 0.5, 0.51, 1, 1.7, 1.75, 3, 10, 37, 1e3, 1e150, 1e300]) {
        const s = tSf(t, df);
        assert.ok(s <= prev && s >= 0, `tSf(${t}, ${df}) = ${s} after ${prev}`);
        prev = s;
      }
    }
    assert.equal(tCdf(2, 1e30), normalCdf(2));
    assert.equal(tQuantile(0.025, 1e30), normalQuantile(0.025));
    // the tails differ by ~(t^3 + t) phi(t) / (4 df Q(t)) relative: 1.7e-13 at t = 5, df = 1e15
    closeRel(tSf(5, 1e15), normalSf(5) * (1 + 1.69e-13), 1e-14, 'df 1e15 vs normal');
    closeRel(tSf(5, 1e20), normalSf(5), 1e-14, 'df 1e20 vs normal');
  });
});

describe('noncentral t vs scipy.stats.nct', () => {
  const NCT = fx.noncentralT;
  const tailOf = (e: (typeof NCT)[number]): number => (e.tail === 'cdf' ? noncentralTCdf : noncentralTSf)(e.t, e.df, e.nc);
  it('has fixtures: df 2 .. 1e8, nc -10 .. 10, both signs of t', () => {
    assert.ok(NCT.length > 800);
    assert.ok(NCT.filter((e) => e.scipyTailOk).length > 550);
  });
  it('cdf and sf match scipy to 1e-12 relative wherever scipy is accurate', () => {
    for (const e of NCT) {
      if (!e.scipyTailOk || e.cdf === null || e.sf === null) continue;
      closeRel(noncentralTCdf(e.t, e.df, e.nc), e.cdf, 1e-12, `cdf(${e.t}; ${e.df}, ${e.nc})`);
      closeRel(noncentralTSf(e.t, e.df, e.nc), e.sf, 1e-12, `sf(${e.t}; ${e.df}, ${e.nc})`);
    }
  });
  it('the smaller tail matches the quadrature of the definition to 1e-12 relative everywhere', () => {
    // This includes t and nc of opposite signs, where scipy's series cancels (its tail is off
    // by up to 1e+90 relative there, or nan) and df >= 1e5, where it is off by ~1e-10.
    for (const e of NCT) closeRel(tailOf(e), e.tailRef, 1e-12, `${e.tail}(${e.t}; ${e.df}, ${e.nc})`);
  });
  it('where scipy is not relatively accurate it still agrees absolutely (1e-14 up to df 1000)', () => {
    for (const e of NCT) {
      if (e.scipyTailOk || e.cdf === null || e.sf === null) continue;
      const tol = e.df <= 1000 ? 1e-14 : 1e-10;
      close(noncentralTCdf(e.t, e.df, e.nc), e.cdf, tol, `cdf(${e.t}; ${e.df}, ${e.nc})`);
      close(noncentralTSf(e.t, e.df, e.nc), e.sf, tol, `sf(${e.t}; ${e.df}, ${e.nc})`);
    }
  });
  it('special cases: nc = 0 is Student t, t = 0 is Phi(-nc), df = Infinity is N(nc, 1), infinite t', () => {
    assert.equal(noncentralTCdf(1.3, 7, 0), tCdf(1.3, 7));
    assert.equal(noncentralTCdf(0, 7, 2), normalCdf(-2));
    assert.equal(noncentralTSf(0, 7, 2), normalCdf(2));
    assert.equal(noncentralTCdf(1, Infinity, 3), normalCdf(-2));
    assert.equal(noncentralTCdf(Infinity, 3, 1), 1);
    assert.equal(noncentralTSf(-Infinity, 3, 1), 1);
    for (const [t, df, nc] of [[2, 5, 1], [-3, 12.5, 2], [40, 3, 35], [0.3, 1e6, -0.2]] as const) {
      close(noncentralTCdf(t, df, nc) + noncentralTSf(t, df, nc), 1, 1e-15, 'cdf + sf');
      // reflection: P(T'(nc) <= t) = P(T'(-nc) >= -t)
      closeRel(noncentralTCdf(t, df, nc), noncentralTSf(-t, df, -nc), 1e-15, 'reflection');
    }
  });
  it('rejects bad arguments', () => {
    assert.throws(() => noncentralTCdf(Number.NaN, 3, 1), RangeError);
    assert.throws(() => noncentralTCdf(1, 0, 1), RangeError);
    assert.throws(() => noncentralTSf(1, 3, Infinity), RangeError);
  });
});

describe('special functions', () => {
  it('logGamma', () => {
    closeRel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, 'lgamma(0.5)');
    closeRel(logGamma(10), Math.log(362880), 1e-15, 'lgamma(10)');
    closeRel(logGamma(171), 706.5730622457874, 1e-15, 'lgamma(171)');
  });
  it('logBeta (large arguments use the cancellation-free form)', () => {
    closeRel(logBeta(2, 3), Math.log(1 / 12), 1e-14, 'lbeta(2,3)');
    closeRel(logBeta(5000, 0.5), logGamma(5000) + logGamma(0.5) - logGamma(5000.5), 1e-12, 'lbeta(5000,.5)');
  });
  it('regularizedIncompleteBeta', () => {
    closeRel(regularizedIncompleteBeta(0.3, 2, 3), 0.3483, 1e-13, 'I(0.3;2,3)');
    assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
    assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
  });
});

describe('Student t at extreme t and small df (mpmath references)', () => {
  it('tSf beyond t = 1e154, where df/t^2 underflows, matches mpmath to 1e-12 relative', () => {
    closeRel(tSf(1e162, 1), 1 / (Math.PI * 1e162), 1e-13, 'tSf(1e162, 1)'); // Cauchy: 3.2e-163, was 0
    for (const { t, df, sf } of fx.extreme.tSf) {
      closeRel(tSf(t, df), sf, 1e-12, `tSf(${t}, ${df})`);
      closeRel(tCdf(-t, df), sf, 1e-12, `tCdf(${-t}, ${df})`);
    }
  });
  it('tQuantile at tiny p for df < 2 matches mpmath; beyond the double range it is Infinity', () => {
    for (const { q, df, t } of fx.extreme.tQuantileUpper) {
      if (t === 'Infinity') {
        assert.equal(tQuantile(q, df), -Infinity, `tQuantile(${q}, ${df})`);
        continue;
      }
      // the quantile's relative error is the tail's divided by df (the tail is ~ t^-df)
      closeRel(-tQuantile(q, df), t, 1e-12 * Math.max(1, 1 / df), `tQuantile(${q}, ${df})`);
    }
  });
});

describe('noncentral t at huge t (the critical values of small df)', () => {
  // P(T' > t) for nc = f t, t >= 1e10, is P(S < f) = P(df/2, df f^2 / 2) up to O(1/nc^2):
  // integrating over S lost up to 0.9 of it (df 0.05 at t ~ 1e119; df 2 at t ~ 1e25)
  it('tends to the chi-scale cdf at nc = f t', () => {
    for (const df of [0.05, 0.2, 0.5, 1, 2, 5]) {
      for (const alpha of [1e-12, 1e-50]) {
        const t = -tQuantile(alpha / 2, df);
        if (!Number.isFinite(t) || t < 1e10) continue;
        for (const f of [0.1, 0.5, 1, 1.5, 3]) {
          const expected = regularizedGammaP(df / 2, (df / 2) * f * f);
          close(noncentralTSf(t, df, f * t) + noncentralTCdf(-t, df, f * t), expected, 1e-14, `df ${df} t ${t} f ${f}`);
          close(noncentralTCdf(t, df, f * t), 1 - expected, 1e-14, `cdf df ${df} t ${t} f ${f}`);
        }
      }
    }
  });
});

describe('special functions at the ends of the range', () => {
  it('logBeta(Infinity, b) = -Infinity; no overflow of a + b', () => {
    assert.equal(logBeta(Infinity, 1), -Infinity);
    assert.equal(logBeta(2.5, Infinity), -Infinity);
    assert.equal(logBeta(Infinity, Infinity), -Infinity);
    // ln B(p, p) = -2p ln 2 + ln sqrt(pi / p) + O(1/p): finite though 2p overflows
    closeRel(logBeta(1e308, 1e308), -2 * (1e308 * Math.LN2), 1e-15, 'lbeta(1e308, 1e308)');
    closeRel(logBeta(1, 1e308), -Math.log(1e308), 1e-15, 'lbeta(1, 1e308)');
    assert.throws(() => logBeta(Number.NaN, 1), RangeError);
  });
});
