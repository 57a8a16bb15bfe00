/**
 * `/console/register`: POST /registrations from a form. Each field shows the API's own
 * message for its path (`primaryContact.email`, `products.0.serialNumber`); on 201 (or a
 * replay, 200) the new certificate's page opens.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { FormProblem } from '../../components/ops-form-problem.tsx';
import { certificateHref, LANGUAGES, TIERS } from './types.ts';

const PRODUCT_FIELDS = [
  ['serialNumber', 'Serial number'],
  ['supportIdentifier', 'Support identifier'],
  ['product', 'Product'],
  ['version', 'Version'],
  ['productLine', 'Product line (optional)'],
] as const;
type ProductField = (typeof PRODUCT_FIELDS)[number][0];
type Product = Record<ProductField, string>;
const emptyProduct = (): Product => ({
  serialNumber: '',
  supportIdentifier: '',
  product: '',
  version: '',
  productLine: '',
});

/** Text fields by the API's path. */
const TEXT_FIELDS = [
  'certificateNumber',
  'salesOrderNumber',
  'term.start',
  'term.end',
  'company.name',
  'company.address',
  'company.phone',
  'primaryContact.name',
  'primaryContact.email',
  'primaryContact.phone',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** The request as the API takes it: empty optional fields left out, the rest as typed (the API judges). */
function body(text: Record<TextField, string>, tier: string, language: string, products: Product[]) {
  const v = (path: TextField) => text[path].trim();
  const optional = (path: TextField) => (v(path) ? v(path) : undefined);
  return {
    certificateNumber: v('certificateNumber'),
    salesOrderNumber: v('salesOrderNumber'),
    tier,
    term: { start: v('term.start'), end: v('term.end') },
    company: { name: v('company.name'), address: v('company.address'), phone: v('company.phone') },
    primaryContact: {
      name: v('primaryContact.name'),
      email: v('primaryContact.email'),
      phone: optional('primaryContact.phone'),
      language,
    },
    products: products.map((p) => ({
      serialNumber: p.serialNumber.trim(),
      supportIdentifier: p.supportIdentifier.trim(),
      product: p.product.trim(),
      version: p.version.trim(),
      ...(p.productLine.trim() ? { productLine: p.productLine.trim() } : {}),
    })),
  };
}

export default function RegisterPage() {
  const navigate = useNavigate();
  const [text, setText] = useState<Record<TextField, string>>(
    Object.fromEntries(TEXT_FIELDS.map((f) => [f, ''])) as Record<TextField, string>,
  );
  const [tier, setTier] = useState<string>('ESSENTIAL');
  const [language, setLanguage] = useState<string>('en');
  const [products, setProducts] = useState<Product[]>([emptyProduct()]);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const err = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);
  const shown = (path: string) =>
    (TEXT_FIELDS as readonly string[]).includes(path) ||
    ['tier', 'primaryContact.language', 'products'].includes(path) ||
    /^products\.\d+\.(serialNumber|supportIdentifier|product|version|productLine)$/.test(path);

  const field = (path: TextField, label: string, hint?: string): ReactNode => (
    <FormField
      label={label}
      controlId={path}
      errorText={err(path)}
      {...(hint ? { constraintText: hint } : {})}
    >
      <Input
        controlId={path}
        value={text[path]}
        onChange={(e) => setText((t) => ({ ...t, [path]: e.detail.value }))}
      />
    </FormField>
  );

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ certificateNumber: string }>('/registrations', {
        method: 'POST',
        body: body(text, tier, language, products),
      });
      navigate(certificateHref(answer.certificateNumber));
    } catch (e) {
      setError(e as Error);
      window.scrollTo({ top: 0 });
    } finally {
      setBusy(false);
    }
  };

  return (
    <ContentLayout
      header={
        <Header variant="h1" description="The primary technical contact receives the Contact ID by email.">
          Register a certificate
        </Header>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => navigate('/console/certificates')}>
                Cancel
              </Button>
              <Button variant="primary" loading={busy}>
                Register
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <FormProblem error={error} shown={shown} />
            <Container header={<Header variant="h2">Certificate</Header>}>
              <ColumnLayout columns={3}>
                {field('certificateNumber', 'Certificate number', '8 digits, a dash, 7 digits')}
                {field('salesOrderNumber', 'Sales order number')}
                <FormField label="Tier" controlId="tier" errorText={err('tier')}>
                  <Select
                    controlId="tier"
                    selectedOption={{ value: tier, label: tier }}
                    options={TIERS.map((t) => ({ value: t, label: t }))}
                    onChange={(e) => setTier(e.detail.selectedOption.value ?? tier)}
                  />
                </FormField>
                {field('term.start', 'Term start', 'YYYY-MM-DD')}
                {field('term.end', 'Term end', 'YYYY-MM-DD')}
              </ColumnLayout>
              {err('term') && <Box color="text-status-error">Term: {err('term')}</Box>}
            </Container>
            <Container header={<Header variant="h2">Company</Header>}>
              <ColumnLayout columns={3}>
                {field('company.name', 'Company name')}
                {field('company.address', 'Company address')}
                {field('company.phone', 'Company phone')}
              </ColumnLayout>
            </Container>
            <Container header={<Header variant="h2">Primary technical contact</Header>}>
              <ColumnLayout columns={2}>
                {field('primaryContact.name', 'Contact name')}
                {field('primaryContact.email', 'Contact email')}
                {field('primaryContact.phone', 'Contact phone (optional)')}
                <FormField
                  label="Contact language"
                  controlId="primaryContact.language"
                  errorText={err('primaryContact.language')}
                >
                  <Select
                    controlId="primaryContact.language"
                    selectedOption={{ value: language, label: language }}
                    options={LANGUAGES.map((l) => ({ value: l, label: l }))}
                    onChange={(e) => setLanguage(e.detail.selectedOption.value ?? language)}
                  />
                </FormField>
              </ColumnLayout>
            </Container>
            <Container
              header={
                <Header
                  variant="h2"
                  actions={
                    <Button onClick={() => setProducts((p) => [...p, emptyProduct()])}>Add product</Button>
                  }
                >
                  Products
                </Header>
              }
            >
              <SpaceBetween size="l">
                {err('products') && <Box color="text-status-error">{err('products')}</Box>}
                {products.map((p, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions, as the API's paths are
                  <SpaceBetween key={i} size="xs">
                    <Header
                      variant="h3"
                      actions={
                        products.length > 1 && (
                          <Button onClick={() => setProducts((ps) => ps.filter((_, j) => j !== i))}>
                            Remove product {i + 1}
                          </Button>
                        )
                      }
                    >
                      Product {i + 1}
                    </Header>
                    <ColumnLayout columns={3}>
                      {PRODUCT_FIELDS.map(([name, label]) => {
                        const path = `products.${i}.${name}`;
                        return (
                          <FormField key={name} label={label} controlId={path} errorText={err(path)}>
                            <Input
                              controlId={path}
                              ariaLabel={products.length > 1 ? `${label} of product ${i + 1}` : undefined}
                              value={p[name]}
                              onChange={(e) =>
                                setProducts((ps) =>
                                  ps.map((q, j) => (j === i ? { ...q, [name]: e.detail.value } : q)),
                                )
                              }
                            />
                          </FormField>
                        );
                      })}
                    </ColumnLayout>
                  </SpaceBetween>
                ))}
              </SpaceBetween>
            </Container>
          </SpaceBetween>
        </Form>
      </form>
    </ContentLayout>
  );
}
