/**
 * Sign-in with oidc-client-ts: authorization code with PKCE against Cognito's managed login
 * on AWS, or the local stack's issuer (one button per role, no password). The access token
 * goes to the API; its `cognito:groups` say the role, as the API's role check reads them.
 */
import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { setTokenSource } from './api.ts';
import { config } from './config.ts';
import { isPersonRole, type PersonRole } from './roles.ts';

export interface Session {
  user: User;
  role: PersonRole | undefined;
  /** Who the API will record as the actor. */
  subject: string;
}

interface AuthContext {
  session: Session | undefined;
  /** Starts sign-in; afterwards the console opens `returnTo` (a deep link survives sign-in). */
  signIn(options: { role?: PersonRole; returnTo?: string }): Promise<void>;
  signOut(): Promise<void>;
}

const Context = createContext<AuthContext | undefined>(undefined);

let manager: UserManager | undefined;
export function userManager(): UserManager {
  if (manager) return manager;
  const c = config();
  manager = new UserManager({
    authority: c.authority,
    client_id: c.clientId,
    redirect_uri: `${location.origin}/console/callback`,
    post_logout_redirect_uri: `${location.origin}/console/`,
    response_type: 'code',
    scope: 'openid',
    loadUserInfo: false,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    ...(c.logoutUrl ? { metadataSeed: { end_session_endpoint: c.logoutUrl } } : {}),
  });
  return manager;
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0))));
  } catch {
    return {};
  }
}

export function sessionOf(user: User): Session {
  const claims = claimsOf(user.access_token);
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  const role = groups.find(isPersonRole);
  const subject = String(claims.username ?? claims.sub ?? user.profile.sub);
  return { user, role, subject };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const um = userManager();
    let live = true;
    void um.getUser().then((user) => {
      if (!live) return;
      setSession(user && !user.expired ? sessionOf(user) : undefined);
      setReady(true);
    });
    const loaded = (user: User) => setSession(sessionOf(user));
    const unloaded = () => setSession(undefined);
    um.events.addUserLoaded(loaded);
    um.events.addUserUnloaded(unloaded);
    return () => {
      live = false;
      um.events.removeUserLoaded(loaded);
      um.events.removeUserUnloaded(unloaded);
    };
  }, []);

  useEffect(() => {
    setTokenSource(
      () => session?.user.access_token,
      () => {
        // The token expired or was refused: sign in again, coming back here.
        void userManager().removeUser();
      },
    );
  }, [session]);

  const signIn = useCallback(async ({ role, returnTo }: { role?: PersonRole; returnTo?: string }) => {
    await userManager().signinRedirect({
      state: { returnTo: returnTo ?? null },
      ...(config().localSignIn && role ? { extraQueryParams: { role } } : {}),
    });
  }, []);

  const signOut = useCallback(async () => {
    const um = userManager();
    const c = config();
    await um.removeUser();
    setSession(undefined);
    // Cognito's /logout takes client_id and logout_uri; the local issuer takes the standard name.
    await um.signoutRedirect(
      c.localSignIn
        ? { post_logout_redirect_uri: `${location.origin}/console/` }
        : { extraQueryParams: { client_id: c.clientId, logout_uri: `${location.origin}/console/` } },
    );
  }, []);

  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  if (!ready) return null;
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useAuth(): AuthContext {
  const value = useContext(Context);
  if (!value) throw new Error('useAuth() outside <AuthProvider>');
  return value;
}
