/**
 * Announce a release's general availability (PUT /products/{p}/releases/{v}):
 * 1. read the release as stored and decide (core/upgrades: the same date again changes
 *    nothing; another date once GA has come is 409);
 * 2. a first announcement needs a registered serial of the product (404);
 * 3. store a change (409 when another request changed it meanwhile);
 * 4. a release not decided yet gets its GA run: a one-time schedule for a GA date to come;
 *    when the date has come (announced late, or moved earlier), the run now, the schedule
 *    of its earlier date removed. A retry makes sure of the same again.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ReleaseStore } from '../adapters/releases.ts';
import type { OneTimeSchedules } from '../adapters/scheduler.ts';
import { startOnce } from '../adapters/workflows.ts';
import type { Actor } from '../core/actors.ts';
import { dayOf } from '../core/calendar.ts';
import { Conflict } from '../core/errors.ts';
import { requireRegisteredSerials } from '../core/lifecycle.ts';
import { decideRelease, gaRun, gaRunSchedule, type Release, type ReleaseRequest } from '../core/upgrades.ts';
import { versionSortKey } from '../core/versions.ts';

export function announceRelease(
  store: ReleaseStore,
  schedules: OneTimeSchedules,
  sfn: SFNClient,
  gaRunArn: string,
) {
  return async (
    product: string,
    version: string,
    request: ReleaseRequest,
    at: Date,
    actor: Actor,
  ): Promise<{ release: Release; created: boolean }> => {
    const current = await store.get(product, versionSortKey(version));
    const { release, changed } = decideRelease(product, version, request, current, at, actor);
    if (!current) requireRegisteredSerials({ product }, await store.hasSerials(product));
    if (changed)
      await store.save(release).catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
        throw new Conflict(`the release ${product} ${version} changed meanwhile: read it again and retry`);
      });
    if (release.status === 'DECIDED') return { release, created: !current };

    // The release as asked for: its run and schedule are named after it.
    const asked = { product, version, gaDate: release.gaDate };
    if (release.gaDate > dayOf(at))
      await schedules.put({ ...gaRunSchedule(asked), workflow: 'UpgradeDecisions' });
    else {
      if (current && changed) await schedules.remove(gaRunSchedule(asked).name);
      const run = gaRun(asked);
      await startOnce(sfn, gaRunArn, run.name, run.input);
    }
    return { release, created: !current };
  };
}
