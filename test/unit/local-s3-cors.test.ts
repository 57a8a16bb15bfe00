/** The local S3 answers the console's cross-origin upload and report fetch (the imports page). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalS3 } from '../../local/s3.ts';

let s3: LocalS3;
let endpoint: string;
beforeAll(async () => {
  s3 = await LocalS3.create();
  s3.createBucket('imports');
  endpoint = await s3.listen(0);
});
afterAll(() => s3.close());

describe('the local S3 and a page of another origin', () => {
  it('answers the preflight of a PUT with a content type', async () => {
    const res = await fetch(`${endpoint}/imports/a/input.csv`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:3000',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('lets the page read what it PUT and GETs', async () => {
    const put = await fetch(`${endpoint}/imports/a/input.csv`, {
      method: 'PUT',
      headers: { origin: 'http://127.0.0.1:3000', 'content-type': 'text/csv' },
      body: 'a,b\n1,2\n',
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe('*');
    const get = await fetch(`${endpoint}/imports/a/input.csv`, {
      headers: { origin: 'http://127.0.0.1:3000' },
    });
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
    expect(await get.text()).toBe('a,b\n1,2\n');
  });
});
