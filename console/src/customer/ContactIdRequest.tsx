/**
 * `/customer/contact-id` — public: the seeds' "Contact ID did not arrive" request as a form.
 * The four identifiers go to POST /self-service/contact-id-requests without a token; whatever
 * the API decided (matched, not matched, over the day's limit) it answers the same 202, and
 * this page shows the same confirmation, so it cannot tell anyone which certificates exist.
 * Only malformed identifiers (400) are told apart, next to their fields.
 */
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { CustomerFrame, useLanguage } from './frame.tsx';
import { EXAMPLES, type Field, MESSAGES } from './i18n.ts';

const FIELDS: Field[] = ['certificateNumber', 'salesOrderNumber', 'serialNumber', 'supportIdentifier'];
const EMPTY: Record<Field, string> = {
  certificateNumber: '',
  salesOrderNumber: '',
  serialNumber: '',
  supportIdentifier: '',
};

export default function ContactIdRequest() {
  const [language, setLanguage] = useLanguage();
  const t = MESSAGES[language].contactId;
  const [values, setValues] = useState(EMPTY);
  /** Which fields the API (or an empty field) refused, with the API's own words. */
  const [invalid, setInvalid] = useState<Partial<Record<Field, string>>>({});
  const [state, setState] = useState<'editing' | 'sending' | 'sent' | 'failed'>('editing');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request = Object.fromEntries(FIELDS.map((f) => [f, values[f].trim()])) as Record<Field, string>;
    const missing = FIELDS.filter((f) => !request[f]);
    if (missing.length) {
      setInvalid(Object.fromEntries(missing.map((f) => [f, ''])));
      return;
    }
    setState('sending');
    setInvalid({});
    try {
      await api('/self-service/contact-id-requests', { method: 'POST', body: request, anonymous: true });
      setState('sent');
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length) {
        setInvalid(
          Object.fromEntries(
            FIELDS.filter((f) => error.forField(f)).map((f) => [f, error.forField(f) ?? '']),
          ),
        );
        setState('editing');
      } else setState('failed');
    }
  };

  /** A field's error in the reader's language; in English, the API's own message. */
  const errorText = (field: Field): string | undefined => {
    const message = invalid[field];
    if (message === undefined) return undefined;
    if (!message) return t.required;
    return language === 'en' ? message : t.invalid(EXAMPLES[field]);
  };

  return (
    <CustomerFrame language={language} onLanguage={setLanguage} title={t.title}>
      <SpaceBetween size="l">
        <Header variant="h1" description={t.intro}>
          {t.title}
        </Header>
        {state === 'sent' ? (
          <Alert
            type="success"
            header={t.sent}
            action={
              <Button
                onClick={() => {
                  setValues(EMPTY);
                  setState('editing');
                }}
              >
                {t.again}
              </Button>
            }
          >
            <span role="status">{t.confirmation}</span>
          </Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <Form
              actions={
                <Button variant="primary" formAction="submit" loading={state === 'sending'}>
                  {t.submit}
                </Button>
              }
              errorText={state === 'failed' ? t.failed : undefined}
            >
              <Container>
                <SpaceBetween size="m">
                  {FIELDS.map((field) => (
                    <FormField
                      key={field}
                      label={t.fields[field]}
                      controlId={`contact-id-${field}`}
                      constraintText={t.looksLike(EXAMPLES[field])}
                      errorText={errorText(field)}
                    >
                      <Input
                        controlId={`contact-id-${field}`}
                        value={values[field]}
                        onChange={({ detail }) => setValues((v) => ({ ...v, [field]: detail.value }))}
                        invalid={invalid[field] !== undefined}
                        autoComplete={false}
                        spellcheck={false}
                      />
                    </FormField>
                  ))}
                </SpaceBetween>
              </Container>
            </Form>
          </form>
        )}
      </SpaceBetween>
    </CustomerFrame>
  );
}
