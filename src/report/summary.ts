// The paper's layout, shared by report.md and the terminal summary: per temperature, methods
// (engine/draft) as rows and datasets as columns, each cell's speedup over vanilla with τ, and a
// Mean column. Only the arrangement lives here; each exporter formats the cells its own way.
import type { Cell, ResultFile } from '../result/schema.ts';
import { distinct, methodLabel } from './format.ts';

export interface SummaryRow {
  method: string;
  /** the row's cell per dataset (same order as SummaryTable.datasets); undefined where none ran */
  cells: Array<Cell | undefined>;
  /** arithmetic mean of the speedup over the datasets with a result */
  mean?: number;
  /** how many datasets the mean covers */
  meanOf: number;
}

export interface SummaryTable {
  temperature: number;
  datasets: string[];
  rows: SummaryRow[];
}

/** Speedup of a cell for the summary; vanilla without a speedup metric is the reference, 1 by definition. */
export function summarySpeedup(cell: Cell): number | undefined {
  const m = cell.metrics.speedup;
  if (m) return m.mean;
  return cell.status === 'ok' && cell.method === 'vanilla' ? 1 : undefined;
}

/** One table per temperature, in the order the result lists them. */
export function summaryTables(result: ResultFile): SummaryTable[] {
  const cells = result.cells;
  const datasets = distinct(cells.map((c) => c.dataset));
  return distinct(cells.map((c) => c.temperature)).map((temperature) => {
    const atT = cells.filter((c) => c.temperature === temperature);
    const rows = distinct(atT.map(methodLabel)).map((method): SummaryRow => {
      const row = datasets.map((ds) => atT.find((c) => methodLabel(c) === method && c.dataset === ds));
      const speeds = row.filter((c): c is Cell => c?.status === 'ok').map(summarySpeedup).filter((s): s is number => s !== undefined);
      const mean = speeds.length > 0 ? speeds.reduce((a, b) => a + b, 0) / speeds.length : undefined;
      return { method, cells: row, mean, meanOf: speeds.length };
    });
    return { temperature, datasets, rows };
  });
}
