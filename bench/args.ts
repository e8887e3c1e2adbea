// The bench scripts' one command-line helper: `--name value` on the command line, else the fallback.

/** The word after `--name` in argv (process.argv by default), else `fallback`. */
export function arg(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] as string) : fallback;
}
