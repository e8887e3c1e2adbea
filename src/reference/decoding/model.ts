// What the decoding loop needs from a target model: a forward pass over k tokens against a
// KV cache, with explicit positions and attention mask, and cache truncation (rollback).

export interface KvSession {
  /** tokens currently held in the KV cache */
  readonly length: number;
  /** runs the model on `tokens` after the cache; returns logits [tokens.length, vocab] row-major and appends their keys/values */
  forward(tokens: number[], positions: number[], mask: Float32Array): Promise<Float32Array>;
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
  readonly maxContext: number;
  newSession(): KvSession;
}
