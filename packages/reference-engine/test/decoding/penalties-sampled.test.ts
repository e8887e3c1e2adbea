// Sampled with penalties: a draft leaves the output distribution unchanged (penalties.ts says how).
import { sampledWithPenalties } from './penalties.ts';

sampledWithPenalties();
