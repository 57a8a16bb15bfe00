import Box from '@cloudscape-design/components/box';
import Link from '@cloudscape-design/components/link';

export default function NotFound() {
  return (
    <Box padding="xxl">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>. Staff: <Link href="/console/">the console</Link>
        . Customers: <Link href="/customer/contact-id">request your Contact ID</Link>.
      </p>
    </Box>
  );
}
