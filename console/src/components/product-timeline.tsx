/**
 * A product's majors on one time axis: each major a bar from general availability to end of
 * support, cut at its milestones, and today marked across all of them. Every date is written
 * out under its bar (never only in a tooltip), and each part of a bar says in words what it
 * is, so neither hover nor colour is needed to read it. Shared by the product manager's page
 * and the customers' lifecycle page, which pass their own wording and date format.
 */
import type { CSSProperties } from 'react';

export type LifecyclePhase = 'GA' | 'EOL' | 'PARTIAL_SUPPORT' | 'END_OF_SUPPORT';

export interface TimelineMajor {
  major: number;
  gaDate: string | null;
  eolDate: string | null;
  partialSupportDate: string | null;
  endOfSupportDate: string | null;
  phase: LifecyclePhase;
}

export interface TimelineWording {
  major(major: number): string;
  ga: string;
  eol: string;
  partial: string;
  endOfSupport: string;
  today: string;
  notScheduled: string;
  /** What the time between two milestones is: standard support, still standard after EOL, partial. */
  standard: string;
  standardNotSold: string;
  partialSpan: string;
  /** The figure's accessible name. */
  label: string;
}

type Milestone = 'gaDate' | 'eolDate' | 'partialSupportDate' | 'endOfSupportDate';
const MILESTONES: Milestone[] = ['gaDate', 'eolDate', 'partialSupportDate', 'endOfSupportDate'];
const MARK: Record<Milestone, string> = {
  gaDate: '▲',
  eolDate: '◆',
  partialSupportDate: '■',
  endOfSupportDate: '●',
};
/** Cloudscape-like colours, each paired with a word and a mark (colour is never the only signal). */
const SPAN_COLOURS = ['#037f0c', '#0972d3', '#8d6605'];

const DAY = 86_400_000;
const time = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function LifecycleTimeline({
  majors,
  today,
  wording,
  formatDate,
}: {
  majors: readonly TimelineMajor[];
  /** YYYY-MM-DD. */
  today: string;
  wording: TimelineWording;
  formatDate(day: string): string;
}) {
  const names: Record<Milestone, string> = {
    gaDate: wording.ga,
    eolDate: wording.eol,
    partialSupportDate: wording.partial,
    endOfSupportDate: wording.endOfSupport,
  };
  const days = majors.flatMap((m) => MILESTONES.map((k) => m[k]).filter((d): d is string => !!d));
  const first = Math.min(time(today), ...days.map(time));
  const last = Math.max(time(today), ...days.map(time));
  // A margin either side, so the first and last marks are not on the edge.
  const span = Math.max(last - first, 365 * DAY);
  const start = first - span * 0.04;
  const end = last + span * 0.04;
  const at = (day: string) => ((time(day) - start) / (end - start)) * 100;
  const years: number[] = [];
  for (let y = new Date(start).getUTCFullYear() + 1; y <= new Date(end).getUTCFullYear(); y++) years.push(y);
  const step = Math.ceil(years.length / 12);

  return (
    <figure aria-label={wording.label} style={{ margin: 0 }}>
      <div style={{ position: 'relative', marginLeft: LABEL_WIDTH, height: 22 }} aria-hidden="true">
        {years
          .filter((_, i) => i % step === 0)
          .map((y) => (
            <span key={y} style={{ ...axisLabel, left: `${at(`${y}-01-01`)}%` }}>
              {y}
            </span>
          ))}
      </div>
      <div style={{ position: 'relative' }}>
        {majors.map((m) => (
          <MajorRow
            key={m.major}
            major={m}
            at={at}
            todayAt={at(today)}
            wording={wording}
            names={names}
            formatDate={formatDate}
          />
        ))}
      </div>
      <p style={{ margin: '8px 0 0', fontSize: 14 }}>
        <span aria-hidden="true" style={{ color: '#d91515', fontWeight: 700 }}>
          ┆{' '}
        </span>
        <strong>{wording.today}:</strong> <time dateTime={today}>{formatDate(today)}</time>
      </p>
    </figure>
  );
}

const LABEL_WIDTH = 110;
const axisLabel: CSSProperties = {
  position: 'absolute',
  transform: 'translateX(-50%)',
  fontSize: 12,
  color: '#5f6b7a',
  whiteSpace: 'nowrap',
};

function MajorRow({
  major,
  at,
  todayAt,
  wording,
  names,
  formatDate,
}: {
  major: TimelineMajor;
  at(day: string): number;
  /** Where today is on the axis (%): marked on each bar, clear of the dates written under it. */
  todayAt: number;
  wording: TimelineWording;
  names: Record<Milestone, string>;
  formatDate(day: string): string;
}) {
  const dates = MILESTONES.map((k) => major[k]);
  const spans = [wording.standard, wording.standardNotSold, wording.partialSpan]
    .map((label, i) => ({ label, from: dates[i], to: dates[i + 1], colour: SPAN_COLOURS[i] }))
    .filter((s): s is { label: string; from: string; to: string; colour: string } => !!s.from && !!s.to);
  return (
    <div
      style={{ display: 'flex', alignItems: 'flex-start', padding: '10px 0', borderTop: '1px solid #e9ebed' }}
    >
      <div style={{ width: LABEL_WIDTH, flex: 'none', fontWeight: 700, paddingTop: 2 }}>
        {wording.major(major.major)}
      </div>
      <div style={{ flex: 1, minWidth: 0 }}>
        <div style={{ position: 'relative', height: 24, background: '#f4f4f4', borderRadius: 4 }}>
          {spans.map((s) => (
            <div
              key={s.label}
              title={s.label}
              style={{
                position: 'absolute',
                top: 0,
                height: 24,
                left: `${at(s.from)}%`,
                width: `${Math.max(at(s.to) - at(s.from), 0.3)}%`,
                background: s.colour,
                color: '#ffffff',
                fontSize: 12,
                lineHeight: '24px',
                overflow: 'hidden',
                whiteSpace: 'nowrap',
                textOverflow: 'ellipsis',
                // Clear of the milestone's mark at the start.
                paddingLeft: 10,
                boxSizing: 'border-box',
              }}
            >
              {s.label}
            </div>
          ))}
          <div
            aria-hidden="true"
            style={{
              position: 'absolute',
              left: `${todayAt}%`,
              top: -5,
              height: 34,
              borderLeft: '2px dashed #d91515',
              zIndex: 1,
            }}
          />
          {MILESTONES.map((k) => {
            const day = major[k];
            return day ? (
              <span
                key={k}
                aria-hidden="true"
                style={{
                  position: 'absolute',
                  left: `${at(day)}%`,
                  top: 3,
                  transform: 'translateX(-50%)',
                  fontSize: 14,
                  lineHeight: '18px',
                  color: '#000716',
                  textShadow: '0 0 2px #ffffff, 0 0 2px #ffffff',
                }}
              >
                {MARK[k]}
              </span>
            ) : null;
          })}
        </div>
        <ul
          style={{
            listStyle: 'none',
            margin: '6px 0 0',
            padding: 0,
            display: 'flex',
            flexWrap: 'wrap',
            columnGap: 20,
            rowGap: 2,
            fontSize: 14,
          }}
        >
          {MILESTONES.map((k) => {
            const day = major[k];
            return (
              <li key={k}>
                <span aria-hidden="true">{MARK[k]} </span>
                {names[k]}:{' '}
                {day ? <time dateTime={day}>{formatDate(day)}</time> : <em>{wording.notScheduled}</em>}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
