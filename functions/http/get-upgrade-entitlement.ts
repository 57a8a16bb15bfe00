/**
 * GET /products/{product}/releases/{version}/entitlements/{serialNumber} — is this serial
 * entitled to the release, and why. Parse → load the release and the serial (404 when
 * either is unknown) and the decision recorded → answer (core/upgrades
 * `upgradeEntitlement`: the decision recorded; before the GA date, not decided yet; else
 * decided now by the same rule).
 */
import middy from '@middy/core';
import { RegistrationStore } from '../adapters/registrations.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { NotFound } from '../core/errors.ts';
import { upgradeEntitlement } from '../core/upgrades.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, json, problemJson } from './http.ts';
import { serialReleasePath } from './release-path.ts';

export function makeGetUpgradeEntitlement(releases: ReleaseStore, registrations: RegistrationStore) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const { product, version, versionKey, serialNumber } = serialReleasePath(event);
    const [release, [serial]] = await Promise.all([
      releases.get(product, versionKey),
      registrations.getSerials([serialNumber]),
    ]);
    if (!release) throw new NotFound(`no release ${version} of ${product} is announced`);
    if (!serial || serial.product !== product)
      throw new NotFound(`serial ${serialNumber} is not a registered serial of ${product}`);
    const recorded = await releases.getDecision(serial.serialNumber, product, versionKey);
    return json(200, upgradeEntitlement(serial, release, recorded, now().toISOString(), version));
  };
}

const { tableName } = config.table();
export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeGetUpgradeEntitlement(
      new ReleaseStore(documentClient, tableName),
      new RegistrationStore(documentClient, tableName),
    ),
  );
