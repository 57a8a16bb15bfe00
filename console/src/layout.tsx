/** The staff console's frame: top bar (who is signed in, sign out), each role's navigation. */
import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation, { type SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { type ReactNode, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useAuth } from './auth.tsx';
import { type PersonRole, ROLE_LABELS } from './roles.ts';

const NAVIGATION: Record<PersonRole, SideNavigationProps.Item[]> = {
  'support-engineer': [{ type: 'link', text: 'Check entitlement', href: '/console/entitlements' }],
  'licensing-ops': [
    { type: 'link', text: 'Find certificates', href: '/console/certificates' },
    { type: 'link', text: 'Register a certificate', href: '/console/register' },
    { type: 'link', text: 'Import a CSV', href: '/console/imports' },
  ],
  'product-manager': [{ type: 'link', text: 'Products', href: '/console/products' }],
};

export function StaffLayout({ children }: { children: ReactNode }) {
  const { session, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  // Open on every page: left to itself, the layout came back collapsed after a modal closed.
  const [navigationOpen, setNavigationOpen] = useState(true);
  const role = session?.role;
  const follow = (event: CustomEvent<{ href: string; external?: boolean }>) => {
    if (event.detail.external) return;
    event.preventDefault();
    navigate(event.detail.href);
  };
  return (
    <>
      <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{
            href: '/console/',
            title: 'Entitlements console',
            onFollow: (e) => {
              e.preventDefault();
              navigate('/console/');
            },
          }}
          utilities={
            session
              ? [
                  {
                    type: 'menu-dropdown',
                    text: session.subject,
                    description: role ? ROLE_LABELS[role] : 'no console role',
                    iconName: 'user-profile',
                    items: [{ id: 'sign-out', text: 'Sign out' }],
                    onItemClick: (e) => {
                      if (e.detail.id === 'sign-out') void signOut();
                    },
                  },
                ]
              : []
          }
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        toolsHide
        ariaLabels={{
          navigation: 'Navigation',
          navigationClose: 'Close navigation',
          navigationToggle: 'Open navigation',
        }}
        navigationHide={!role}
        navigationOpen={navigationOpen}
        onNavigationChange={(e) => setNavigationOpen(e.detail.open)}
        navigation={
          role ? (
            <SideNavigation
              header={{ text: ROLE_LABELS[role], href: '/console/' }}
              activeHref={location.pathname}
              items={NAVIGATION[role]}
              onFollow={follow}
            />
          ) : undefined
        }
        content={children}
      />
    </>
  );
}
