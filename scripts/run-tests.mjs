#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner (Node 20 has no glob support in --test).
// Slow end-to-end tests live in test/e2e and are included; `--fast` leaves them out.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const fast = process.argv.includes('--fast');
function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (fast && name === 'e2e') continue;
      out.push(...collect(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const files = collect('test');
const extra = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...(extra.length ? extra : files)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
