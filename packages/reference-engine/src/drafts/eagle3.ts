// EAGLE-3 (Li et al. 2025): low, middle and high target layers fused 3H -> H at the extend pass,
// one decoder layer, reduced draft vocabulary; trained with training-time test (the draft is
// unrolled on its own outputs for several steps) and cross-entropy only, no feature loss.
import type { DraftArchitecture } from '../model/draft-config.ts';

export const eagle3: DraftArchitecture = {
  method: 'eagle3', summary: 'EAGLE-3: fused low/middle/high target features, one decoder layer; training-time test (multi-step unrolling), cross-entropy only',
  modules: 1, layersPerModule: 1, features: 'eagle3', stepMap: [0],
  objective: { depth: 4, depthDecay: 0.8, ceWeight: 1, featureWeight: 0 },
};
