// One line of requests.jsonl: everything one request produced, engine-neutral, written the
// moment the request completes.
import type { RequestShapeAcceptance } from './shape-acceptance.ts';

export interface RequestRecord {
  cell: string;
  trial: number;
  /** which attempt of the trial (a resumed run retries unfinished trials under a new attempt id) */
  attempt: string;
  promptId: string;
  turn: number;
  promptTokens: number;
  completionTokens: number;
  /** target forward passes after prefill; null when the engine does not report them */
  verifyCycles: number | null;
  acceptedHistogram: number[] | null;
  proposedDrafts: number | null;
  acceptedDrafts: number | null;
  draftSteps: number | null;
  draftSeconds: number | null;
  verifySeconds: number | null;
  ttftSeconds: number | null;
  e2eSeconds: number;
  /**
   * Arrival of each streamed chunk that carried new tokens, seconds after the request was sent
   * (microsecond resolution), and how many tokens each carried; absent in older records and
   * null when the response was not streamed. ITL is computed from these.
   */
  chunkSeconds?: number[] | null;
  chunkTokens?: number[] | null;
  /** the reference engine's tree drafts: every smaller tree shape's acceptance; absent in older records and for other drafts */
  shapeAcceptance?: RequestShapeAcceptance;
  finishReason: string;
  /** sha256 of the output token ids joined by commas (lossless checks compare these) */
  outputHash: string;
  outputPreview: string;
  startedAt: number;
}
