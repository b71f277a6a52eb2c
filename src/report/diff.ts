// `headerproof diff OLD/summary.json NEW/summary.json`: which verdicts, journey results and
// violations appeared or disappeared between two runs (e.g. across an app upgrade). Ports and
// origins of the local proxy differ between runs, so violations are compared origin-free.
import type { ViolationGroup } from '../observe/violation.js';
import type { Summary, Verdict } from './model.js';

export interface SummaryDiff {
  verdicts: { policy: string; before: Verdict | 'absent'; after: Verdict | 'absent' }[];
  journeys: { policy: string; journey: string; before: string; after: string }[];
  appeared: { policy: string; violation: string }[];
  disappeared: { policy: string; violation: string }[];
  /** True when something got worse: a verdict, a journey, or a new violation. */
  regressed: boolean;
}

const RANK: Record<string, number> = { safe: 0, 'would-break': 1, breaks: 2, inconclusive: 3, absent: -1 };

/** A run-independent name for a violation group: the page's own origin becomes "(self)". */
export function violationName(v: ViolationGroup): string {
  let origin = '';
  try {
    origin = new URL(v.pageUrl).origin;
  } catch {
    origin = '';
  }
  const strip = (s: string) => (origin && s.startsWith(origin) ? `(self)${s.slice(origin.length)}` : s);
  const where = ['inline', 'eval', 'wasm-eval'].includes(v.blockedUrl) && v.source ? ` at ${strip(v.source).replace(/^https?:\/\/[^/]+/, '(self)')}` : '';
  return `${v.journey}: ${v.kind} ${v.directive} ${strip(v.blockedUrl)} (${v.disposition})${where}`;
}

export function diffSummaries(before: Summary, after: Summary): SummaryDiff {
  const names = [...new Set([...before.policies, ...after.policies].map((p) => p.policy.name))].sort();
  const diff: SummaryDiff = { verdicts: [], journeys: [], appeared: [], disappeared: [], regressed: false };
  for (const name of names) {
    const b = before.policies.find((p) => p.policy.name === name);
    const a = after.policies.find((p) => p.policy.name === name);
    const vb = b?.verdict ?? 'absent';
    const va = a?.verdict ?? 'absent';
    if (vb !== va) {
      diff.verdicts.push({ policy: name, before: vb, after: va });
      if (RANK[va]! > RANK[vb]! && vb !== 'absent') diff.regressed = true;
    }
    for (const j of a?.journeys ?? []) {
      const old = b?.journeys.find((x) => x.journey === j.journey);
      if (old && old.candidate !== j.candidate) {
        diff.journeys.push({ policy: name, journey: j.journey, before: old.candidate, after: j.candidate });
        if (j.candidate === 'failed') diff.regressed = true;
      }
    }
    const set = (p: typeof a) => new Set((p?.journeys ?? []).flatMap((j) => j.newViolations.map(violationName)));
    const sb = set(b);
    const sa = set(a);
    for (const v of sa) if (!sb.has(v) && b) {
      diff.appeared.push({ policy: name, violation: v });
      diff.regressed = true;
    }
    for (const v of sb) if (!sa.has(v) && a) diff.disappeared.push({ policy: name, violation: v });
  }
  return diff;
}

export function renderDiff(d: SummaryDiff): string {
  const lines: string[] = [];
  for (const v of d.verdicts) lines.push(`verdict  ${v.policy}: ${v.before} → ${v.after}`);
  for (const j of d.journeys) lines.push(`journey  ${j.policy} ${j.journey}: ${j.before} → ${j.after}`);
  for (const v of d.appeared) lines.push(`+ ${v.policy}  ${v.violation}`);
  for (const v of d.disappeared) lines.push(`- ${v.policy}  ${v.violation}`);
  if (!lines.length) lines.push('no differences in verdicts, journeys or violations');
  return lines.join('\n') + '\n';
}
