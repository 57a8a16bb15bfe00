/**
 * Version numbers (DOMAIN.md "Versions and their lifecycle"): major.minor[.patch],
 * optionally a maintenance pack: `12.0`, `12.5`, `12.0 MP 1`.
 */
import * as z from './zod.ts';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  maintenancePack: number;
}

const VERSION = /^(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?: MP (\d{1,3}))?$/;

export function parseVersion(value: string): Version | null {
  const m = VERSION.exec(value);
  if (!m) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2] ?? 0),
    patch: Number(m[3] ?? 0),
    maintenancePack: Number(m[4] ?? 0),
  };
}

export const VersionString = z
  .string()
  .check(z.refine((v) => parseVersion(v) !== null, 'a version is like 12.0, 12.5, 12.0.1 or 12.0 MP 1'));

/** A string that sorts like the version: used as a DynamoDB sort key. */
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** How every version key of a major begins: its versions sort together, in order. */
export const majorKeyPrefix = (major: number) => `${pad(major, 4)}.`;

export function versionSortKey(value: string): string {
  const v = parseVersion(value);
  if (!v) throw new Error(`not a version: ${value}`);
  return `${majorKeyPrefix(v.major)}${pad(v.minor, 4)}.${pad(v.patch, 4)}.${pad(v.maintenancePack, 3)}`;
}

export function compareVersions(a: string, b: string): number {
  const ka = versionSortKey(a);
  const kb = versionSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function majorOf(value: string): number {
  const v = parseVersion(value);
  if (!v) throw new Error(`not a version: ${value}`);
  return v.major;
}
