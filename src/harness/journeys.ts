// Which journeys a run has: the app profile's folder, or the user's own (journeysDir), one journey
// per *.spec.ts file — or, for a generic app written as config, one per page it lists (the files
// make tests from the config, each named by its title "<journey>: …").
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppProfile } from '../apps/profile.js';
import { journeyNameOf } from './journey-name.js';

export class JourneysDirError extends Error {}

export interface JourneyPlan {
  dir: string;
  /** Every journey's name. */
  names: string[];
  pageless: string[];
  phone: string[];
  /** The Playwright project settings that run just these journeys. */
  select(list: string[]): { testDir: string; testMatch?: string[]; grep?: RegExp };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function journeyPlan(app: AppProfile, userDir?: string): JourneyPlan {
  if (userDir) {
    if (!existsSync(userDir)) throw new JourneysDirError(`journeysDir: ${userDir} does not exist; point it at a folder of *.spec.ts journeys (see docs/apps.md, "Your own journeys")`);
    const files = readdirSync(userDir).filter((f) => /\.spec\.[cm]?[jt]s$/.test(f)).sort();
    if (!files.length) throw new JourneysDirError(`journeysDir: ${userDir} has no *.spec.ts journey; write one (see docs/apps.md, "Your own journeys")`);
    const byName = new Map(files.map((f) => [journeyNameOf(f), f]));
    return { dir: userDir, names: [...byName.keys()], pageless: [], phone: [], select: (list) => ({ testDir: userDir, testMatch: list.map((j) => byName.get(j) ?? `${j}.spec.ts`) }) };
  }
  if (app.journeys) {
    const names = app.journeys;
    return {
      dir: app.journeysDir, names, pageless: [], phone: [],
      select: (list) => ({ testDir: app.journeysDir, ...(list.length === names.length ? {} : { grep: new RegExp(`(^|\\s)(${list.map(escape).join('|')}): `) }) }),
    };
  }
  // The app's journeys: *.spec.ts in a clone, compiled *.spec.js in the installed package.
  const files = readdirSync(app.journeysDir).filter((f) => /\.spec\.[cm]?[jt]s$/.test(f));
  const fileOf = new Map(files.map((f) => [journeyNameOf(f), f]));
  const names = [...fileOf.keys()].sort();
  return {
    dir: app.journeysDir, names, pageless: app.pagelessJourneys ?? [], phone: app.phoneJourneys ?? [],
    select: (list) => ({ testDir: app.journeysDir, testMatch: list.map((j) => fileOf.get(j) ?? `${j}.spec.ts`) }),
  };
}

/**
 * Why the user's journeys could not import `headerproof/fixtures`, if they could not. It resolves
 * where headerproof is installed in their project (node_modules/headerproof in the folder or above),
 * and from a clone of headerproof for a folder anywhere (the clone's tsconfig.journeys.json maps
 * it), as long as that folder holds ES modules (headerproof's sources are: a CommonJS journey
 * cannot load them). A global install alone serves the shipped journeys only.
 */
export function fixturesProblem(userDir: string, installedAt: string): string | undefined {
  const files = readdirSync(userDir).filter((f) => /\.spec\.[cm]?[jt]s$/.test(f));
  const importing = files.filter((f) => readFileSync(path.join(userDir, f), 'utf8').includes('headerproof/fixtures'));
  if (!importing.length) return undefined;
  for (let dir = path.resolve(userDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', 'headerproof', 'package.json'))) return undefined;
    if (path.dirname(dir) === dir) break;
  }
  const clone = existsSync(path.join(installedAt, 'tsconfig.journeys.json'));
  if (!clone) return `journeysDir: ${importing[0]} imports headerproof/fixtures, which resolves only where headerproof is installed in your project: run npm install --save-dev headerproof there (a global install runs the shipped journeys only)`;
  if (nearestPackageType(userDir) === 'module') return undefined;
  return `journeysDir: ${importing[0]} is loaded as CommonJS, and headerproof/fixtures is an ES module: put a package.json with {"type": "module"} in ${path.resolve(userDir)}`;
}

/** The "type" of the package.json nearest to a folder (Node's rule for .js and .ts files). */
function nearestPackageType(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}
