/**
 * A form's refusal: the API's title and detail, and only the field errors no field of the
 * form shows next to itself (those are said once, where the field is).
 */
import Alert from '@cloudscape-design/components/alert';
import { ApiError } from '../api.ts';

export function FormProblem({
  error,
  shown,
}: {
  error: Error | undefined;
  shown: (path: string) => boolean;
}) {
  if (!error) return null;
  if (!(error instanceof ApiError))
    return (
      <Alert type="error" header="The request did not go through">
        {error.message}
      </Alert>
    );
  const elsewhere = error.errors.filter((e) => !shown(e.path));
  return (
    <Alert type="error" header={`${error.title} (${error.status})`}>
      {error.detail}
      {error.detail && !/[.!?]$/.test(error.detail) ? '.' : ''}
      {error.errors.length > elsewhere.length && ' See the fields marked below.'}
      {elsewhere.length > 0 && (
        <ul>
          {elsewhere.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
