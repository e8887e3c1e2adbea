// The one method -> colour map of the HTML pages: every chart of a page takes its colour scale
// from here, so a method keeps its colour from chart to chart (Vega's default scheme assigns
// colours by each chart's own domain order, which gave prism ngram's orange in one chart).
// Okabe-Ito and Tol hues, picked to stay apart for the common colour-vision deficiencies.
import type { Cell } from '../result/schema.ts';
import { methodLabel } from './format.ts';

/** Each draft method's own colour; vanilla is a neutral grey, since it is the reference. */
export const METHOD_COLORS: Readonly<Record<string, string>> = {
  vanilla: '#555555',
  ngram: '#e69f00',
  suffix: '#cc6677',
  eagle3: '#0072b2',
  prism: '#aa3377',
  eagle: '#56b4e9',
  hass: '#009e73',
  hass2: '#117733',
  medusa: '#d55e00',
  standalone: '#999933',
  mtp: '#882255',
};

/** For a second draft of one method, or a method without its own colour. */
const SPARE_COLORS = ['#44aa99', '#661100', '#6699cc', '#332288', '#ddcc77', '#888888'];

export interface ColorScale {
  domain: string[];
  range: string[];
}

/**
 * Colours of the method labels (engine/draft) of these cells: a method's first label gets the
 * method's colour, any further label of it (a second engine, another tuning) a spare one, so no
 * two labels on a page share a colour. Built once per page and handed to every chart.
 */
export function methodColors(cells: ReadonlyArray<Pick<Cell, 'engine' | 'draft' | 'method'>>): ColorScale {
  const domain: string[] = [];
  const range: string[] = [];
  const used = new Set<string>();
  let spare = 0;
  for (const c of cells) {
    const label = methodLabel(c);
    if (domain.includes(label)) continue;
    let color = METHOD_COLORS[c.method];
    if (color === undefined || used.has(color)) color = SPARE_COLORS[spare++ % SPARE_COLORS.length]!;
    domain.push(label);
    range.push(color);
    used.add(color);
  }
  return { domain, range };
}
