/**
 * How the CLI reaches the API: where (`--api`, ENTITLEMENTS_API, the local stack), with
 * which token (ENTITLEMENTS_TOKEN; Cognito client credentials; locally the local issuer),
 * and with retries and backoff on 429, 5xx and network errors.
 */
import type { Role } from '../functions/core/actors.ts';

export const DEFAULT_API = 'http://127.0.0.1:3000';

/** A command, file or API the CLI cannot use: a message for a person, and the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function apiUrlOf(option: string | undefined): string {
  const url = option ?? process.env.ENTITLEMENTS_API ?? DEFAULT_API;
  try {
    return new URL(url).toString().replace(/\/$/, '');
  } catch {
    throw new CliError(`--api ${url} is not a URL (like ${DEFAULT_API})`);
  }
}

export interface Answer {
  status: number;
  body: unknown;
}

/** Network errors, throttling and server errors are worth another try; the rest are answers. */
const retryable = (status: number) => status === 429 || status >= 500;

export interface ApiOptions {
  url: string;
  /** The role asked of the local issuer when no token is configured. */
  localRole: Role;
  attempts?: number;
  /** First backoff; doubles each attempt, with full jitter, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class Api {
  readonly url: string;
  private token?: Promise<string>;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: ApiOptions) {
    this.url = options.url;
    this.attempts = options.attempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  /** The token, asked once and reused (Cognito bills token requests; tokens last an hour). */
  bearer(): Promise<string> {
    this.token ??= this.obtainToken();
    this.token.catch(() => {
      this.token = undefined;
    });
    return this.token;
  }

  private async obtainToken(): Promise<string> {
    const env = process.env;
    if (env.ENTITLEMENTS_TOKEN) return env.ENTITLEMENTS_TOKEN;
    if (env.ENTITLEMENTS_CLIENT_ID || env.ENTITLEMENTS_CLIENT_SECRET || env.ENTITLEMENTS_TOKEN_URL) {
      const {
        ENTITLEMENTS_CLIENT_ID: id,
        ENTITLEMENTS_CLIENT_SECRET: secret,
        ENTITLEMENTS_TOKEN_URL: at,
      } = env;
      if (!id || !secret || !at)
        throw new CliError(
          'client credentials need ENTITLEMENTS_CLIENT_ID, ENTITLEMENTS_CLIENT_SECRET and ENTITLEMENTS_TOKEN_URL (the stateful stack outputs SystemsClientId and TokenEndpoint)',
        );
      const response = await this.fetchOrExplain(at, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: env.ENTITLEMENTS_SCOPE ?? 'entitlements/integration',
        }).toString(),
      });
      const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
      if (!response.ok || !body.access_token)
        throw new CliError(
          `the token endpoint ${at} refused the client credentials (${response.status} ${body.error ?? ''})`,
        );
      return body.access_token;
    }
    return this.localToken(this.options.localRole, 'entitlements-cli');
  }

  /** A token from the local stack's issuer (never deployed): how the CLI works with no setup. */
  async localToken(role: string, subject: string): Promise<string> {
    const response = await this.fetchOrExplain(`${this.url}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/plain' },
      body: JSON.stringify({ role, subject }),
    });
    const text = await response.text();
    if (response.status === 404)
      throw new CliError(
        `${this.url} has no local token issuer (a deployed stage?): set ENTITLEMENTS_TOKEN, or ENTITLEMENTS_CLIENT_ID, ENTITLEMENTS_CLIENT_SECRET and ENTITLEMENTS_TOKEN_URL`,
      );
    if (!response.ok) throw new CliError(`the local token issuer refused: ${detailOf(parseJson(text))}`);
    return text.trim();
  }

  private async fetchOrExplain(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new CliError(
        `cannot reach ${url} (${causeOf(error)})${url.startsWith(DEFAULT_API) ? ': is the local stack running (npm start)?' : ''}`,
      );
    }
  }

  /** GET /health: refuse to start an import against an API that does not answer. */
  async checkReachable(): Promise<void> {
    const response = await this.fetchOrExplain(`${this.url}/health`, {});
    await response.body?.cancel();
    if (!response.ok)
      throw new CliError(`${this.url}/health answered ${response.status}: is --api the API's URL?`);
  }

  /**
   * One call with the bearer token. Retries 429, 5xx and network errors with exponential
   * backoff and full jitter (honouring Retry-After); asks a fresh token once on a 401.
   * Throws `Unavailable` when every attempt failed.
   */
  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    let renewed = false;
    let last = '';
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs = 0;
      try {
        const token = await this.bearer();
        const response = await fetch(`${this.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json, application/problem+json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const answer = { status: response.status, body: parseJson(await response.text()) };
        if (response.status === 401 && !renewed && !process.env.ENTITLEMENTS_TOKEN) {
          // An hour-long token can expire during a long import: one fresh token, then it counts.
          renewed = true;
          this.token = undefined;
          attempt--;
          continue;
        }
        if (!retryable(response.status)) return answer;
        last = `${response.status} ${detailOf(answer.body)}`;
        retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000 || 0;
      } catch (error) {
        if (error instanceof CliError) throw error;
        last = causeOf(error);
      }
      if (attempt >= this.attempts)
        throw new Unavailable(`${method} ${path} failed ${attempt} times (last: ${last})`);
      const backoff = Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(backoff, Math.min(retryAfterMs, this.maxDelayMs))),
      );
    }
  }
}

/** The API did not answer usably after every retry. */
export class Unavailable extends Error {}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A problem+json answer as one line: its detail and each field error. */
export function detailOf(answer: unknown): string {
  if (typeof answer === 'string') return answer.slice(0, 300);
  const body = answer as { detail?: string; title?: string; message?: string; errors?: unknown } | null;
  const detail = body?.detail ?? body?.title ?? body?.message ?? JSON.stringify(body);
  const errors = Array.isArray(body?.errors)
    ? body.errors.map((e: { path?: string; message?: string }) => `${e.path}: ${e.message}`).join('; ')
    : '';
  return errors ? `${detail} (${errors})` : String(detail);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
