/**
 * Every page of the console and the customer pages. Each page is its own chunk, loaded when
 * opened, so the first load carries only the frame (bench/console.ts measures it).
 */
import Box from '@cloudscape-design/components/box';
import Spinner from '@cloudscape-design/components/spinner';
import { lazy, type ReactNode, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AuthProvider } from './auth.tsx';
import type { PersonRole } from './roles.ts';

const StaffLayout = lazy(() => import('./layout.tsx').then((m) => ({ default: m.StaffLayout })));
const Home = lazy(() => import('./sign-in.tsx').then((m) => ({ default: m.Home })));
const SignInCallback = lazy(() => import('./sign-in.tsx').then((m) => ({ default: m.SignInCallback })));
const RequireRole = lazy(() => import('./sign-in.tsx').then((m) => ({ default: m.RequireRole })));

const EntitlementLookup = lazy(() => import('./pages/support/EntitlementLookup.tsx'));
const EntitlementPage = lazy(() => import('./pages/support/EntitlementPage.tsx'));
const CertificateSearch = lazy(() => import('./pages/ops/CertificateSearch.tsx'));
const CertificatePage = lazy(() => import('./pages/ops/CertificatePage.tsx'));
const RegisterPage = lazy(() => import('./pages/ops/RegisterPage.tsx'));
const ImportPage = lazy(() => import('./pages/ops/ImportPage.tsx'));
const ProductList = lazy(() => import('./pages/products/ProductList.tsx'));
const ProductPage = lazy(() => import('./pages/products/ProductPage.tsx'));
const ContactIdRequest = lazy(() => import('./customer/ContactIdRequest.tsx'));
const CustomerLifecycle = lazy(() => import('./customer/CustomerLifecycle.tsx'));
const NotFound = lazy(() => import('./not-found.tsx'));

const loading = (
  <Box padding="l" textAlign="center">
    <Spinner size="large" />
  </Box>
);

/** A staff page: the frame, sign-in, and the roles that may open it. */
function Staff({ roles, children }: { roles?: readonly PersonRole[]; children: ReactNode }) {
  return (
    <StaffLayout>
      <Suspense fallback={loading}>
        <RequireRole {...(roles ? { roles } : {})}>{children}</RequireRole>
      </Suspense>
    </StaffLayout>
  );
}

const OPS = ['licensing-ops'] as const;
const SUPPORT = ['support-engineer'] as const;
const PM = ['product-manager'] as const;

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Suspense fallback={loading}>
          <Routes>
            <Route path="/console/callback" element={<SignInCallback />} />
            <Route
              path="/console"
              element={
                <Staff>
                  <Home />
                </Staff>
              }
            />
            <Route
              path="/console/entitlements"
              element={
                <Staff roles={SUPPORT}>
                  <EntitlementLookup />
                </Staff>
              }
            />
            <Route
              path="/console/entitlements/:contactId"
              element={
                <Staff roles={SUPPORT}>
                  <EntitlementPage />
                </Staff>
              }
            />
            <Route
              path="/console/certificates"
              element={
                <Staff roles={OPS}>
                  <CertificateSearch />
                </Staff>
              }
            />
            <Route
              path="/console/certificates/:certificateNumber"
              element={
                <Staff roles={OPS}>
                  <CertificatePage />
                </Staff>
              }
            />
            <Route
              path="/console/register"
              element={
                <Staff roles={OPS}>
                  <RegisterPage />
                </Staff>
              }
            />
            <Route
              path="/console/imports"
              element={
                <Staff roles={OPS}>
                  <ImportPage />
                </Staff>
              }
            />
            <Route
              path="/console/products"
              element={
                <Staff roles={PM}>
                  <ProductList />
                </Staff>
              }
            />
            <Route
              path="/console/products/:product"
              element={
                <Staff roles={PM}>
                  <ProductPage />
                </Staff>
              }
            />
            <Route path="/customer/contact-id" element={<ContactIdRequest />} />
            <Route path="/customer/lifecycle/:product" element={<CustomerLifecycle />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </AuthProvider>
    </BrowserRouter>
  );
}
