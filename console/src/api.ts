/**
 * The API as the console calls it: the same routes and tokens as any client (no private
 * back door). Errors are the API's problem+json, kept whole so forms can show each field's
 * message exactly as the API wrote it.
 */
import { config } from './config.ts';

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldError[],
    readonly body: unknown,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
  /** The messages for one field (`path` as the API names it, e.g. `primaryContact.email`). */
  forField(path: string): string | undefined {
    const found = this.errors.filter((e) => e.path === path).map((e) => e.message);
    return found.length ? found.join('; ') : undefined;
  }
}

/** Set by the auth provider: the access token, and what to do when the API answers 401. */
let tokenSource: () => string | undefined = () => undefined;
let onUnauthenticated: () => void = () => undefined;
export function setTokenSource(source: () => string | undefined, unauthenticated: () => void): void {
  tokenSource = source;
  onUnauthenticated = unauthenticated;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** PATCH bodies are JSON merge patches unless said otherwise. */
  contentType?: string;
  /** No Authorization header (the public routes). */
  anonymous?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export async function api<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.anonymous ? undefined : tokenSource();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] =
      options.contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
  }
  const res = await fetch(`${config().apiBase}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && !options.anonymous) onUnauthenticated();
    const problem = (parsed ?? {}) as { title?: string; detail?: string; errors?: FieldError[] };
    throw new ApiError(
      res.status,
      problem.title ?? res.statusText,
      problem.detail,
      Array.isArray(problem.errors) ? problem.errors : [],
      parsed,
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A path segment, encoded (certificate numbers, Contact IDs, products come from people). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
