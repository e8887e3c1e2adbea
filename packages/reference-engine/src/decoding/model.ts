// What the decoding loop needs from a target model: a forward pass over k tokens against a
// KV cache, with explicit positions and attention mask, and cache truncation (rollback).

export interface KvSession {
  /** tokens currently held in the KV cache */
  readonly length: number;
  /** runs the model on `tokens` after the cache; returns logits [tokens.length, vocab] row-major and appends their keys/values */
  forward(tokens: number[], positions: number[], mask: Float32Array): Promise<Float32Array>;
  /**
   * Hidden states of the last forward's fed tokens after the given layers ([fed, hidden] each),
   * for drafts that read target features; only layers the model was built to expose.
   */
  features?(layers: readonly number[]): Float32Array[];
  /** drops cached entries beyond `length` (rejected drafts) */
  truncate(length: number): void;
  /**
   * keeps only the listed fed-token indices of the last forward (accepted tree path),
   * compacting them into consecutive cache slots
   */
  keepFed(indices: number[]): void;
  release(): void;
}

export interface TargetModel {
  readonly vocab: number;
  /** width of the hidden states features() returns */
  readonly hidden?: number;
  readonly maxContext: number;
  newSession(): KvSession;
}
