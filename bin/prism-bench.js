#!/usr/bin/env node
// Thin entry: registers the TypeScript loader, then hands over to the CLI (an engine process,
// `serve`, to the serve command alone).
import { register } from 'tsx/esm/api';
register();
const { main } = await import(process.argv[2] === 'serve' ? '../src/cli/serve-main.ts' : '../src/cli/main.ts');
process.exitCode = await main(process.argv);
