// A stacked pass (src/proxy/stack.ts) as one journey record per member, and one for the baseline
// when it rode along: the journey's outcome is shared (report-only headers change nothing the page
// does), the violations are each one's own. A shared enforced pass (src/proxy/share.ts) splits the
// same way; whether its outcome may stand for each member is the verdict's to say (src/verdict/shared.ts).
import { ownersOf } from '../proxy/stack.js';
import { BASELINE_POLICY_FILE } from '../policy/files.js';
import type { ViolationGroup } from '../observe/violation.js';
import type { JourneyRecord } from './summary.js';
import type { PolicyModel } from '../blame/suggest.js';

/** The target's own headers (names) a policy replaces: one it sets, or its CSP of the same kind. */
export function replacedBy(model: PolicyModel, upstream: string[]): string[] {
  const own = new Set(upstream.map((h) => h.toLowerCase()));
  const touched = [...Object.keys(model.set), ...(model.csp ? [model.csp.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy'] : [])];
  return [...new Set(touched.map((h) => h.toLowerCase()).filter((h) => own.has(h)))].sort();
}

/**
 * One record per member, named and filed as the member, holding only the violations it reported;
 * with `baseline`, also the baseline's record (the violations no member caused).
 */
export function splitStack(record: JourneyRecord, members: { name: string; file: string }[], baseline: boolean, shared = false): JourneyRecord[] {
  const stack = record.attachment?.stack;
  // ownersOf needs each member's CSP: the attachment carries it (none when the test died early).
  const csps = members.map((_m, i) => ({ csp: stack?.[i]?.policy.model?.csp }));
  const owners = record.result.violations.map((v) => ({ v, owners: ownersOf(v, csps) }));
  const withoutSlot = (list: ViolationGroup[]) => list.map(({ stackSlot: _s, ...v }) => v);
  const as = (project: string, role: JourneyRecord['role'], policyFile: string, violations: ViolationGroup[], own: Partial<NonNullable<JourneyRecord['attachment']>>): JourneyRecord => ({
    ...record, project, role, policyFile, ...(shared ? { sharedPass: record.project } : {}),
    result: { ...record.result, violations },
    ...(record.attachment ? { attachment: { ...record.attachment, violations, stack: undefined, ...own } } : {}),
  });
  const out = members.map((m, slot) => {
    const member = stack?.[slot];
    const proxy = record.attachment?.proxy;
    return as(m.name, 'candidate', m.file, withoutSlot(owners.filter((o) => o.owners.members.includes(slot)).map((o) => o.v)), {
      ...(member ? { policy: member.policy, warnings: member.warnings } : {}),
      // What this member alone would replace of the target's own headers, not what any member did.
      ...(proxy ? { proxy: { ...proxy, replacedUpstreamHeaders: member?.policy.model && proxy.upstreamHeaders ? replacedBy(member.policy.model, proxy.upstreamHeaders) : [] } } : {}),
      [shared ? 'sharedWith' : 'stackedWith']: members.filter((o) => o !== m).map((o) => o.name),
    });
  });
  if (baseline) {
    out.unshift(as('baseline', 'baseline', BASELINE_POLICY_FILE, withoutSlot(owners.filter((o) => o.owners.baseline).map((o) => o.v)), {
      policy: { name: 'baseline', file: BASELINE_POLICY_FILE, description: 'no policy (rode along in the report-only stack pass)', served: {} }, warnings: [],
    }));
  }
  return out;
}
