/**
 * Correct a registration (PATCH, a JSON merge patch of only what changed), confirmed in two
 * steps: the changes, then "before → after" to confirm. Field errors as the API words them.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { ApiError, api, seg } from '../../api.ts';
import { FormProblem } from '../../components/ops-form-problem.tsx';
import { type Certificate, TIERS } from './types.ts';

const FIELDS = [
  { path: 'company.name', label: 'Company name' },
  { path: 'company.address', label: 'Company address' },
  { path: 'company.phone', label: 'Company phone' },
  { path: 'term.start', label: 'Term start (YYYY-MM-DD)' },
  { path: 'term.end', label: 'Term end (YYYY-MM-DD)' },
  { path: 'tier', label: 'Tier' },
] as const;
type Path = (typeof FIELDS)[number]['path'];

function current(c: Certificate): Record<Path, string> {
  return {
    'company.name': c.company.name,
    'company.address': c.company.address,
    'company.phone': c.company.phone ?? '',
    'term.start': c.term.start,
    'term.end': c.term.end,
    tier: c.tier,
  };
}

/** `a.b` paths and values → a nested merge patch (an emptied phone is removed: null). */
function mergePatch(changes: Array<[Path, string]>): Record<string, unknown> {
  const patch: Record<string, Record<string, unknown> | unknown> = {};
  for (const [path, value] of changes) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    const v = path === 'company.phone' && value === '' ? null : value;
    if (tail) patch[head] = { ...((patch[head] as Record<string, unknown>) ?? {}), [tail]: v };
    else patch[head] = v;
  }
  return patch;
}

export function CorrectModal({
  certificate,
  onClose,
  onDone,
}: {
  certificate: Certificate;
  onClose(): void;
  onDone(updated: Certificate): void;
}) {
  const before = current(certificate);
  const [values, setValues] = useState(before);
  const [reviewing, setReviewing] = useState(false);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const changes = FIELDS.filter((f) => values[f.path].trim() !== before[f.path]).map(
    (f) => [f.path, values[f.path].trim()] as [Path, string],
  );
  const fieldError = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api<Certificate>(`/certificates/${seg(certificate.certificateNumber)}`, {
        method: 'PATCH',
        body: mergePatch(changes),
      });
      onDone(updated);
    } catch (e) {
      setError(e as Error);
      setReviewing(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      visible
      closeAriaLabel="Close dialog"
      onDismiss={onClose}
      size="large"
      header={reviewing ? 'Confirm the correction' : `Correct certificate ${certificate.certificateNumber}`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={reviewing ? () => setReviewing(false) : onClose}>
              {reviewing ? 'Back' : 'Cancel'}
            </Button>
            {reviewing ? (
              <Button variant="primary" loading={busy} onClick={() => void confirm()}>
                Confirm correction
              </Button>
            ) : (
              <Button variant="primary" disabled={!changes.length} onClick={() => setReviewing(true)}>
                Review correction
              </Button>
            )}
          </SpaceBetween>
        </Box>
      }
    >
      {reviewing ? (
        <SpaceBetween size="m">
          <Alert type="warning">
            The certificate changes as below; the audit trail records it with you as the actor.
          </Alert>
          <Table
            variant="embedded"
            items={changes.map(([path, after]) => ({ path, before: before[path], after }))}
            columnDefinitions={[
              {
                id: 'field',
                header: 'Field',
                cell: (c) => FIELDS.find((f) => f.path === c.path)!.label,
                isRowHeader: true,
              },
              { id: 'before', header: 'Before', cell: (c) => c.before || '(none)' },
              { id: 'after', header: 'After', cell: (c) => c.after || '(none)' },
            ]}
          />
        </SpaceBetween>
      ) : (
        <SpaceBetween size="m">
          <FormProblem error={error} shown={(path) => FIELDS.some((f) => f.path === path)} />
          <ColumnLayout columns={2}>
            {FIELDS.map((f) => (
              <FormField
                key={f.path}
                label={f.label}
                controlId={`correct-${f.path}`}
                errorText={fieldError(f.path)}
              >
                {f.path === 'tier' ? (
                  <Select
                    controlId={`correct-${f.path}`}
                    selectedOption={{ value: values.tier, label: values.tier }}
                    options={TIERS.map((t) => ({ value: t, label: t }))}
                    onChange={(e) =>
                      setValues((v) => ({ ...v, tier: e.detail.selectedOption.value ?? v.tier }))
                    }
                  />
                ) : (
                  <Input
                    controlId={`correct-${f.path}`}
                    value={values[f.path]}
                    onChange={(e) => setValues((v) => ({ ...v, [f.path]: e.detail.value }))}
                  />
                )}
              </FormField>
            ))}
          </ColumnLayout>
        </SpaceBetween>
      )}
    </Modal>
  );
}
