/**
 * `entitlements import FILE --via s3`: the file goes to S3 and the stage imports it with
 * a Distributed Map (POST /imports, PUT to the presigned URL, GET /imports/{id} until it
 * ends), so a million rows do not depend on this machine staying online: once uploaded,
 * the import runs on without it. The report is fetched from its presigned URL at the end.
 */
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Api, apiUrlOf, CliError, detailOf } from './api.ts';

interface ImportState {
  importId: string;
  status: 'PENDING_UPLOAD' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  counts?: { rows: number; created: number; renewed: number; replayed: number; refused: number };
  message?: string;
  report?: { url: string };
}

export async function importViaS3(options: {
  file: string;
  report: string;
  api?: string;
  pollMs?: number;
}): Promise<number> {
  const size = (await stat(options.file).catch(() => null))?.size;
  if (size === undefined) throw new CliError(`cannot read ${options.file}: no such file`);
  const api = new Api({ url: apiUrlOf(options.api), localRole: 'integration' });
  await api.checkReachable();
  const created = await api.call('POST', '/imports');
  if (created.status !== 201)
    throw new CliError(`POST /imports answered ${created.status}: ${detailOf(created.body)}`);
  const { importId, upload } = created.body as {
    importId: string;
    upload: { url: string; method: string; headers?: Record<string, string> };
  };
  process.stderr.write(
    `uploading ${options.file} (${(size / 1024 / 1024).toFixed(1)} MB) for import ${importId}\n`,
  );
  const put = await fetch(upload.url, {
    method: upload.method,
    headers: { ...upload.headers, 'content-length': String(size) },
    body: Readable.toWeb(createReadStream(options.file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (!put.ok) throw new CliError(`the upload was refused: ${put.status} ${await put.text()}`);
  process.stderr.write(`uploaded; the import runs on the stage now (GET /imports/${importId})\n`);

  let state: ImportState;
  for (;;) {
    const answer = await api.call('GET', `/imports/${importId}`);
    if (answer.status !== 200)
      throw new CliError(`GET /imports/${importId} answered ${answer.status}: ${detailOf(answer.body)}`);
    state = answer.body as ImportState;
    if (state.status === 'SUCCEEDED' || state.status === 'FAILED') break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
  if (state.status === 'FAILED') {
    process.stderr.write(
      `import ${importId} failed: ${state.message ?? 'no reason given'}; nothing was registered\n`,
    );
    return 2;
  }
  const counts = state.counts!;
  if (state.report?.url) {
    const report = await fetch(state.report.url);
    if (!report.ok) throw new CliError(`the report could not be fetched: ${report.status}`);
    await writeFile(options.report, Buffer.from(await report.arrayBuffer()));
  }
  process.stderr.write(
    `import ${importId}: ${counts.rows} rows, ${counts.created} created, ${counts.renewed} renewed, ${counts.replayed} replayed, ${counts.refused} refused; report ${options.report}\n`,
  );
  return counts.refused > 0 ? 1 : 0;
}
