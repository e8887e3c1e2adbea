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

/** `extraArgs`: launch arguments appended verbatim. */
export const extraArgsOption = (example: string) => stringList(example).optional().meta({ description: 'extra launch arguments appended verbatim' });

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
