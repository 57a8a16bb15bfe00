/**
 * Progress on stderr: a bar with rows/s and ETA on a terminal (cli-progress), plain lines
 * every few seconds otherwise (CI logs, pipes, files).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(rows: number): void;
  stop(): void;
}

const duration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

export function progressOf(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = performance.now();
  const rate = (rows: number) => rows / Math.max((performance.now() - started) / 1000, 0.001);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} {bar} {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta}`,
        hideCursor: true,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { speed: '0', eta: '?' });
    return {
      update: (rows) =>
        bar.update(rows, {
          speed: rate(rows).toFixed(0),
          eta: duration((total - rows) / Math.max(rate(rows), 0.001)),
        }),
      stop: () => bar.stop(),
    };
  }
  const everyMs = Number(process.env.ENTITLEMENTS_PROGRESS_MS ?? 5000);
  let lastAt = performance.now();
  let last = -1;
  let current = 0;
  const line = (rows: number) => {
    last = rows;
    lastAt = performance.now();
    const speed = rate(rows);
    stream.write(
      `${label}: ${rows}/${total} rows (${total ? Math.floor((100 * rows) / total) : 100}%), ${speed.toFixed(0)} rows/s, ETA ${duration((total - rows) / Math.max(speed, 0.001))}\n`,
    );
  };
  return {
    update: (rows) => {
      current = rows;
      if (performance.now() - lastAt >= everyMs) line(rows);
    },
    stop: () => {
      if (last !== current) line(current);
    },
  };
}
