import { type FieldError, InvalidInput } from './errors.ts';
import type * as z from './zod.ts';

/** zod issues as problem+json `errors`: a dotted path and a sentence. */
export function issuesOf(error: z.core.$ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message:
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, detail: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInput(detail, issuesOf(result.error));
  return result.data;
}
