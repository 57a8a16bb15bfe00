/**
 * A product's majors on one timeline, the way endoflife.date draws release cycles: a bar
 * per major, coloured by phase (standard → end of life, still supported → partial support
 * → end of support), with today marked. Pure: the SVG text from the lifecycles and a day.
 */
import { addDays, daysBetween } from './calendar.ts';
import { type MajorLifecycle, phaseOn } from './lifecycle.ts';

const COLOURS = {
  standard: '#2e7d32',
  eol: '#81c784',
  partial: '#f9a825',
  none: '#bdbdbd',
};
const PHASE_LABELS = {
  GA: 'standard support',
  EOL: 'end of life, still supported',
  PARTIAL_SUPPORT: 'partial support',
  END_OF_SUPPORT: 'end of support',
} as const;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function lifecyclePicture(
  product: string,
  majors: MajorLifecycle[],
  today: string,
  /** Each major's GA date, where a release announced it: its bar starts there. */
  gaDates: ReadonlyMap<number, string> = new Map(),
): string {
  const rows = [...majors].sort((a, b) => b.major - a.major);
  const width = 900;
  const left = 200;
  const right = 20;
  const top = 56;
  const rowHeight = 34;
  const height = top + Math.max(rows.length, 1) * rowHeight + 60;
  if (rows.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="120" font-family="Arial, sans-serif"><text x="20" y="40" font-size="18" font-weight="bold">${esc(product)}</text><text x="20" y="80" fill="#555">No end of life is scheduled: every major version has standard support.</text></svg>`;
  // Standard support starts at the major's GA date; without one, two years before end of life.
  const starts = rows.map((r) => gaDates.get(r.major) ?? addDays(r.eolDate, -730));
  const from = [today, ...starts].sort()[0]!;
  const to = [today, ...rows.map((r) => addDays(r.endOfSupportDate, 365))].sort().at(-1)!;
  const span = Math.max(daysBetween(from, to), 1);
  const x = (day: string) => left + ((width - left - right) * daysBetween(from, day)) / span;

  const parts: string[] = [];
  parts.push(
    `<text x="20" y="30" font-size="18" font-weight="bold">${esc(product)} — support lifecycle</text>`,
  );
  // Year ticks.
  for (let year = Number(from.slice(0, 4)) + 1; year <= Number(to.slice(0, 4)); year++) {
    const xx = x(`${year}-01-01`).toFixed(1);
    parts.push(
      `<line x1="${xx}" y1="${top - 6}" x2="${xx}" y2="${top + rows.length * rowHeight}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${xx}" y="${top - 10}" font-size="11" fill="#777" text-anchor="middle">${year}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowHeight + 6;
    const segment = (a: string, b: string, colour: string, title: string) => {
      const w = Math.max(x(b) - x(a), 0);
      return w > 0
        ? `<rect x="${x(a).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" rx="3" fill="${colour}"><title>${esc(title)}</title></rect>`
        : '';
    };
    const phase = phaseOn(r, today);
    // The major and, under it, where it stands today.
    parts.push(
      `<text x="20" y="${y + 9}" font-size="14" font-weight="bold">${esc(product)} ${r.major}</text>`,
      `<text x="20" y="${y + 23}" font-size="10" fill="#555">${PHASE_LABELS[phase]}${r.legacy ? ' (legacy, before 2006-11-06)' : ''}</text>`,
    );
    const ga = gaDates.get(r.major);
    parts.push(
      segment(
        starts[i]!,
        r.eolDate,
        COLOURS.standard,
        `${ga ? `general availability ${ga}, ` : ''}standard support until ${r.eolDate}`,
      ),
    );
    parts.push(
      segment(
        r.eolDate,
        r.partialSupportDate,
        COLOURS.eol,
        `end of life ${r.eolDate}: no longer sold, still standard support`,
      ),
    );
    parts.push(
      segment(
        r.partialSupportDate,
        r.endOfSupportDate,
        COLOURS.partial,
        `partial support from ${r.partialSupportDate}`,
      ),
    );
    parts.push(segment(r.endOfSupportDate, to, COLOURS.none, `end of support ${r.endOfSupportDate}`));
  });
  const tx = x(today).toFixed(1);
  const bottom = top + rows.length * rowHeight;
  parts.push(
    `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${bottom + 4}" stroke="#c62828" stroke-width="2"/>`,
  );
  parts.push(
    `<text x="${tx}" y="${bottom + 18}" font-size="11" fill="#c62828" text-anchor="middle">today ${today}</text>`,
  );
  const legend = [
    [COLOURS.standard, 'standard support'],
    [COLOURS.eol, 'end of life (not sold)'],
    [COLOURS.partial, 'partial support'],
    [COLOURS.none, 'end of support'],
  ];
  legend.forEach(([colour, label], i) => {
    const lx = 20 + i * 190;
    parts.push(`<rect x="${lx}" y="${bottom + 32}" width="14" height="14" fill="${colour}"/>`);
    parts.push(`<text x="${lx + 20}" y="${bottom + 44}" font-size="12">${label}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, sans-serif" role="img" aria-label="${esc(product)} support lifecycle">${parts.join('')}</svg>`;
}
