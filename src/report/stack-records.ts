// A stacked pass (src/proxy/stack.ts) as one journey record per member: the journey's outcome is
// shared (report-only headers change nothing the page does), the violations are each member's own.
import { membersOf } from '../proxy/stack.js';
import type { Policy } from '../policy/policy.js';
import type { ViolationGroup } from '../observe/violation.js';
import type { JourneyRecord } from './summary.js';

/** One record per member, named and filed as the member, holding only the violations it reported. */
export function splitStack(record: JourneyRecord, members: { name: string; file: string }[]): JourneyRecord[] {
  const stack = record.attachment?.stack;
  // membersOf needs each member's CSP: the attachment carries the models (none when the test died early).
  const models = members.map((m, i) => ({ name: m.name, file: m.file, description: '', set: {}, remove: [], ...(stack?.[i]?.policy.model?.csp ? { csp: stack[i]!.policy.model!.csp } : {}) }) as Policy);
  const own = (violations: ViolationGroup[], slot: number) => violations
    .filter((v) => models[slot]!.csp ? membersOf(v, models).includes(slot) : v.stackSlot === undefined)
    .map(({ stackSlot: _s, ...v }) => v);
  return members.map((m, slot) => {
    const member = stack?.[slot];
    const violations = own(record.result.violations, slot);
    return {
      ...record,
      project: m.name,
      policyFile: m.file,
      result: { ...record.result, violations },
      ...(record.attachment ? {
        attachment: {
          ...record.attachment,
          violations,
          stack: undefined,
          ...(member ? { policy: member.policy, warnings: member.warnings } : {}),
          stackedWith: members.filter((o) => o !== m).map((o) => o.name),
        },
      } : {}),
    };
  });
}
