// Whether a policy only reports: every header it serves is a -Report-Only twin (or where reports
// go), and it removes nothing a browser acts on. Such a policy changes nothing a page does, so a
// journey that fails under it failed for another reason (the host, the machine's load): the verdict
// never calls that a break (src/verdict/verdict.ts) and the run tries it again alone (src/run/run.ts).
import type { Policy } from './policy.js';

/** Headers no browser acts on: removing one changes nothing a page does. */
export const INFORMATIONAL_HEADERS = new Set(['x-powered-by', 'server', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-generator', 'x-runtime', 'via']);

/** Headers that only say where reports go. */
const REPORTING = new Set(['reporting-endpoints', 'report-to', 'nel']);

export type PolicyShape = Pick<Policy, 'set' | 'remove' | 'csp'>;

export function reportsOnly(policy: PolicyShape): boolean {
  if (policy.csp && !policy.csp.reportOnly) return false;
  const sets = Object.keys(policy.set).map((h) => h.toLowerCase());
  if (!policy.csp && !sets.length) return false; // the baseline, or a policy that only removes
  if (sets.some((h) => !h.endsWith('-report-only') && !REPORTING.has(h))) return false;
  // Removing the app's own report-only CSP, or an informational header, changes nothing either.
  return policy.remove.every((h) => INFORMATIONAL_HEADERS.has(h.toLowerCase()) || h.toLowerCase() === 'content-security-policy-report-only' || sets.includes(h.toLowerCase()));
}
