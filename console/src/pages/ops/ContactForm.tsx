/**
 * Add a designated contact, or replace one: the contact's details and the products they may
 * call about, each field's error exactly as the API words it (`contact.email`, `products`).
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ApiError, api, seg } from '../../api.ts';
import { FormProblem } from '../../components/ops-form-problem.tsx';
import { type Certificate, type CertificateContact, LANGUAGES } from './types.ts';

const FIELDS = [
  ['name', 'Name'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['company', 'Company'],
  ['address', 'Address'],
] as const;
type Field = (typeof FIELDS)[number][0];
const SHOWN = new Set([...FIELDS.map(([f]) => `contact.${f}`), 'contact.language', 'products']);

export function ContactForm({
  certificate,
  replacing,
  onClose,
  onDone,
}: {
  certificate: Certificate;
  /** The contact to replace; without it, a designated contact is added. */
  replacing?: CertificateContact;
  onClose(): void;
  onDone(message: string): void;
}) {
  const [values, setValues] = useState<Record<Field, string>>({
    name: '',
    email: '',
    phone: '',
    company: certificate.company.name,
    address: certificate.company.address,
  });
  const [language, setLanguage] = useState<string>('');
  const [serials, setSerials] = useState<string[]>(
    replacing?.serialNumbers ?? certificate.products.map((p) => p.serialNumber),
  );
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const fieldError = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  const n = seg(certificate.certificateNumber);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    const contact = { ...values, ...(language ? { language } : {}) };
    const chosen = certificate.products.filter((p) => serials.includes(p.serialNumber));
    try {
      const answer = replacing
        ? await api<{ contactId: string }>(`/certificates/${n}/contacts/${seg(replacing.contactId)}`, {
            method: 'PUT',
            body: { products: chosen.map((p) => ({ serialNumber: p.serialNumber })), contact },
          })
        : await api<{ contactId: string }>(`/certificates/${n}/contacts`, {
            method: 'POST',
            body: {
              salesOrderNumber: certificate.salesOrderNumber,
              products: chosen.map((p) => ({
                serialNumber: p.serialNumber,
                supportIdentifier: p.supportIdentifier,
              })),
              contact,
            },
          });
      onDone(
        replacing
          ? `Contact ${replacing.contactId} replaced by Contact ID ${answer.contactId}; it is emailed to them.`
          : `Designated contact added with Contact ID ${answer.contactId}; it is emailed to them.`,
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const title = replacing ? `Replace contact ${replacing.contactId}` : 'Add a designated contact';
  return (
    <Modal
      visible
      closeAriaLabel="Close dialog"
      onDismiss={onClose}
      header={title}
      size="large"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" loading={busy} onClick={() => void submit()}>
              {replacing ? 'Replace contact' : 'Add contact'}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form>
          <SpaceBetween size="m">
            <FormProblem error={error} shown={(path) => SHOWN.has(path)} />
            <ColumnLayout columns={2}>
              {FIELDS.map(([field, label]) => (
                <FormField
                  key={field}
                  label={label}
                  controlId={`contact-${field}`}
                  errorText={fieldError(`contact.${field}`)}
                >
                  <Input
                    controlId={`contact-${field}`}
                    value={values[field]}
                    type={field === 'email' ? 'email' : 'text'}
                    onChange={(e) => setValues((v) => ({ ...v, [field]: e.detail.value }))}
                  />
                </FormField>
              ))}
              <FormField
                label="Language"
                controlId="contact-language"
                description="Without one, the primary contact's"
                errorText={fieldError('contact.language')}
              >
                <Select
                  controlId="contact-language"
                  selectedOption={
                    language
                      ? { value: language, label: language }
                      : { value: '', label: '(as the primary contact)' }
                  }
                  options={[
                    { value: '', label: '(as the primary contact)' },
                    ...LANGUAGES.map((l) => ({ value: l, label: l })),
                  ]}
                  onChange={(e) => setLanguage(e.detail.selectedOption.value ?? '')}
                />
              </FormField>
            </ColumnLayout>
            <FormField label="Products they may call about" errorText={fieldError('products')}>
              {certificate.products.map((p) => (
                <Checkbox
                  key={p.serialNumber}
                  checked={serials.includes(p.serialNumber)}
                  onChange={(e) =>
                    setSerials((s) =>
                      e.detail.checked ? [...s, p.serialNumber] : s.filter((x) => x !== p.serialNumber),
                    )
                  }
                >
                  {p.product} {p.version} (serial {p.serialNumber})
                </Checkbox>
              ))}
            </FormField>
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
}
