// PRISM (arXiv 2602.01762): M modules, each the size of eagle3's single module; a step map
// activates exactly one per draft step (published: module 0 for the extend pass over accepted
// tokens, module 1 for every later step), sharing one KV cache; EAGLE-3 features. Trained as
// one module first, copied into every module, then fine-tuned multi-step with the module
// switching per step. The paper trains with HASS's loss (SmoothL1 on features + 0.1 x CE); here
// PRISM gets eagle3's cross-entropy-only loss instead, so the two differ only in architecture:
// on this budget the published loss left PRISM at 0.35-0.39 validation top-1 against 0.54-0.57
// with eagle3's (README, "Learned drafts").
import type { DraftArchitecture } from '../model/draft-config.ts';

export const prism: DraftArchitecture = {
  method: 'prism', summary: 'PRISM: M modules of eagle3 size, one activated per step by the step map (module 0 extend pass, module 1 later steps); EAGLE-3 features; shared KV cache',
  modules: 2, layersPerModule: 1, features: 'eagle3', stepMap: [0, 1],
  objective: { depth: 4, depthDecay: 0.8, ceWeight: 1, featureWeight: 0, singleModuleFraction: 0.5 },
};
