// The shipped suites `run` names without --suite: the default one, and the full-size one (--full).
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../suite/datasets.ts';

export const DEFAULT_SUITE = join(PACKAGE_ROOT, 'suites', 'default.yaml');
export const FULL_SUITE = join(PACKAGE_ROOT, 'suites', 'full.yaml');
