/**
 * A CSV file as a stream of records, each with the line it starts on: csv-parse (RFC 4180:
 * quotes, commas and line breaks in fields; a UTF-8 BOM dropped) behind a check that the
 * bytes are UTF-8. Nothing holds more than a chunk of the file.
 */
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { CliError } from './api.ts';

export interface CsvRecord {
  /** The physical line the record starts on (1 = the header). */
  line: number;
  fields: string[];
  /** Bytes of the file parsed so far (progress). */
  bytes: number;
}

/** Passes bytes through unchanged, and fails on the first one that is not UTF-8. */
class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private line = 1;

  constructor(private readonly file: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.line++;
      done(null, chunk);
    } catch {
      // Where: the first replacement character a lenient decoder puts in this chunk.
      const lenient = new TextDecoder('utf-8').decode(chunk);
      const before = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD')));
      const line = this.line + (before.match(/\n/g)?.length ?? 0);
      const utf16 = this.line === 1 && (chunk[0] === 0xff || chunk[0] === 0xfe);
      done(
        new CliError(
          `${this.file} is not UTF-8 (${utf16 ? 'it looks like UTF-16' : `bytes that are not UTF-8 on line ${line}`}): save it as "CSV UTF-8" and import it again. Nothing was imported.`,
        ),
      );
    }
  }

  override _flush(done: TransformCallback) {
    try {
      this.decoder.decode();
      done();
    } catch {
      done(
        new CliError(
          `${this.file} is not UTF-8 (it ends in the middle of a character). Nothing was imported.`,
        ),
      );
    }
  }
}

const newlines = (fields: string[]) => fields.reduce((n, f) => n + (f.match(/\r\n|\n|\r/g)?.length ?? 0), 0);

/** The file's records; a record whose fields are all empty (a spreadsheet's blank row) is skipped. */
export async function* csvRecords(file: string, signal?: AbortSignal): AsyncGenerator<CsvRecord> {
  const source = createReadStream(file);
  const check = new Utf8Check(file);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  source.on('error', (error) => parser.destroy(error));
  check.on('error', (error) => parser.destroy(error));
  source.pipe(check).pipe(parser);
  const stop = () => {
    source.destroy();
    parser.destroy();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      if (record.every((f) => f.trim() === '')) continue;
      yield { line: info.lines - newlines(record), fields: record, bytes: info.bytes };
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof CsvError)
      throw new CliError(
        `${file} is not valid CSV on line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}. Nothing was imported.`,
      );
    if ((error as NodeJS.ErrnoException).code === 'ABORT_ERR' || signal?.aborted) return;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  } finally {
    signal?.removeEventListener('abort', stop);
    stop();
  }
}
