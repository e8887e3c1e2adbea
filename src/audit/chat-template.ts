// Chat-template check: acceptance depends on the prompt's format as much as on the draft. A chat
// model sent raw text (no chat template) drafts and verifies off its training distribution, and a
// learned draft trained on chat-formatted data loses most of its acceptance: one report on SGLang
// with Llama-3.3-70B went from 5.88 to 2.42 tokens per cycle with the template missing, and nothing
// else in the run looked wrong. Two signs, each a warning naming the likely cause:
//
// 1. An engine sent raw prompts (its info or options say prompt: raw) to a target whose name says it
//    is a chat model (instruct, chat, -it, ...). The reference engine's shipped target is not one.
// 2. A cell's acceptance length is far below the same engine's same draft at the same temperature
//    on the suite's other datasets: at most FAR_BELOW times their median. Datasets do differ (code
//    accepts more than chat), so the bar is set well under the ordinary spread and above the
//    reported failure (2.42 / 5.88 = 0.41), and only drafts that accept something elsewhere
//    (median >= MIN_LENGTH) are judged. Model-free drafts (prompt lookup, suffix decoding) are not:
//    they accept what the text repeats, which differs from dataset to dataset by far more than
//    0.6x whatever the template (prompt lookup here: tau 1.07 on code, 2.82 on summarization).
import type { AuditFinding, Cell, ResultFile } from '../result/schema.ts';
import { isRecord } from '../record.ts';
import { finding, num } from './common.ts';
import { isModelFreeDraft } from '../suite/types.ts';

/** A cell at or below this fraction of its draft's median acceptance length elsewhere is flagged. */
export const FAR_BELOW = 0.6;
/** Only drafts whose median acceptance length elsewhere reaches this are judged (1 = nothing accepted). */
export const MIN_LENGTH = 2;

/** Model names that say chat or instruction tuning: Llama-3.1-8B-Instruct, Qwen2.5-7B-Chat, gemma-2-9b-it, ... */
const CHAT_NAME = /(instruct|chat|[-_]it(?=$|[-_.])|assistant|[-_](sft|dpo|rlhf)(?=$|[-_.]))/i;
export const looksLikeChatModel = (model: string): boolean => CHAT_NAME.test(model.split('/').pop() ?? model);

/** The acceptance length a cell reports, per-request mean first, then pooled, then the engine counters'. */
const ACCEPTANCE = ['accept_length_mean', 'accept_length_pooled', 'accept_length_engine'] as const;
function acceptance(cell: Cell): { id: string; value: number } | undefined {
  for (const id of ACCEPTANCE) {
    const m = cell.metrics[id];
    if (m && Number.isFinite(m.mean)) return { id, value: m.mean };
  }
  return undefined;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Per engine (as cells name it): the prompt format it sent and the target it served, where known. */
function enginePrompts(result: ResultFile): Map<string, { prompt?: string; model?: string }> {
  const out = new Map<string, { prompt?: string; model?: string }>();
  for (const e of result.suite.engines ?? []) {
    const shown = e.label ?? e.name;
    if (!shown) continue;
    const o = e.options ?? {};
    out.set(shown, {
      ...(typeof o.prompt === 'string' ? { prompt: o.prompt } : {}),
      ...(typeof o.model === 'string' ? { model: o.model } : result.suite.settings?.target ? { model: result.suite.settings.target } : {}),
    });
  }
  // what the engine itself recorded wins over the suite's options (an attached server, an older suite)
  for (const [key, e] of Object.entries(result.engines ?? {})) {
    const engine = key.slice(0, key.lastIndexOf('/'));
    const prompt = isRecord(e.info) && typeof e.info.prompt === 'string' ? e.info.prompt : undefined;
    if (prompt) out.set(engine, { ...out.get(engine), prompt });
  }
  return out;
}

const CAUSE = 'a missing chat template: a chat model sent raw text accepts far fewer draft tokens (5.88 -> 2.42 tokens per cycle reported on SGLang with Llama-3.3-70B)';

export function checkChatTemplate(result: ResultFile): AuditFinding[] {
  const out: AuditFinding[] = [];
  const prompts = enginePrompts(result);
  const rawChat = new Set<string>();
  for (const [engine, p] of prompts) {
    if (p.prompt !== 'raw' || !p.model || !looksLikeChatModel(p.model)) continue;
    rawChat.add(engine);
    out.push(finding('chat-template', 'warning',
      `engine ${engine} sent raw prompts (prompt: raw) to ${p.model}, which by its name is a chat model: its acceptance and speed are not what a chat deployment gets, likely ${CAUSE} -- remove prompt: raw (chat is the default), or give the engine the model's chat template`));
  }
  // one draft on one engine at one temperature, across datasets
  const groups = new Map<string, Cell[]>();
  for (const c of result.cells) {
    if (c.status !== 'ok' || c.method === 'vanilla' || isModelFreeDraft(c.method)) continue;
    const key = JSON.stringify([c.engine, c.draft, c.temperature]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const cells of groups.values()) {
    const measured = cells.flatMap((c) => {
      const a = acceptance(c);
      return a ? [{ cell: c, ...a }] : [];
    });
    if (measured.length < 2) continue;
    for (const m of measured) {
      const others = measured.filter((x) => x !== m && x.id === m.id);
      if (others.length === 0) continue;
      const typical = median(others.map((x) => x.value));
      if (typical < MIN_LENGTH || m.value > FAR_BELOW * typical) continue;
      const elsewhere = others.map((x) => `${x.cell.dataset} ${num(x.value)}`).join(', ');
      const raw = rawChat.has(m.cell.engine) ? ' This engine sent raw prompts to a chat model (see above).' : '';
      out.push(finding('chat-template', 'warning',
        `${m.id} ${num(m.value)} on ${m.cell.dataset} is ${Math.round((100 * m.value) / typical)}% of the same draft's median on the other datasets (${elsewhere}); likely ${CAUSE}, or prompts unlike the draft's training data (another language, format or domain) -- check the prompts the engine received (--dry-run shows the first).${raw}`,
        m.cell.id));
    }
  }
  return out;
}
