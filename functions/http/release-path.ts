/** The `{product}`, `{version}` (and `{serialNumber}`) of the release routes, checked. */
import { SerialNumber, Text } from '../core/identifiers.ts';
import { parseOrThrow } from '../core/validation.ts';
import { VersionString, versionSortKey } from '../core/versions.ts';
import * as z from '../core/zod.ts';
import type { HttpEvent } from './http.ts';

const Path = z.object({
  product: Text(100),
  version: VersionString,
  serialNumber: z.optional(SerialNumber),
});

export function releasePath(event: HttpEvent): {
  product: string;
  version: string;
  versionKey: string;
  serialNumber?: string;
} {
  const p = event.pathParameters ?? {};
  const path = parseOrThrow(
    Path,
    { product: p.product, version: p.version, serialNumber: p.serialNumber },
    'the product, version or serial number is malformed',
  );
  return { ...path, versionKey: versionSortKey(path.version) } as ReturnType<typeof releasePath>;
}
