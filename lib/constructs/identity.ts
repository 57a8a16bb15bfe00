/**
 * Who signs in (CONTRACT.md, "Who may do what"): the stage's Amazon Cognito user pool.
 * People are users in groups named as the roles (PEOPLE_ROLES) and sign in to the console
 * (authorization code with PKCE, MFA required); systems (the order system, the licensing
 * portal) get tokens by client credentials with the `entitlements/integration` scope. API
 * Gateway's JWT authorizer accepts the access tokens of both clients; the handlers check
 * the role (functions/http/auth.ts).
 */
import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolGroup,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PEOPLE_ROLES, RESOURCE_SERVER, type Role, scopeOf } from '../../functions/core/actors.ts';
import type { IdentityConfig } from '../config.ts';

/** The role systems act in, as a scope of the resource server. */
const SYSTEM_ROLE = 'integration' satisfies Role;

const GROUP_DESCRIPTIONS: Record<(typeof PEOPLE_ROLES)[number], string> = {
  'licensing-ops': 'Registrations, certificates (read, correct, void), contacts, resends, serial versions',
  'support-engineer': 'Entitlements; certificates with masked personal data',
  'product-manager': 'Releases and lifecycles',
};

export interface IdentityProps extends IdentityConfig {
  stage: string;
}

export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly resourceServer: UserPoolResourceServer;
  /** Systems: client credentials, a secret, the `entitlements/integration` scope only. */
  readonly systemsClient: UserPoolClient;
  private console?: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly groups: Record<(typeof PEOPLE_ROLES)[number], UserPoolGroup>;
  private readonly consoleUrls: readonly string[];

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.consoleUrls = props.consoleUrls;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `entitlements-${props.stage}`,
      // Licensing operations add people; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: Mfa.REQUIRED,
      // An authenticator app: no SMS (SIM swapping, and no SMS role or spend limit to manage).
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, risky sign-ins blocked) needs the Plus plan.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      userInvitation: {
        emailSubject: 'Your entitlements console account',
        emailBody:
          'Your user name is {username} and your temporary password is {####}. Sign in to set a password and an authenticator app.',
      },
    });

    const groups: Partial<Record<(typeof PEOPLE_ROLES)[number], UserPoolGroup>> = {};
    for (const role of PEOPLE_ROLES)
      groups[role] = new UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        // The handlers read the group names from the token's `cognito:groups` as roles.
        groupName: role,
        description: GROUP_DESCRIPTIONS[role],
      });
    this.groups = groups as Record<(typeof PEOPLE_ROLES)[number], UserPoolGroup>;

    const systemScope = new ResourceServerScope({
      scopeName: SYSTEM_ROLE,
      scopeDescription: 'Registrations, imports, serial versions, certificate reads',
    });
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Entitlements API',
      scopes: [systemScope],
    });
    // The scope as the handlers read it (`entitlements/integration`), in the template as text.
    const integrationScope = OAuthScope.custom(scopeOf(SYSTEM_ROLE));

    this.systemsClient = this.userPool.addClient('SystemsClient', {
      userPoolClientName: 'systems',
      generateSecret: true,
      // No user signs in through it: only the refresh flow Cognito always allows.
      authFlows: { userSrp: false },
      oAuth: { flows: { clientCredentials: true }, scopes: [integrationScope] },
      accessTokenValidity: Duration.hours(1),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    // The scope must exist before a client may be given it.
    this.systemsClient.node.addDependency(this.resourceServer);

    // Prefix domains are unique across accounts: without a prefix from context, one made at
    // deploy from the stack's id (its UUID's first 8 hex digits), stable for the stack's life.
    const stackIdHex = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(this).stackId))));
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `entitlements-${props.stage}-${stackIdHex}` },
      // Managed login (not the classic hosted UI): the sign-in pages people see, with MFA set-up.
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }

  /**
   * The console people sign in to: authorization code with PKCE, no secret. Its callback is
   * `<origin>/console/callback` and its sign-out `<origin>/console/` for each console origin:
   * the console's CloudFront distribution and any given as `consoleUrl`. Made in `scope`,
   * beside the distribution (the stateless stack): the pool's stack cannot name a
   * distribution that is deployed after it.
   */
  addConsoleClient(scope: Construct, origins: readonly string[]): UserPoolClient {
    if (this.console) throw new Error('the console client exists already');
    this.console = new UserPoolClient(scope, 'ConsoleClient', {
      userPool: this.userPool,
      userPoolClientName: 'console',
      // A browser application keeps no secret: the code exchange is bound by PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: origins.map((origin) => `${origin}/console/callback`),
        logoutUrls: origins.map((origin) => `${origin}/console/`),
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A working day; revoked on sign-out.
      refreshTokenValidity: Duration.hours(12),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    // Managed login shows a client's pages only once it has a style: Cognito's own.
    new CfnManagedLoginBranding(scope, 'ConsoleLoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.console.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    return this.console;
  }

  /** The console's app client (`addConsoleClient`). */
  get consoleClient(): UserPoolClient {
    if (!this.console) throw new Error('addConsoleClient() first');
    return this.console;
  }

  /** The console origins given as context `consoleUrl` (each URL's origin), beside the distribution's own. */
  get consoleOrigins(): string[] {
    return [...new Set(this.consoleUrls.map((url) => new URL(url).origin))];
  }

  /** The issuer of the pool's tokens, as API Gateway's JWT authorizer checks it. */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** Where systems exchange their client id and secret for an access token. */
  get tokenEndpoint(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }
}
