// Option fragments the engine adapters share (the target model, the draft model, the launcher,
// extra arguments, the environment, the prompt format, sendSeed), each with its one-line message
// when wrong, and parseOptions: an adapter's options as the type its schema infers.
import { z } from 'zod';
import { describe } from '../suite/errors.ts';
import { firstProblem, mappingError, say, textField, wordField } from '../suite/schema.ts';
import { DRAFT_METHODS, type DraftMethod } from '../suite/types.ts';
import { EngineError, type LaunchPlan } from './types.ts';

/** A list of strings (command words, flags). */
export const stringList = (example: string) => z.array(textField('--flag'), {
  error: (iss) => say(`expected a list of strings, got ${describe(iss.input)}`, `write {key} as a list, such as ${example}`),
});

/** `model`: the target model the engine serves (required). */
export function targetModelOption(engine: string, what: string, example: string, description: string) {
  return z.string({ error: (iss) => (iss.input === undefined ? say('missing', `add model: the target model ${engine} should ${what}`) : say(`expected a non-empty string, got ${describe(iss.input)}`, `set model to the target model, such as ${example}`)) })
    .min(1, { error: () => say('expected a non-empty string, got ""', `set model to the target model, such as ${example}`) })
    .meta({ description });
}

/** `draftModel`: the draft model for learned drafts that name none. */
export const draftModelOption = (example: string, description: string) => textField(example).optional().meta({ description });

/** `launcher`: the command that starts the server (a suite is trusted input). */
export function launcherOption(command: readonly string[], description: string) {
  const example = JSON.stringify(command).replaceAll('","', '", "');
  return stringList(example).min(1, { error: () => say('expected at least one string, got an empty list', `give the command, such as ${example}, or remove launcher`) }).optional()
    .meta({ description });
}

/** A flag the adapter's launch line sets itself (a name, or a family by prefix), with the suite field that sets it instead. */
export interface OwnedFlag { flag: string; prefix?: boolean; fix: string }

/** --host and --port: where the harness starts every server and polls it. */
export const HOST_PORT: OwnedFlag[] = ['--host', '--port'].map((flag) => ({
  flag, fix: 'remove it: the harness picks the host and a free port for every launch and polls the server there (to measure a server you started, use run --base-url)',
}));

/** Speculation comes from the suite's drafts; extraArgs reach every cell, vanilla included. */
export const SPECULATION_FIX = "remove it: the suite's drafts set speculation (method, model, steps, topK, verifiedTokens, draftedTokens; options.draftModel), and extraArgs reach every cell, the vanilla baseline included";

/** The first of `args` that sets an owned flag (`--flag value` or `--flag=value`), with its fix. */
export function ownedFlagIn(args: readonly string[], owned: readonly OwnedFlag[]): { arg: string; name: string; fix: string } | undefined {
  for (const arg of args) {
    if (!arg.startsWith('--')) continue;
    const name = arg.split('=', 1)[0]!;
    const hit = owned.find((o) => (o.prefix ? name.startsWith(o.flag) : name === o.flag));
    if (hit) return { arg, name, fix: hit.fix };
  }
  return undefined;
}

/**
 * `extraArgs`: launch arguments appended verbatim, except the flags the adapter's launch line
 * sets: a second --port makes the server listen where the harness does not poll, a speculative
 * flag makes the vanilla baseline speculative.
 */
export const extraArgsOption = (example: string, owned: readonly OwnedFlag[]) => stringList(example)
  .superRefine((args, ctx) => {
    const hit = ownedFlagIn(args, owned);
    if (hit) ctx.addIssue({ code: 'custom', input: args, message: say(`${JSON.stringify(hit.arg)}: the harness sets ${hit.name} itself`, hit.fix) });
  })
  .optional().meta({ description: 'extra launch arguments appended verbatim (not the flags the harness sets: host, port, model, speculation)' });

/** `env`: environment for the server process. */
export const envOption = () => z.record(z.string(), z.string({ error: (iss) => say(`expected a string, got ${describe(iss.input)}`, 'quote the value, such as "0"') }), { error: mappingError('{CUDA_VISIBLE_DEVICES: "0"}') }).optional()
  .meta({ description: 'environment for the server process' });

/** `prompt`: chat (default) or raw. */
export const promptOption = (description: string) => wordField(['chat', 'raw'], 'prompt format').optional().meta({ description });

/** `sendSeed`: send each request's seed. */
export const sendSeedOption = (description: string) => z.boolean({ error: (iss) => say(`expected true or false, got ${describe(iss.input)}`, 'set sendSeed to true or false') }).optional()
  .meta({ description });

/**
 * An engine's options as its schema's type. The suite check has run the same schema before
 * anything launches; a caller that bypassed it gets an EngineError naming the option and the fix.
 */
export function parseOptions<S extends z.ZodType>(engine: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const p = firstProblem(schema, parsed.error, options, 'options', `for the ${engine} engine`);
  throw new EngineError(`engine ${engine}: ${p.path}: ${p.problem} -- ${p.fix}`);
}

/** vanilla, then the methods a table maps to the engine's own names, in the table's order. */
export function offeredMethods(table: Partial<Record<DraftMethod, string>>): DraftMethod[] {
  return ['vanilla', ...Object.keys(table).flatMap((k) => DRAFT_METHODS.filter((m) => m === k))];
}

/** A plan's program and its arguments, for startProcess. */
export function programOf(engine: string, p: LaunchPlan): [string, string[]] {
  const [file, ...args] = p.command;
  if (file === undefined) throw new EngineError(`engine ${engine}: the launch command is empty -- give options.launcher a command`);
  return [file, args];
}

/** The first line of what was thrown, for one-line messages. */
export const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
