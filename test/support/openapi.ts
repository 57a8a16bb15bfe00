/**
 * Real answers checked against the OpenAPI document: the test stack's `call` passes every
 * answer of a route in the table here, and a status, media type or body the document does not
 * describe fails the test that provoked it, naming the route, the status and ajv's errors.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { ROUTES } from '../../functions/http/routes.ts';

type Json = Record<string, any>;

// ajv-formats is CommonJS: under ESM its default import is the module, whose `default` is the plugin.
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

export const OPENAPI = openApiDocument(ROUTES) as Json;

/** Routes whose answers are not validated yet (route ids), each with why: none today. */
const NOT_VALIDATED = new Set<string>([]);

/** An ajv for draft 2020-12 with the formats zod emits; OpenAPI's own keywords are not schema keywords. */
export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/** The schema with `#/components/...` references replaced by what they name (the document is not one schema). */
export function inlineRefs(schema: unknown, document: Json = OPENAPI): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, document));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<any>((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return inlineRefs(target, document);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlineRefs(v, document)]));
}

const OPERATIONS = Object.entries(OPENAPI.paths as Json).flatMap(([template, item]) =>
  Object.entries(item as Json).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
    operation: operation as Json,
  })),
);

export function operationFor(method: string, path: string) {
  const pathname = path.split('?')[0]!;
  return OPERATIONS.find((o) => o.method === method && o.pattern.test(pathname));
}

const ajv = newAjv();
const compiled = new Map<string, ValidateFunction>();

/** Why the answer does not fit the document, or null when it does (or the route is not in the table). */
export function answerMismatch(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string | null {
  const found = operationFor(method, path);
  if (!found || NOT_VALIDATED.has(found.operation.operationId)) return null;
  const what = `${method} ${found.template} (${found.operation.operationId}) answered ${status}`;
  const responses = found.operation.responses as Json;
  const response = responses[String(status)] ?? responses.default;
  if (!response)
    return `${what}, a status the OpenAPI document does not list (it lists ${Object.keys(responses).join(', ')}): ${JSON.stringify(body).slice(0, 300)}`;
  if (!response.content) return null;
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const content = response.content[media];
  if (!content)
    return `${what} as ${media || 'no content type'}, the document lists ${Object.keys(response.content).join(', ')}`;
  if (!content.schema) return null;
  const key = `${found.method} ${found.template} ${status} ${media}`;
  if (!compiled.has(key)) compiled.set(key, ajv.compile(inlineRefs(content.schema) as Json));
  const validate = compiled.get(key)!;
  if (validate(body)) return null;
  return `${what} (${media}) with a body its schema refuses: ${ajv.errorsText(validate.errors, { separator: '; ' })}\nbody: ${JSON.stringify(body).slice(0, 1500)}`;
}

/** Throws when the answer does not fit the document. */
export function assertDocumented(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const mismatch = answerMismatch(method, path, status, contentType, body);
  if (mismatch) throw new Error(`OpenAPI: ${mismatch}`);
}
