// Deterministic PRNG for resampling. Reports must be reproducible from their inputs, so nothing
// in the stats module touches Math.random; callers pass a seed and get the same numbers back.

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: 32-bit state, period 2^32, passes PractRand to 2^32 outputs - plenty for a few
 * thousand bootstrap resamples, and trivially portable (same stream in any JS runtime).
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n) from an Rng. */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * A standard normal draw by Box-Muller: sqrt(-2 ln(1 - u1)) cos(2 pi u2), u1 drawn before u2 (one
 * of the pair; simplicity over speed). 1 - u1 lies in (0, 1], so the log is finite. The power
 * model and the gate benches draw through this, so their streams stay the same for a seed.
 */
export function standardNormal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
