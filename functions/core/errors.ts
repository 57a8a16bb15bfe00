/**
 * Domain errors carry the HTTP status they map to, so handlers throw and one
 * middleware answers with problem+json (RFC 9457). Names are stable: clients
 * and Step Functions Retry/Catch match on them.
 */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  get type(): string {
    return `https://errors.entitlements.example/${this.name}`;
  }
}

export class InvalidInput extends DomainError {
  override readonly name = 'InvalidInput';
  readonly status = 400;
  readonly title = 'The request is malformed';
  constructor(
    detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }
}

export class PayloadTooLarge extends DomainError {
  override readonly name = 'PayloadTooLarge';
  readonly status = 413;
  readonly title = 'The request body is too large';
}

export class UnsupportedMediaType extends DomainError {
  override readonly name = 'UnsupportedMediaType';
  readonly status = 415;
  readonly title = 'The request body must be application/json';
}

export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  readonly status = 404;
  readonly title = 'Not found';
}

export class Conflict extends DomainError {
  override readonly name = 'Conflict';
  readonly status = 409;
  readonly title = 'The request conflicts with what exists';
}

export class RuleViolation extends DomainError {
  override readonly name = 'RuleViolation';
  readonly status = 422;
  readonly title = 'The request is refused by a business rule';
  constructor(
    detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }
}

/** No valid token: missing, forged, expired, or issued for another API. */
export class Unauthenticated extends DomainError {
  override readonly name = 'Unauthenticated';
  readonly status = 401;
  readonly title = 'A valid bearer token is required';
}

/** A valid token whose role the route does not allow. */
export class Forbidden extends DomainError {
  override readonly name = 'Forbidden';
  readonly status = 403;
  readonly title = 'Your role may not do this';
}
