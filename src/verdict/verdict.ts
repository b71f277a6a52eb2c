// The verdict: compare a policy's journey results with the baseline's, so only what the policy
// caused is blamed. Pure function of the two result lists.
import { groupKey, POLICY_KINDS, type ViolationGroup } from '../observe/violation.js';
import { suggestFixes } from '../blame/suggest.js';
import type { JourneyComparison, JourneyResult, PolicyInfo, PolicyVerdict, Verdict } from '../report/model.js';

export function newViolations(baseline: ViolationGroup[], candidate: ViolationGroup[]): ViolationGroup[] {
  const seen = new Set(baseline.map(groupKey));
  return candidate.filter((v) => POLICY_KINDS.has(v.kind) && !seen.has(groupKey(v)));
}

export function decideVerdict(policy: PolicyInfo, baseline: JourneyResult[], candidate: JourneyResult[], replacedUpstreamHeaders: string[] = [], warnings: string[] = []): PolicyVerdict {
  const byJourney = new Map(baseline.map((r) => [r.journey, r]));
  const journeys: JourneyComparison[] = candidate.map((c) => {
    const b = byJourney.get(c.journey);
    return {
      journey: c.journey,
      baseline: b?.status ?? 'missing',
      candidate: c.status,
      ...(c.error ? { error: c.error } : {}),
      violations: c.violations,
      newViolations: newViolations(b?.violations ?? [], c.violations),
      ...(c.inlineBlocks?.length ? { inlineBlocks: c.inlineBlocks } : {}),
      ...(c.screenshot ? { screenshot: c.screenshot } : {}),
      ...(b?.screenshot ? { baselineScreenshot: b.screenshot } : {}),
    };
  });
  const reasons: string[] = [];
  let verdict: Verdict = 'safe';
  // A journey that failed while the target itself erred (down, reset, timed out) proves nothing
  // about the policy.
  const targetTrouble = candidate.filter((c) => c.status === 'failed' && c.upstreamErrors > 0).map((c) => c.journey);
  const broken = journeys.filter((j) => j.baseline === 'passed' && j.candidate === 'failed' && !targetTrouble.includes(j.journey));
  const unproven = journeys.filter((j) => j.candidate !== 'skipped' && (j.baseline === 'failed' || j.baseline === 'missing' || targetTrouble.includes(j.journey)));
  const flagged = journeys.filter((j) => j.newViolations.length > 0);
  if (broken.length) {
    verdict = 'breaks';
    for (const j of broken) reasons.push(`${j.journey} passes without the policy but fails with it${j.error ? `: ${j.error}` : ''}`);
  } else if (unproven.length) {
    verdict = 'inconclusive';
    for (const j of unproven) {
      reasons.push(targetTrouble.includes(j.journey)
        ? `${j.journey} failed while the target was unreachable or erring: the target, not the policy, is broken`
        : `${j.journey} ${j.baseline === 'missing' ? 'has no baseline run' : 'fails on the baseline too'}: the target, not the policy, is broken`);
    }
  } else if (flagged.length) {
    verdict = 'would-break';
  }
  if (verdict !== 'breaks' && verdict !== 'inconclusive') {
    for (const j of flagged) {
      const report = j.newViolations.filter((v) => v.disposition === 'report');
      const enforced = j.newViolations.filter((v) => v.disposition === 'enforce');
      if (report.length) reasons.push(`${j.journey}: ${report.length} report-only violation group(s) the baseline does not have (${summarize(report)})`);
      if (enforced.length) reasons.push(`${j.journey}: ${enforced.length} blocked resource group(s) the journey did not notice (${summarize(enforced)})`);
    }
  }
  if (verdict === 'safe') reasons.push('all journeys pass and the policy caused no violations');
  const suggestions = policy.model
    ? suggestFixes(policy.model, journeys.flatMap((j) => j.candidate === 'failed' ? j.violations.filter((v) => POLICY_KINDS.has(v.kind)) : j.newViolations), journeys.flatMap((j) => j.inlineBlocks ?? []))
    : [];
  return { policy, verdict, reasons, journeys, replacedUpstreamHeaders, warnings, suggestions };
}

function summarize(groups: ViolationGroup[]): string {
  const names = [...new Set(groups.map((g) => (g.directive ? `${g.directive} ${g.blockedUrl}`.trim() : g.blockedUrl)))];
  return names.slice(0, 4).join('; ') + (names.length > 4 ? `; +${names.length - 4} more` : '');
}

export function exitCodeFor(baseline: JourneyResult[], verdicts: PolicyVerdict[]): number {
  if (baseline.some((r) => r.status === 'failed') || verdicts.some((v) => v.verdict === 'inconclusive')) return 3; // target unreachable or failing
  if (verdicts.some((v) => v.verdict === 'breaks' || v.verdict === 'would-break')) return 1;
  return 0;
}
