// sha256 of weight files, remembered between processes. Every engine launch keys the graph
// cache by its target's weights and checks its draft's weights against the manifest: reading and
// hashing 28 MB took about 0.15 s of each launch, most of the launch once the graphs come from
// the cache. An entry records the file's identity as stat gives it (device, inode, size, and the
// modification and change times in nanoseconds) with its digest, and is used only while all of
// these are unchanged: writing the file, or renaming or copying another file over it, moves its
// change time, which no user can set back, so a stale digest is never returned.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from './config.ts';
import { sha256File } from './safetensors.ts';

/** Where the digests are kept (PACKAGE_ROOT/.cache/sha256); unwritable means no memory, same digests. */
export const DIGEST_CACHE = join(PACKAGE_ROOT, '.cache', 'sha256');

function identity(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** sha256 of a file, hex, as sha256File computes it, from the cache while the file is unchanged. */
export function sha256FileCached(path: string, cacheDir = DIGEST_CACHE): string {
  const abs = resolve(path);
  const id = identity(abs);
  const entry = join(cacheDir, `${createHash('sha256').update(abs).digest('hex').slice(0, 32)}.json`);
  try {
    const e = JSON.parse(readFileSync(entry, 'utf8')) as { path?: string; id?: string; sha256?: string };
    if (e.path === abs && e.id === id && typeof e.sha256 === 'string') return e.sha256;
  } catch { /* no entry yet */ }
  const digest = sha256File(abs);
  // the file may change while it is read: remember the digest only if it did not
  if (identity(abs) !== id) return digest;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // temp file and rename by hand, not write-file-atomic: the contract loads this module with
    // every CLI start (draft checks), where only node's own modules may load
    const tmp = `${entry}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ path: abs, id, sha256: digest }));
    renameSync(tmp, entry);
  } catch { /* unwritable: computed again next time */ }
  return digest;
}
