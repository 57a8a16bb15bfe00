/** The `{product}`, `{version}` (and `{serialNumber}`) of the release routes, checked. */
import { InvalidInput } from '../core/errors.ts';
import { SerialNumber, Text } from '../core/identifiers.ts';
import { parseOrThrow } from '../core/validation.ts';
import { VersionString, versionSortKey } from '../core/versions.ts';
import * as z from '../core/zod.ts';
import { type HttpEvent, pathParam } from './http.ts';

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
  const path = parseOrThrow(
    Path,
    {
      product: pathParam(event, 'product'),
      version: pathParam(event, 'version'),
      serialNumber: pathParam(event, 'serialNumber'),
    },
    'the product, version or serial number is malformed',
  );
  return {
    product: path.product,
    version: path.version,
    versionKey: versionSortKey(path.version),
    ...(path.serialNumber ? { serialNumber: path.serialNumber } : {}),
  };
}

/** The release routes that name a serial: it is required. */
export function serialReleasePath(
  event: HttpEvent,
): ReturnType<typeof releasePath> & { serialNumber: string } {
  const { serialNumber, ...path } = releasePath(event);
  if (!serialNumber)
    throw new InvalidInput('the serial number is missing', [{ path: 'serialNumber', message: 'required' }]);
  return { ...path, serialNumber };
}
