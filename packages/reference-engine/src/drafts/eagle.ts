// EAGLE (Li et al. 2024): one decoder layer over fc(token embedding, target last hidden state),
// the target's frozen head; autoregressive on its own predicted features, trained one step
// ahead with feature regression plus a 0.1-weighted soft cross-entropy.
import type { DraftArchitecture } from '../model/draft-config.ts';

export const eagle: DraftArchitecture = {
  method: 'eagle', summary: 'EAGLE: fc over (token embedding, target last hidden), one decoder layer, frozen target head; trained one step ahead',
  modules: 1, layersPerModule: 1, features: 'last', stepMap: [0],
  objective: { depth: 1, depthDecay: 1, ceWeight: 0.1, featureWeight: 1 },
};
