// A trained draft's files on disk: manifest.json naming its method and its weights file with
// the weights' sha256. Every learned draft's files are checked here before anything is built,
// so a wrong or swapped file stops the launch with the file and field to fix.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256FileCached } from '../model/file-digest.ts';
import { ReferenceEngineError } from '../errors.ts';

/** A mistake in the draft's files or options, reported with the file and field (exit 2 before launch). */
export class DraftConfigError extends ReferenceEngineError {}

export interface DraftFiles<M> {
  manifest: M;
  manifestPath: string;
  weightsPath: string;
}

/** Reads <dir>/manifest.json, checks its method and that its weights file matches the recorded sha256. */
export function readDraftFiles<M extends { method: string; weights: { file: string; sha256: string } }>(dir: string, method: string): DraftFiles<M> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new DraftConfigError(`${manifestPath}: missing; the ${method} draft's weights are not installed (run prism-bench train drafts ${method}, or restore models/drafts from git)`);
  let m: M;
  try { m = JSON.parse(readFileSync(manifestPath, 'utf8')) as M; } catch (e) { throw new DraftConfigError(`${manifestPath}: not valid JSON (${(e as Error).message})`); }
  if (m.method !== method) throw new DraftConfigError(`${manifestPath}: field method is '${m.method}', expected '${method}'; point the draft at the ${method} weights`);
  const weightsPath = join(dir, m.weights?.file ?? 'model.safetensors');
  if (!existsSync(weightsPath)) throw new DraftConfigError(`${weightsPath}: missing (named by ${manifestPath} field weights.file); restore it or retrain`);
  const digest = sha256FileCached(weightsPath);
  if (digest !== m.weights.sha256) {
    throw new DraftConfigError(`${weightsPath}: does not match ${manifestPath} field weights.sha256 (${String(m.weights.sha256).slice(0, 12)}..., file ${digest.slice(0, 12)}...); restore the pair from git or retrain`);
  }
  return { manifest: m, manifestPath, weightsPath };
}

/** Checks a reduced draft vocabulary against its declared size and the target's vocabulary. */
export function checkDraftVocabulary(manifestPath: string, vocabulary: unknown, size: number, targetVocab?: number): void {
  if (!Array.isArray(vocabulary) || vocabulary.length !== size) throw new DraftConfigError(`${manifestPath}: field draftVocabulary has ${(vocabulary as unknown[])?.length} entries, config.draftVocabularySize says ${size}`);
  if (targetVocab !== undefined && vocabulary.some((t) => !Number.isInteger(t) || t < 0 || t >= targetVocab)) throw new DraftConfigError(`${manifestPath}: field draftVocabulary holds ids outside the target's vocabulary 0..${targetVocab - 1}; retrain against this target`);
}
