/** The `{product}` and `{major}` of the lifecycle routes, checked. */
import { Text } from '../core/identifiers.ts';
import { parseOrThrow } from '../core/validation.ts';
import * as z from '../core/zod.ts';
import { type HttpEvent, pathParam } from './http.ts';

const Path = z.object({
  product: Text(100),
  major: z.optional(z.string().check(z.regex(/^\d{1,4}$/, 'a major version is a number, like 12'))),
});

export function lifecyclePath(event: HttpEvent): { product: string; major: number } {
  const { product, major } = parseOrThrow(
    Path,
    { product: pathParam(event, 'product'), major: pathParam(event, 'major') },
    'the product or major version is malformed',
  );
  return { product, major: Number(major ?? 0) };
}
