// HASS (Zhang et al. 2025) made parametrically larger: two stacked decoder layers run at every
// draft step (twice eagle3's per-step cost), EAGLE's last-layer features, trained with HASS's
// harmonized context alignment (multi-step) and harmonized objective distillation (top-K).
import type { DraftArchitecture } from '../model/draft-config.ts';

export const hass2: DraftArchitecture = {
  method: 'hass2', summary: 'HASS with two stacked decoder layers run at every step; harmonized context alignment (multi-step) and top-K distillation',
  modules: 1, layersPerModule: 2, features: 'last', stepMap: [0],
  objective: { depth: 4, depthDecay: 0.8, ceWeight: 0.1, featureWeight: 1, topKWeight: 1, topK: 10 },
};
