/**
 * Where the console signs in, read at start from /console/config.json: the local stack
 * answers it itself; on AWS the deployment writes it next to the app (lib/constructs/console.ts).
 */
export interface ConsoleConfig {
  /** The OIDC issuer: Cognito's user pool, or the local stack's `…/_local`. */
  authority: string;
  clientId: string;
  /** Local only: one sign-in button per role, no password page. */
  localSignIn: boolean;
  /** Cognito's managed-login sign-out (`https://<domain>/logout`); the local stack has its own. */
  logoutUrl?: string;
  /** Where the API answers; '' when it is this origin (the local stack, CloudFront). */
  apiBase: string;
}

let loaded: ConsoleConfig | undefined;

export async function loadConfig(): Promise<ConsoleConfig> {
  if (loaded) return loaded;
  const res = await fetch('/console/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`the console's configuration did not load (${res.status})`);
  loaded = (await res.json()) as ConsoleConfig;
  return loaded;
}

export const config = (): ConsoleConfig => {
  if (!loaded) throw new Error('loadConfig() first');
  return loaded;
};
