/**
 * `/console/certificates`: licensing ops find a certificate by whatever the customer reads
 * out. A certificate number opens its page; any other identifier lists what it names
 * (GET /certificates?<by>=<value>), the query kept in the address so it can be shared.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { Problem } from '../../components/problem.tsx';
import { useApi } from '../../components/use-api.ts';
import { type CertificateSummary, certificateHref } from './types.ts';

const BY = [
  { value: 'certificateNumber', label: 'Certificate number' },
  { value: 'serialNumber', label: 'Serial number' },
  { value: 'salesOrderNumber', label: 'Sales order number' },
  { value: 'supportIdentifier', label: 'Support identifier' },
  { value: 'email', label: 'Email' },
  { value: 'contactId', label: 'Contact ID' },
] as const;
type By = (typeof BY)[number]['value'];
const LOOKUPS = BY.filter((b) => b.value !== 'certificateNumber');

export default function CertificateSearch() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const asked = LOOKUPS.find((b) => params.get(b.value));
  const askedValue = asked ? (params.get(asked.value) ?? '') : '';
  const [by, setBy] = useState<By>(asked?.value ?? 'serialNumber');
  const [value, setValue] = useState(askedValue);
  const { data, error, loading } = useApi(
    (signal) =>
      asked
        ? api<{ certificates: CertificateSummary[]; truncated: boolean }>(
            `/certificates?${new URLSearchParams({ [asked.value]: askedValue })}`,
            { signal },
          )
        : Promise.resolve(undefined),
    [asked?.value, askedValue],
  );
  const label = BY.find((b) => b.value === by)!.label;
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="By certificate number, serial, sales order, support identifier, email or Contact ID."
          actions={
            <Button
              href="/console/register"
              onFollow={(e) => {
                e.preventDefault();
                navigate('/console/register');
              }}
            >
              Register a certificate
            </Button>
          }
        >
          Find certificates
        </Header>
      }
    >
      <SpaceBetween size="l">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const v = value.trim();
            if (!v) return;
            if (by === 'certificateNumber') navigate(certificateHref(v));
            else setParams({ [by]: v });
          }}
        >
          <Container header={<Header variant="h2">Search</Header>}>
            <SpaceBetween direction="horizontal" size="s" alignItems="end">
              <FormField label="Find by" controlId="find-by">
                <Select
                  controlId="find-by"
                  selectedOption={BY.find((b) => b.value === by)!}
                  options={[...BY]}
                  onChange={(e) => setBy(e.detail.selectedOption.value as By)}
                />
              </FormField>
              <FormField label={label} controlId="find-value">
                <Input controlId="find-value" value={value} onChange={(e) => setValue(e.detail.value)} />
              </FormField>
              <Button variant="primary">Find</Button>
            </SpaceBetween>
          </Container>
        </form>
        {asked && error && <Problem error={error} />}
        {asked && !error && (
          <Table
            variant="container"
            loading={loading}
            loadingText="Finding certificates"
            header={
              <Header variant="h2" counter={data ? `(${data.certificates.length})` : undefined}>
                Certificates with {asked.label.toLowerCase()} {askedValue}
              </Header>
            }
            items={data?.certificates ?? []}
            trackBy="certificateNumber"
            empty={
              <Box textAlign="center">
                No certificate has {asked.label.toLowerCase()} {askedValue}.
              </Box>
            }
            columnDefinitions={[
              {
                id: 'n',
                header: 'Certificate',
                isRowHeader: true,
                cell: (c) => (
                  <Link
                    href={certificateHref(c.certificateNumber)}
                    onFollow={(e) => {
                      e.preventDefault();
                      navigate(certificateHref(c.certificateNumber));
                    }}
                  >
                    {c.certificateNumber}
                  </Link>
                ),
              },
              { id: 'company', header: 'Company', cell: (c) => c.company.name },
              { id: 'tier', header: 'Tier', cell: (c) => c.tier },
              { id: 'term', header: 'Term', cell: (c) => `${c.term.start} to ${c.term.end}` },
              { id: 'order', header: 'Sales order', cell: (c) => c.salesOrderNumber },
              {
                id: 'products',
                header: 'Products',
                cell: (c) =>
                  c.products.map((p) => `${p.product} ${p.version} (${p.serialNumber})`).join(', '),
              },
              {
                id: 'status',
                header: 'Status',
                cell: (c) => (
                  <StatusIndicator type={c.status === 'ACTIVE' ? 'success' : 'stopped'}>
                    {c.status}
                  </StatusIndicator>
                ),
              },
            ]}
          />
        )}
        {data?.truncated && (
          <Alert type="info">
            More than {data.certificates.length} certificates match: narrow the search.
          </Alert>
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
