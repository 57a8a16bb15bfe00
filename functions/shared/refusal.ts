/**
 * Refusals are data inside a workflow: a Task returns `{outcome: 'REFUSED', problem}`
 * rather than failing the execution, and the HTTP handler turns it back into the
 * DomainError that answers with problem+json. No error-cause parsing across the boundary.
 */
import {
  Conflict,
  type DomainError,
  type FieldError,
  InvalidInput,
  NotFound,
  RuleViolation,
} from '../core/errors.ts';

export interface Refusal {
  outcome: 'REFUSED';
  problem: { status: number; name: string; detail: string; errors?: FieldError[] };
}

export function refused(error: DomainError): Refusal {
  return {
    outcome: 'REFUSED',
    problem: {
      status: error.status,
      name: error.name,
      detail: error.message,
      ...('errors' in error && Array.isArray(error.errors) && error.errors.length
        ? { errors: error.errors as FieldError[] }
        : {}),
    },
  };
}

export function domainErrorOf(problem: Refusal['problem']): DomainError {
  const errors = problem.errors ?? [];
  switch (problem.status) {
    case 404:
      return new NotFound(problem.detail);
    case 409:
      return new Conflict(problem.detail);
    case 422:
      return new RuleViolation(problem.detail, errors);
    default:
      return new InvalidInput(problem.detail, errors);
  }
}
