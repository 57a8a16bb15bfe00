/**
 * The staff sign-in page, and the guard every staff page sits behind. Locally, one button per
 * role (CONTRACT.md "The console"); on AWS, Cognito's managed login. A deep link opened signed
 * out comes back to the same page after sign-in.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import type { UserManager } from 'oidc-client-ts';
import { type ReactNode, useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { sessionOf, useAuth, userManager } from './auth.tsx';
import { config } from './config.ts';
import { HOME, PEOPLE_ROLES, type PersonRole, ROLE_LABELS } from './roles.ts';

export function SignInPage({ returnTo }: { returnTo?: string }) {
  const { signIn } = useAuth();
  const local = config().localSignIn;
  return (
    <ContentLayout header={<Header variant="h1">Sign in to the entitlements console</Header>}>
      <Container
        header={
          <Header
            variant="h2"
            description={
              local
                ? 'This is the local stack: choose the role to sign in as. On AWS, Amazon Cognito asks for a password and a code.'
                : 'Licensing ops, support engineers and product managers sign in with their company account.'
            }
          >
            {local ? 'Sign in as' : 'Sign in'}
          </Header>
        }
      >
        <SpaceBetween direction="horizontal" size="s">
          {local ? (
            PEOPLE_ROLES.map((role) => (
              <Button
                key={role}
                variant="primary"
                onClick={() => void signIn({ role, ...(returnTo ? { returnTo } : {}) })}
              >
                {ROLE_LABELS[role]}
              </Button>
            ))
          ) : (
            <Button variant="primary" onClick={() => void signIn(returnTo ? { returnTo } : {})}>
              Sign in
            </Button>
          )}
        </SpaceBetween>
      </Container>
      <Box margin={{ top: 'l' }} color="text-body-secondary">
        Customers: <Link href="/customer/contact-id">request your Contact ID again</Link>.
      </Box>
    </ContentLayout>
  );
}

/** `/console/callback`: finishes the code exchange, then opens the page sign-in started from. */
/** The code exchange, once: React's development mode runs effects twice, and a code works once. */
let exchange: ReturnType<UserManager['signinRedirectCallback']> | undefined;

export function SignInCallback() {
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  useEffect(() => {
    exchange ??= userManager().signinRedirectCallback();
    exchange
      .then((user) => {
        const returnTo = (user.state as { returnTo?: string | null } | undefined)?.returnTo;
        const { role } = sessionOf(user);
        navigate(returnTo ?? (role ? HOME[role] : '/console/'), { replace: true });
      })
      .catch((e: Error) => setError(e.message));
  }, [navigate]);
  if (error)
    return (
      <Box padding="l">
        <Alert
          type="error"
          header="Sign-in did not complete"
          action={<Button href="/console/">Try again</Button>}
        >
          {error}
        </Alert>
      </Box>
    );
  return (
    <Box padding="l" textAlign="center">
      <Spinner size="large" /> Signing in…
    </Box>
  );
}

/** Signed-in staff only; with `roles`, only those roles (the API refuses the others too). */
export function RequireRole({ roles, children }: { roles?: readonly PersonRole[]; children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <SignInPage returnTo={`${location.pathname}${location.search}`} />;
  if (roles && (!session.role || !roles.includes(session.role)))
    return (
      <ContentLayout header={<Header variant="h1">Not available to your role</Header>}>
        <Alert type="warning" header="You cannot open this page">
          This page is for {roles.map((r) => ROLE_LABELS[r]).join(' and ')}. You are signed in as{' '}
          {session.subject} ({session.role ? ROLE_LABELS[session.role] : 'no console role'}).{' '}
          {session.role && <Link href={HOME[session.role]}>Go to your start page</Link>}
        </Alert>
      </ContentLayout>
    );
  return <>{children}</>;
}

/** `/console/`: each role's start page, or the sign-in page. */
export function Home() {
  const { session } = useAuth();
  if (!session) return <SignInPage />;
  if (session.role) return <Navigate to={HOME[session.role]} replace />;
  return (
    <Alert type="warning" header="No console role">
      {session.subject} is in none of the console's groups (
      {PEOPLE_ROLES.map((r: PersonRole) => ROLE_LABELS[r]).join(', ')}).
    </Alert>
  );
}
