// Every known version shape, oldest first. A new Immich release that changes what the journeys
// see is one new file beside these, added here.
import { compareVersions, versionString, type ServerVersion } from '../version.js';
import type { VersionShape } from './shape.js';
import { v1 } from './v1.js';
import { v3 } from './v3.js';

export type { VersionShape, JourneyHooks, LabShape } from './shape.js';

export const SHAPES: readonly VersionShape[] = [v1, v3];

export interface ShapeChoice {
  shape: VersionShape;
  /** false: no shape describes this version; the nearest older one (or the oldest) is used. */
  supported: boolean;
}

export function shapeFor(version: ServerVersion | undefined): ShapeChoice {
  const newest = SHAPES[SHAPES.length - 1]!;
  if (!version) return { shape: newest, supported: false };
  const exact = SHAPES.find((s) => compareVersions(s.from, version) <= 0 && compareVersions(version, s.below) < 0);
  if (exact) return { shape: exact, supported: true };
  const older = [...SHAPES].reverse().find((s) => compareVersions(s.from, version) <= 0);
  return { shape: older ?? SHAPES[0]!, supported: false };
}

/** The shape the lab imitates: by name ("v1.135"), major ("v1", "1") or full version ("1.135.3"). */
export function labShape(spec: string | undefined): VersionShape {
  if (!spec) return newestShape();
  const s = spec.trim().replace(/^v/i, '');
  const found = SHAPES.find((x) => x.name.replace(/^v/, '') === s || versionString(x.lab.version) === s || String(x.lab.version.major) === s);
  if (!found) throw new Error(`HEADERPROOF_LAB_VERSION: "${spec}" is not a version the lab imitates; use one of ${SHAPES.map((x) => `${x.name} (${versionString(x.lab.version)})`).join(', ')}`);
  return found;
}

export function newestShape(): VersionShape {
  return SHAPES[SHAPES.length - 1]!;
}
