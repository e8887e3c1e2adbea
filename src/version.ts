// The package version, recorded in results and reported by the reference engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, packageRoot } from './assets.ts';

export function packageVersion(): string {
  // a build carries the version it was built with; the sources read package.json
  return BUILD?.version ?? (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
