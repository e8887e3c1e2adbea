// simple-statistics' functions over readonly samples. Its declarations take mutable arrays
// (number[]) though these functions only read them; the one cast per function is that seam.
import * as ss from 'simple-statistics';

export const mean = (xs: readonly number[]): number => ss.mean(xs as number[]); // why: read, never changed
export const median = (xs: readonly number[]): number => ss.median(xs as number[]); // why: read, never changed
export const min = (xs: readonly number[]): number => ss.min(xs as number[]); // why: read, never changed
export const max = (xs: readonly number[]): number => ss.max(xs as number[]); // why: read, never changed
export const sampleStandardDeviation = (xs: readonly number[]): number => ss.sampleStandardDeviation(xs as number[]); // why: read, never changed
