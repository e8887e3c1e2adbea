// `report --profile`: the projected speedup added to a report, labelled as a projection.
import type { ResultFile } from '../result/schema.ts';
import { loadProfile } from '../profile/schema.ts';
import { projectResult, projectedLabel, renderProjection } from './result.ts';
import { renderHtml } from '../report/html.ts';
import { projectionChart, projectionSection } from '../report/projection-html.ts';
import { adviseAcross, renderAdvice } from './advice.ts';
import { adviseShapeAcross, renderShapeAdvice } from './shape.ts';

export function withProjection(text: string, result: ResultFile, profileFile: string, format: string): string {
  const profile = loadProfile(profileFile);
  const context = 256;
  const rows = projectResult(result, profile, { context, promptTokens: 128 });
  // the best depth and (reference-engine trees) the best shape on that profile, as `project` prints them
  const advice = adviseAcross(result, [profile], context);
  const shapeAdvice = adviseShapeAcross(result, [profile], context);
  if (format === 'json') {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const projection = JSON.parse(renderProjection(rows, profile, 'json')) as unknown;
    return JSON.stringify({ ...parsed, projection: { ...(projection as object), advice, shapeAdvice } }, null, 2) + '\n';
  }
  if (format === 'csv') {
    // one extra block after the cells' CSV, its column named as the projection it is
    const head = `cell,${projectedLabel(profile)} speedup x,low,high`;
    return `${text}\n${head}\n${rows.map((r) => `${r.cell},${r.projection?.speedup ?? ''},${r.projection?.interval?.[0] ?? ''},${r.projection?.interval?.[1] ?? ''}`).join('\n')}\n`;
  }
  if (format === 'html') {
    // the page is rebuilt with the projection's chart and table in it (not appended after </body>)
    const label = projectedLabel(profile);
    const chart = projectionChart(rows, profile, label);
    return renderHtml(result, { charts: chart ? [chart] : [], sections: [projectionSection(rows, label)] });
  }
  const f = format === 'md' ? 'markdown' : 'table';
  return [
    `${text}\n${renderProjection(rows, profile, f)}`,
    ...(advice.length ? [renderAdvice(advice, [profile], f)] : []),
    ...(shapeAdvice.length ? [renderShapeAdvice(shapeAdvice, [profile], f)] : []),
  ].join('\n');
}
