#!/usr/bin/env -S npx tsx
/**
 * The CDK app: `npx cdk synth` (offline), `npx cdk deploy --all -c stage=prod -c senderAddress=...`.
 * Context: `stage` (default `dev`), `senderAddress` (cdk.json), `createSenderIdentity` (default false),
 * `operationsEmail`, `consoleUrl` (the console's sign-in callback URLs; required on prod), `cognitoDomainPrefix`.
 */
import { App } from 'aws-cdk-lib';
import { buildService } from '../lib/app.ts';

buildService(new App());
