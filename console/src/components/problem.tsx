/** An API error as people read it: the API's title and detail, and each field's message. */
import Alert from '@cloudscape-design/components/alert';
import { ApiError } from '../api.ts';

export function Problem({ error, header }: { error: Error; header?: string }) {
  if (!(error instanceof ApiError))
    return (
      <Alert type="error" header={header ?? 'Something went wrong'}>
        {error.message}
      </Alert>
    );
  return (
    <Alert type="error" header={header ?? `${error.title} (${error.status})`}>
      {error.detail}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
