// Whether a shared enforced pass (src/proxy/share.ts) may stand for each of its members. Only a
// clean pass does: for every member, every journey that passes on the baseline passed and nothing
// new was reported or blocked, and the proxy found nothing that makes the combination looser than a
// member alone. Then each member alone would get the same verdict (safe). Anything else says nothing about a member alone: its
// verdict is inconclusive and marked unsettled, with whether the findings point at it, for the
// CLI's split (src/run/run.ts). Pure.
import { parsePermissionsPolicy } from '../policy/permissions-policy.js';
import type { PolicyVerdict } from '../report/model.js';

/** A feature the member's own Permissions-Policy restricts (anything but `*`). */
function restrictsFeature(verdict: PolicyVerdict, feature: string): boolean {
  const value = Object.entries(verdict.policy.model?.set ?? {}).find(([n]) => n.toLowerCase() === 'permissions-policy')?.[1];
  if (!value) return false;
  try {
    return parsePermissionsPolicy(value).some((e) => e.feature === feature && !e.allow.includes('*'));
  } catch {
    return false;
  }
}

/** Whether a shared pass's findings point at this member: its own CSP reported or blocked something new, or a feature its Permissions-Policy restricts was refused. */
export function pointsAt(verdict: PolicyVerdict): boolean {
  return verdict.journeys.some((j) => j.newViolations.some((v) => v.kind === 'csp' || (v.kind === 'permissions-policy' && restrictsFeature(verdict, v.directive))));
}

/** A shared pass: its project, the other members, and why it proves nothing when it does not. */
export interface SharedPass { name: string; with: string[]; unsound?: string }

/** A journey that passed where the baseline did, with nothing new reported or blocked. */
const cleanJourney = (j: PolicyVerdict['journeys'][number]) => !j.newViolations.length && (j.baseline !== 'passed' || j.candidate === 'passed');

/**
 * Clean for one member: every journey that passes on the baseline passed, and nothing new was
 * reported or blocked. (A journey that fails on the baseline leaves the member inconclusive alone
 * too: that does not make the pass unclean.)
 */
function cleanIn(v: PolicyVerdict): boolean {
  return (v.verdict === 'safe' || v.verdict === 'inconclusive') && v.journeys.every(cleanJourney);
}

/**
 * The journeys of an unclean pass that were not clean for some member. Each journey runs in a
 * context of its own, so the argument for a clean pass holds journey by journey: one that passed
 * with nothing new for every member would pass alone for each. Undefined (re-run everything) when
 * the pass proved nothing at all, or no single journey explains why it was not clean.
 */
export function uncleanJourneys(pass: SharedPass, group: PolicyVerdict[]): string[] | undefined {
  if (pass.unsound) return undefined;
  const names = [...new Set(group.flatMap((v) => v.journeys.filter((j) => !cleanJourney(j)).map((j) => j.journey)))].sort();
  return names.length ? names : undefined;
}

export function settleShared(verdict: PolicyVerdict, pass: SharedPass, group: PolicyVerdict[]): PolicyVerdict {
  const clean = !pass.unsound && group.every(cleanIn);
  if (clean) return { ...verdict, sharedWith: pass.with };
  const others = group.filter((v) => v !== verdict && !cleanIn(v)).map((v) => `${v.policy.name} ${v.verdict}`);
  const what = pass.unsound ?? `this policy ${verdict.verdict}${others.length ? `, ${others.join(', ')}` : ''} together`;
  const { engines: _e, ...rest } = verdict;
  const journeys = uncleanJourneys(pass, group);
  return {
    ...rest,
    verdict: 'inconclusive',
    reasons: [`shared an enforced pass with ${pass.with.join(', ')} that was not clean (${what}): that says nothing about this policy alone; \`headerproof run\` re-runs it apart (or give --no-share)`],
    suggestions: [],
    unsettled: { with: pass.with, pointed: pointsAt(verdict), ...(journeys ? { journeys } : {}) },
  };
}
