// The one check that a parsed JSON or YAML value is a plain mapping (not null, not a list), for
// the few readers that walk documents no schema describes.

/** A mapping of keys to values: what JSON.parse or a YAML parser returns for an object. */
export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as a list of numbers, or null when it is not one. */
export function numberList(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? v.filter((x) => typeof x === 'number') : null;
}
