// Parameter counts of a learned draft: total (every module, plus the frozen head rows it reads)
// and activated per draft step (one module and the head: what one step reads).
import type { DecoderConfig } from './config.ts';
import type { DraftArchitecture } from './draft-config.ts';

export interface DraftParameterCounts {
  /** trainable parameters in the weight file */
  trainable: number;
  /** trainable plus the frozen target-head rows of the draft vocabulary */
  total: number;
  /** what one later draft step reads: one module (fc, layers, norm) and the head rows */
  activatedPerStep: number;
  /** the extend pass over accepted tokens additionally runs fc3 where the features are EAGLE-3's */
  activatedExtendStep: number;
  headRows: number;
}

export function draftParameterCounts(cfg: DecoderConfig, a: DraftArchitecture, draftVocab: number): DraftParameterCounts {
  const D = cfg.hidden;
  const layer = 4 * D * D + 3 * D * cfg.ffn + 2 * D;
  const fc3 = a.features === 'eagle3' ? 3 * D * D : 0;
  const module = fc3 + 2 * D * D + a.layersPerModule * layer + D;
  const head = draftVocab * D;
  const perStep = module - fc3 + head;
  return { trainable: a.modules * module, total: a.modules * module + head, activatedPerStep: perStep, activatedExtendStep: perStep + fc3, headRows: draftVocab };
}
