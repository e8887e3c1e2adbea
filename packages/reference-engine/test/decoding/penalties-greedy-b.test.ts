// Greedy with penalties, setting b: every draft is token-identical to vanilla (penalties.ts says how).
import { greedyWithPenalties } from './penalties.ts';

greedyWithPenalties('b');
