// Greedy with penalties, setting a: every draft is token-identical to vanilla (penalties.ts says how).
import { greedyWithPenalties } from './penalties.ts';

greedyWithPenalties('a');
