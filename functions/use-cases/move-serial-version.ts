/**
 * A serial runs a new version after an upgrade (PUT /serials/{serialNumber}/version):
 * 1. load the serial, strongly consistent (404 unknown);
 * 2. for a later major, load the product's releases of that major and the upgrade
 *    decisions recorded for them (on their GA dates);
 * 3. decide (core/upgrades `decideVersionMove`): the same version again changes nothing;
 *    back, or a major the serial is not entitled to, is a 422 with reasons;
 * 4. write the move in one conditional write (version, ByProduct key, history); a move
 *    that lost a race with another is a 409, unless the winner moved it to this very
 *    version (then it answers as a retry would).
 */
import type { ReleaseStore } from '../adapters/releases.ts';
import type { SerialRecord, SerialStore } from '../adapters/serials.ts';
import type { Actor } from '../core/actors.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { decideVersionMove, type UpgradeDecision } from '../core/upgrades.ts';
import { compareVersions, majorOf } from '../core/versions.ts';

export interface SerialVersionAnswer {
  serialNumber: string;
  product: string;
  version: string;
  versionHistory: NonNullable<SerialRecord['versionHistory']>;
  reasons: string[];
}

const answer = (serial: SerialRecord, reasons: string[]): SerialVersionAnswer => ({
  serialNumber: serial.serialNumber,
  product: serial.product,
  version: serial.version,
  versionHistory: serial.versionHistory ?? [],
  reasons,
});

export function moveSerialVersion(serials: SerialStore, releases: ReleaseStore) {
  return async (
    serialNumber: string,
    version: string,
    /** When, for which request, and who records the move (kept in the serial's history). */
    context: { at: string; requestId: string; actor: Actor },
  ): Promise<SerialVersionAnswer> => {
    const serial = await serials.get(serialNumber);
    if (!serial) throw new NotFound(`no serial ${serialNumber} is registered`);

    const major = majorOf(version);
    const ofMajor =
      major > majorOf(serial.version)
        ? (await releases.list(serial.product)).filter((r) => majorOf(r.version) === major)
        : [];
    const recorded = new Map<string, UpgradeDecision>();
    for (const r of ofMajor) {
      const decision = await releases.getDecision(serialNumber, serial.product, r.versionKey);
      if (decision) recorded.set(r.versionKey, decision);
    }

    const move = decideVersionMove(serial, version, ofMajor, recorded, context);
    if (move.kind === 'UNCHANGED')
      return answer(serial, [`Serial ${serialNumber} already runs ${serial.version}: nothing changed.`]);

    if (await serials.moveVersion(serial, move.entry)) {
      const history = [...(serial.versionHistory ?? []), move.entry];
      return answer({ ...serial, version: move.version, versionHistory: history }, move.reasons);
    }
    const now = await serials.get(serialNumber);
    if (now && compareVersions(now.version, version) === 0)
      return answer(now, [`Serial ${serialNumber} already runs ${now.version}: nothing changed.`]);
    throw new Conflict(
      `serial ${serialNumber} moved from ${serial.version} to ${now?.version ?? 'another version'} meanwhile: read it again and retry`,
    );
  };
}
