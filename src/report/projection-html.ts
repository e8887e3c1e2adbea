// The HTML report's projection (report --profile): projected speedup per draft and dataset on
// another machine's costs, beside the speedup measured on the run's own machine. Every title,
// axis and legend says "projected (profile NAME)": a projection is never shown as a measurement.
import type { Profile } from '../profile/schema.ts';
import type { ProjectedCell } from '../projection/result.ts';
import type { Chart } from './charts.ts';
import { dataTable, type Section } from './html-page.ts';
import { formatNumber, formatTemperature } from './format.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const sig = (x: number): number => Number(x.toPrecision(4));

export function projectionChart(rows: readonly ProjectedCell[], profile: Profile, label: string): Chart | null {
  const data = rows.flatMap((r) => {
    if (!r.projection) return [];
    const [low, high] = r.projection.interval ?? [r.projection.speedup, r.projection.speedup];
    return [{
      draft: r.draft, dataset: r.dataset, temperature: `T = ${formatTemperature(r.temperature)}`,
      projected: sig(r.projection.speedup), low: sig(low), high: sig(high),
      measured: r.measured ? sig(r.measured.ratio) : null,
    }];
  });
  if (data.length === 0) return null;
  const x = { field: 'dataset', type: 'nominal', title: 'dataset', axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'draft', type: 'nominal' } as const;
  const tooltip = [{ field: 'draft' }, { field: 'dataset' }, { field: 'temperature' }, { field: 'projected', title: `speedup, ${label}` },
    { field: 'low', title: '2.5%' }, { field: 'high', title: '97.5%' }, { field: 'measured', title: 'measured on the run\'s machine' }];
  return {
    id: 'chart-projected-speedup',
    title: `Speedup ${label}`,
    caption: `Bars: speedup over vanilla ${label}, from each cell's measured per-position acceptance and the ${profile.provenance} costs of `
      + `${profile.model.name} on ${profile.machine.description}; whiskers: 95% interval from the acceptance's uncertainty only; `
      + 'black ticks: the speedup measured on the run\'s own machine. The dashed rule marks 1x (docs/projection.md).',
    expectedMarks: data.length,
    spec: {
      $schema: SCHEMA,
      config: { legend: { orient: 'top', direction: 'horizontal', columns: 6 } },
      data: { values: data },
      facet: { row: { field: 'temperature', type: 'nominal', title: null } },
      spec: {
        width: 760, height: 200,
        layer: [
          { mark: { type: 'bar' }, encoding: { x, xOffset, y: { field: 'projected', type: 'quantitative', title: `speedup (x), ${label}` }, color: { field: 'draft', type: 'nominal', title: `draft, ${label}` }, tooltip } },
          { mark: { type: 'rule', strokeWidth: 1.5, color: '#222' }, encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, tooltip } },
          { transform: [{ filter: 'datum.measured != null' }], mark: { type: 'tick', color: '#000', thickness: 2 }, encoding: { x, xOffset, y: { field: 'measured', type: 'quantitative' }, tooltip } },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
        ],
      },
    },
  };
}

export function projectionSection(rows: readonly ProjectedCell[], label: string): Section {
  const head = ['cell', 'tok/cycle', `speedup x, ${label}`, '95% interval', 'measured speedup x (run\'s machine)'];
  const body = rows.map((r) => [
    r.cell, r.projection ? formatNumber(r.projection.tau, 2) : '-',
    r.projection ? formatNumber(r.projection.speedup, 2) : `- (${r.missing ?? 'no projection'})`,
    r.projection?.interval ? `[${formatNumber(r.projection.interval[0], 2)}, ${formatNumber(r.projection.interval[1], 2)}]` : '-',
    r.measured ? formatNumber(r.measured.ratio, 2) : '-',
  ]);
  return { id: 'projection', title: `Speedup ${label}`, html: dataTable(head, body, 1) };
}
