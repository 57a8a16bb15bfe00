#!/usr/bin/env -S npx tsx
/**
 * The CDK app: `npx cdk synth` (offline), `npx cdk deploy --all -c stage=prod -c senderAddress=...`.
 * Context: `stage` (default `dev`), `senderAddress` (cdk.json), `createSenderIdentity` (default false),
 * `operationsEmail`, `consoleUrl` (other origins of the console than its distribution), `consoleCertificateArn`
 * (their ACM certificate, us-east-1), `consoleDist` (default console/dist: `npm run console:build`), `cognitoDomainPrefix`.
 */
import { App } from 'aws-cdk-lib';
import { buildService } from '../lib/app.ts';

buildService(new App());
