// How often a run signed in through an app's login form, and how many journeys started with their
// worker's kept session instead (AppProfile.formSession): part of the load a run puts on the host.
import type { Summary } from './model.js';

export function describeSignIns(summary: Summary): string | undefined {
  const all = [...summary.baseline, ...summary.policies.flatMap((p) => p.journeys)];
  const form = all.filter((j) => j.signIn === 'form').length;
  const resumed = all.filter((j) => j.signIn === 'resumed').length;
  if (!form && !resumed) return undefined;
  return `signed in through the login form ${form} time(s) (once per worker, engine and policy, and again where a session was lost); ${resumed} journey(s) resumed their worker's session instead`;
}
