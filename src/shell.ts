// Quoting for the shell: every command the project prints or writes for a person or Slurm to run
// (the sbatch scripts, dry-run launch lines, --resume and submit hints) quotes its words here, so
// a path holding spaces, quotes or $(...) pastes as that path. A leaf: it imports nothing.

/** A word as a POSIX shell needs it: as it is when plainly safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
