/**
 * The HTTP API of functions/http/routes.ts: one function per route; every route with roles
 * behind one JWT authorizer (the stage's Cognito user pool: a valid access token of one of
 * its app clients, else API Gateway's own 401), the public ones open; the handlers check the
 * role (functions/http/auth.ts). Access logs and throttling on the default stage, tighter on
 * the public self-service form.
 */
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowName } from '../../functions/catalog.ts';
import { ROUTES, type Route } from '../../functions/http/routes.ts';
import { serviceName } from '../config.ts';
import { acknowledgeGuard } from './guard.ts';
import type { Imports } from './imports.ts';
import { serviceLogGroup } from './log-group.ts';
import { type ScheduleBinding, ServiceFunction } from './service-function.ts';
import type { UnsubscribeSigning } from './unsubscribe-signing.ts';

/**
 * Routes throttled below the stage's rate, by route id: the self-service form is public, so
 * anyone may post it; the handler caps the emails per certificate, this caps the load.
 */
export const ROUTE_THROTTLES: Readonly<Record<string, ThrottleSettings>> = {
  PostContactIdRequest: { rateLimit: 5, burstLimit: 10 },
};

export interface ServiceHttpApiProps {
  stage: string;
  table: ITable;
  /** Who issues the access tokens the routes with roles accept, and for which app clients. */
  tokens: { issuer: string; audience: readonly string[] };
  stateMachines: Record<WorkflowName, IStateMachine>;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** Requests per second across the stage (steady state, burst). */
  throttle?: { rateLimit: number; burstLimit: number };
  routes?: readonly Route[];
  /** For routes that manage one-time schedules. */
  schedules?: ScheduleBinding;
  /** For routes that sign or verify unsubscribe links (`access.unsubscribe`). */
  unsubscribe?: UnsubscribeSigning;
  /** The stage's settings (lib/config.ts): a correction's or resend's email carries its links and support contacts. */
  settings?: Readonly<Record<string, string>>;
  /** For routes that presign import uploads or reports (`access.imports`). */
  imports?: Imports;
}

export class ServiceHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: Record<string, ServiceFunction>;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: ServiceHttpApiProps) {
    super(scope, id);

    // One authorizer for every route with roles. No scopes on the routes: a person's token
    // carries groups, a system's a scope, and the handlers read both as roles.
    this.authorizer = new HttpJwtAuthorizer('CognitoAccessToken', props.tokens.issuer, {
      // A Cognito access token has no `aud`: API Gateway then matches its `client_id`.
      jwtAudience: [...props.tokens.audience],
    });
    this.api = new HttpApi(this, 'Api', {
      apiName: serviceName(props.stage),
      description: 'Entitlement and renewal lifecycle service (Cognito access tokens; public routes open)',
      defaultAuthorizer: this.authorizer,
      createDefaultStage: false,
    });

    const accessLogs = serviceLogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            // Who called: a person's or a system's subject (a system's is its client id), never a name.
            subject: '$context.authorizer.claims.sub',
            clientId: '$context.authorizer.claims.client_id',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    this.functions = {};
    const routeSettings: Record<string, object> = {};
    for (const route of props.routes ?? ROUTES) {
      const fn = new ServiceFunction(this, route.id, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        // API Gateway gives up on an integration after 30 s.
        timeout: Duration.seconds(29),
        ...(props.settings ? { environment: { ...props.settings } } : {}),
        logRetention: props.logRetention,
        logRemovalPolicy: props.logRemovalPolicy,
      });
      if (route.access.table) fn.bindTable(props.table, route.access.table);
      for (const workflow of route.access.start ?? [])
        fn.bindWorkflow(props.stateMachines[workflow], workflow);
      if (route.access.schedules) {
        if (!props.schedules) throw new Error(`route ${route.id} manages schedules: pass the schedules`);
        fn.bindSchedules(props.schedules);
      }
      for (const workflow of route.access.startSync ?? [])
        fn.bindSyncWorkflow(props.stateMachines[workflow], workflow);
      if (route.access.imports) {
        if (!props.imports) throw new Error(`route ${route.id} presigns import files: pass the imports`);
        props.imports.bindRoute(fn, route.access.imports);
      }
      if (route.access.unsubscribe) {
        if (!props.unsubscribe)
          throw new Error(`route ${route.id} verifies unsubscribe links: pass the signing`);
        props.unsubscribe.bind(fn, this.api.apiEndpoint);
      }
      const httpRoutes = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
        // Open to anyone (routes.ts says why); every other route needs the pool's access token.
        authorizer: route.public ? new HttpNoneAuthorizer() : this.authorizer,
      });
      const throttle = ROUTE_THROTTLES[route.id];
      if (throttle) {
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: throttle.rateLimit,
          ThrottlingBurstLimit: throttle.burstLimit,
        };
        // The stage's settings name the route by its key: it must exist first.
        for (const httpRoute of httpRoutes) this.stage.node.addDependency(httpRoute);
      }
      if (route.public)
        for (const httpRoute of httpRoutes) {
          acknowledgeGuard(httpRoute, 'api_gw_v2_authorization_type_configured_check', route.public);
          // cdk-nag names no finding for this rule: the whole rule, on this route only.
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason: route.public,
          });
        }
      // The integration's invoke permission is created under its route.
      for (const httpRoute of httpRoutes)
        acknowledgeGuard(
          httpRoute,
          'lambda_function_public_access_prohibited_check',
          "Not public: API Gateway may invoke the function only with SourceArn set to this API's route (arn:…:execute-api:<region>:<account>:<api id>/*/*<path>), which names the account. cfn-guard reads only literal strings or Ref/GetAtt there, not the Fn::Join of an environment-agnostic template.",
        );
      this.functions[route.id] = fn;
    }
    // The L2 stage throttles the stage as a whole; per-route limits are CloudFormation's RouteSettings.
    if (Object.keys(routeSettings).length > 0)
      (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }

  get url(): string {
    return this.stage.url;
  }
}
