// JSON export: the result itself, pretty-printed (2-space indent, trailing newline).
import type { Exporter } from './types.ts';

export const jsonExporter: Exporter = {
  format: 'json',
  render: (result) => `${JSON.stringify(result, null, 2)}\n`,
};
