/**
 * GET /products/{product}/releases/{version}/entitlements/{serialNumber} — is this serial
 * entitled to the release, and why. The decision recorded answers: on the GA date, or when a
 * serial registered since was registered (DecideLateUpgrades). One not recorded (already on
 * the version, or its registration's decision failed and awaits a replay) is decided now by
 * the same rule; before the GA date, nothing is decided yet.
 */
import middy from '@middy/core';
import { RegistrationStore } from '../adapters/registrations.ts';
import { ReleaseStore } from '../adapters/releases.ts';
import { NotFound } from '../core/errors.ts';
import { decideUpgrade } from '../core/upgrades.ts';
import { now } from '../shared/clock.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requireEnv } from '../shared/env.ts';
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
    const base = { serialNumber: serial.serialNumber, product, version, gaDate: release.gaDate };
    if (recorded)
      return json(200, {
        ...base,
        entitled: recorded.entitled,
        reasons: recorded.reasons,
        rule: recorded.rule,
        decidedOn: recorded.decidedAt,
        fromVersion: recorded.fromVersion,
        termsConsidered: recorded.termsConsidered,
      });

    const at = now().toISOString();
    const live = decideUpgrade(serial, release, at);
    if (at.slice(0, 10) < release.gaDate)
      return json(200, {
        ...base,
        entitled: false,
        decided: false,
        reasons: [
          `Not decided yet: ${product} ${version} becomes generally available on ${release.gaDate}, and serials are decided on that date.`,
          `On today's records it would be: ${live.reasons[0]}`,
        ],
      });
    return json(200, {
      ...base,
      entitled: live.entitled,
      reasons: [
        ...live.reasons,
        `Decided on request: serial ${serial.serialNumber} was not among those decided on the GA date (registered since, or not on an earlier version then).`,
      ],
      rule: live.rule,
      decidedOn: at,
      fromVersion: serial.version,
      termsConsidered: serial.terms,
    });
  };
}

const tableName = requireEnv('TABLE_NAME');
export const handler = middy<HttpEvent, HttpResult>()
  .use(problemJson())
  .handler(
    makeGetUpgradeEntitlement(
      new ReleaseStore(documentClient, tableName),
      new RegistrationStore(documentClient, tableName),
    ),
  );
