/**
 * Coverage on a timeline: one horizontal bar per row between the earliest and latest date
 * shown, each bar's start and end written out (never only in a tooltip), today marked with a
 * line and its date. Plain elements, so it needs no chart library.
 */
import Box from '@cloudscape-design/components/box';

export interface TimelineRow {
  label: string;
  start: string;
  end: string;
  /** Written after the dates, e.g. the tier or "not in force". */
  note?: string;
}

const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);

export function CoverageTimeline({ rows, today }: { rows: TimelineRow[]; today: string }) {
  if (!rows.length) return <Box>No coverage.</Box>;
  const from = Math.min(day(today), ...rows.map((r) => day(r.start)));
  const to = Math.max(day(today), ...rows.map((r) => day(r.end)));
  const span = Math.max(to - from, 1);
  const at = (iso: string) => `${(((day(iso) - from) / span) * 100).toFixed(2)}%`;
  return (
    <figure aria-label={`Coverage timeline, today ${today}`} style={{ margin: 0 }}>
      {rows.map((row) => (
        <div key={`${row.label}-${row.start}-${row.end}`} style={{ marginBottom: 12 }}>
          <Box variant="small" fontWeight="bold">
            {row.label}: {row.start} to {row.end}
            {row.note ? ` (${row.note})` : ''}
          </Box>
          <div
            aria-hidden="true"
            style={{ position: 'relative', height: 18, background: '#e9ebed', borderRadius: 4, marginTop: 4 }}
          >
            <div
              style={{
                position: 'absolute',
                left: at(row.start),
                width: `calc(${at(row.end)} - ${at(row.start)})`,
                top: 0,
                bottom: 0,
                background: '#0972d3',
                borderRadius: 4,
              }}
            />
            <div
              style={{
                position: 'absolute',
                left: at(today),
                top: -4,
                bottom: -4,
                width: 2,
                background: '#d91515',
              }}
            />
          </div>
        </div>
      ))}
      <div style={{ position: 'relative', height: 20 }}>
        <span
          style={{
            position: 'absolute',
            left: at(today),
            transform: 'translateX(-50%)',
            whiteSpace: 'nowrap',
            fontSize: 12,
            color: '#b0151a',
          }}
        >
          ▲ Today {today}
        </span>
      </div>
    </figure>
  );
}
