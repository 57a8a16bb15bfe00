/** `/console/products` — open a product's page by name, or one opened before in this browser. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { seg } from '../../api.ts';
import { recentProducts } from './recent.ts';

export default function ProductList() {
  const navigate = useNavigate();
  const [product, setProduct] = useState('');
  const [missing, setMissing] = useState(false);
  const recent = recentProducts();
  const open = (event: FormEvent) => {
    event.preventDefault();
    const name = product.trim();
    if (!name) return setMissing(true);
    navigate(`/console/products/${seg(name)}`);
  };
  const follow = (name: string) => (e: CustomEvent) => {
    e.preventDefault();
    navigate(`/console/products/${seg(name)}`);
  };
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="A product's majors, their lifecycle, its releases and their history."
        >
          Products
        </Header>
      }
    >
      <SpaceBetween size="l">
        <form onSubmit={open}>
          <Form
            actions={
              <Button variant="primary" formAction="submit">
                Open
              </Button>
            }
          >
            <Container header={<Header variant="h2">Open a product</Header>}>
              <FormField
                label="Product"
                controlId="product-name"
                description="As releases and registrations name it, for example Backup Exec."
                errorText={missing ? 'Enter a product name.' : undefined}
              >
                <Input
                  controlId="product-name"
                  value={product}
                  onChange={({ detail }) => {
                    setProduct(detail.value);
                    setMissing(false);
                  }}
                />
              </FormField>
            </Container>
          </Form>
        </form>
        <Container header={<Header variant="h2">Opened before in this browser</Header>}>
          {recent.length ? (
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {recent.map((name) => (
                <li key={name}>
                  <Link href={`/console/products/${seg(name)}`} onFollow={follow(name)}>
                    {name}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <Box color="text-body-secondary">None yet: the products you open will be listed here.</Box>
          )}
        </Container>
      </SpaceBetween>
    </ContentLayout>
  );
}
