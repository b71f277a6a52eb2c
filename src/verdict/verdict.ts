// The verdict: compare a policy's journey results with the baseline's, so only what the policy
// caused is blamed. Pure function of the two result lists.
import { groupKey, POLICY_KINDS, type ViolationGroup } from '../observe/violation.js';
import { suggestFixes } from '../blame/suggest.js';
import { reportsOnly } from '../policy/reports-only.js';
import type { EngineVerdict, JourneyComparison, JourneyResult, PolicyInfo, PolicyVerdict, Verdict } from '../report/model.js';
import { ENGINE_LABEL, ENGINES, notEnforcedBy, type Engine } from '../harness/engines.js';

export function newViolations(baseline: ViolationGroup[], candidate: ViolationGroup[]): ViolationGroup[] {
  const seen = new Set(baseline.map(groupKey));
  return candidate.filter((v) => POLICY_KINDS.has(v.kind) && !seen.has(groupKey(v)));
}

/**
 * How a journey came out with the policy, compared with the baseline:
 * - broken: passed without the policy, failed with it (or skipped once its page was open: what the
 *   page showed, which the policy may have changed, decided the skip);
 * - unproven: nothing can be said (the baseline fails too, the target erred, or the journey was
 *   skipped, interrupted or missing with the policy though it passed without it);
 * - neutral: both skipped (the target lacks the data), or both ran.
 */
type Outcome = { kind: 'broken' | 'unproven'; reason: string } | { kind: 'compared' } | { kind: 'neutral' };

/** What the host's pushback (429, or 503 with a reset) during a journey was, in one line: "HTTP 429 on /account/login (limit 500;w=60, retry after 41 s)". */
export function throttleCause(r: Pick<JourneyResult, 'throttled'>): string | undefined {
  const t = r.throttled ?? [];
  if (t.length) {
    const first = t[0]!;
    const paths = [...new Set(t.map((x) => x.path))];
    return `the target answered HTTP ${[...new Set(t.map((x) => x.status))].join('/')} (too many requests) ${t.length} time(s), on ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}${first.limit ? ` (its announced limit: ${first.limit})` : ''}${first.retryAfterS !== undefined ? `, asking to retry after ${first.retryAfterS} s` : ''}`;
  }
  // Requests held back by headerproof's own pacing (heldBackMs) are not pushback: a policy that breaks
  // a journey breaks it after the wait too (seen in CI: a held-back failure called throttled hid a real break).
  return undefined;
}

function outcomeOf(j: JourneyComparison, targetTrouble: boolean, throttled: string | undefined, onlyReports: boolean): Outcome {
  const { baseline: b, candidate: c } = j;
  if (c === 'failed' && targetTrouble) return { kind: 'unproven', reason: `${j.journey} failed while the target was unreachable or erring: the target, not the policy, is broken` };
  // The host's pushback is never a verdict on a policy.
  if (c === 'failed' && throttled) return { kind: 'unproven', reason: `${j.journey} failed while the target was throttling headerproof (${throttled}): the host's rate limit, not the policy; run again later, with fewer --workers, or ask the host for a higher limit` };
  if (b === 'passed') {
    if (c === 'passed') return { kind: 'compared' };
    // A policy that only reports changes nothing a page does: what failed under it failed for
    // another reason, and the journey's violations after that point were never seen.
    if (onlyReports && (c === 'failed' || (c === 'skipped' && j.skippedAfterNavigation))) {
      return { kind: 'unproven', reason: `${j.journey} passes without the policy but ${c === 'failed' ? 'failed' : 'was skipped'} with it${j.ranAlone ? ', again when run alone,' : ''} though the policy only reports (it changes nothing a page does): the target or this machine's load, not the policy; the journey did not run to its end, so not proven${j.error ? ` (${truncateLine(j.error)})` : ''}` };
    }
    if (c === 'failed') {
      // What the policy blocked there, so the reason names what happened (its scripts, its connections) beside the journey's own error.
      const blocked = j.newViolations.filter((v) => v.disposition === 'enforce' && POLICY_KINDS.has(v.kind));
      return { kind: 'broken', reason: `${j.journey} passes without the policy but fails with it${blocked.length ? ` (the policy blocked there: ${summarize(blocked)})` : ''}${j.error ? `: ${j.error}` : ''}` };
    }
    if (c === 'skipped' && j.skippedAfterNavigation) return { kind: 'broken', reason: `${j.journey} passes without the policy, but with it the page did not show what the journey needs (skipped: ${j.error ?? 'no reason given'})` };
    if (c === 'skipped') return { kind: 'unproven', reason: `${j.journey} passes without the policy but was skipped with it (${j.error ?? 'no reason given'}): not proven safe` };
    if (c === 'interrupted') return { kind: 'unproven', reason: `${j.journey} passes without the policy but was interrupted with it: not proven safe` };
    return { kind: 'unproven', reason: `${j.journey} passes without the policy but did not run with it: not proven safe` };
  }
  if (b === 'skipped' && c === 'skipped') return { kind: 'neutral' };
  if (b === 'skipped' && c === 'passed') return { kind: 'compared' };
  if (b === 'missing') return c === 'skipped' ? { kind: 'neutral' } : { kind: 'unproven', reason: `${j.journey} has no baseline run: nothing to compare with` };
  if (b === 'interrupted') return { kind: 'unproven', reason: `${j.journey} was interrupted on the baseline: nothing to compare with` };
  if (c === 'skipped') return { kind: 'neutral' };
  return { kind: 'unproven', reason: `${j.journey} ${b === 'skipped' ? 'was skipped on the baseline' : 'fails on the baseline too'}: the target, not the policy, is broken (see the baseline section)` };
}

function truncateLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export function decideVerdict(policy: PolicyInfo, baseline: JourneyResult[], candidate: JourneyResult[], replacedUpstreamHeaders: string[] = [], warnings: string[] = []): PolicyVerdict {
  const byJourney = new Map(baseline.map((r) => [r.journey, r]));
  const throttledBy = new Map(candidate.map((c) => [c.journey, throttleCause(c)]));
  const compare = (c: JourneyResult): JourneyComparison => {
    const b = byJourney.get(c.journey);
    return {
      journey: c.journey,
      ...(c.browser ? { browser: c.browser } : {}),
      baseline: b?.status ?? 'missing',
      candidate: c.status,
      ...(c.error ? { error: c.error } : {}),
      ...(b?.error ? { baselineError: b.error } : {}),
      ...(c.skippedAfterNavigation ? { skippedAfterNavigation: true } : {}),
      ...(c.flaky ? { flaky: c.flaky } : {}),
      ...(c.ranAlone ? { ranAlone: c.ranAlone } : {}),
      ...(c.signIn ? { signIn: c.signIn } : {}),
      ...(throttledBy.get(c.journey) ? { throttled: throttledBy.get(c.journey) } : {}),
      violations: c.violations,
      newViolations: c.status === 'skipped' ? [] : newViolations(b?.violations ?? [], c.violations),
      ...(c.inlineBlocks?.length ? { inlineBlocks: c.inlineBlocks } : {}),
      ...(c.harnessSetAside ? { harnessSetAside: c.harnessSetAside } : {}),
      ...(c.screenshot ? { screenshot: c.screenshot } : {}),
      ...(b?.screenshot ? { baselineScreenshot: b.screenshot } : {}),
    };
  };
  // A baseline journey the candidate never reported is a finding too, not a silent omission.
  const seen = new Set(candidate.map((c) => c.journey));
  const absent: JourneyResult[] = baseline.filter((b) => !seen.has(b.journey))
    .map((b) => ({ journey: b.journey, ...(b.browser ? { browser: b.browser } : {}), status: 'interrupted', error: 'no result with the policy', violations: [], upstreamErrors: 0 }));
  const journeys = [...candidate, ...absent].map(compare).sort((a, b) => a.journey.localeCompare(b.journey));
  const upstreamErrors = new Map(candidate.map((c) => [c.journey, c.upstreamErrors]));
  const onlyReports = Boolean(policy.model && reportsOnly(policy.model));
  const outcomes = journeys.map((j) => ({ j, o: outcomeOf(j, (upstreamErrors.get(j.journey) ?? 0) > 0, throttledBy.get(j.journey) ?? (j.baseline === 'failed' ? throttleCause(byJourney.get(j.journey) ?? {}) : undefined), onlyReports) }));
  const broken = outcomes.filter((x) => x.o.kind === 'broken');
  const unproven = outcomes.filter((x) => x.o.kind === 'unproven');
  const flagged = outcomes.filter((x) => x.o.kind !== 'neutral' && x.j.newViolations.length > 0).map((x) => x.j);

  // Each finding stands on its own: a break is a break and reported violations would break, even
  // when other journeys are inconclusive. Only "safe" needs every journey to be conclusive.
  const verdict: Verdict = broken.length ? 'breaks' : flagged.length ? 'would-break' : unproven.length ? 'inconclusive' : 'safe';
  const reasons: string[] = broken.map((x) => (x.o as { reason: string }).reason);
  for (const j of flagged) {
    if (broken.some((x) => x.j.journey === j.journey)) continue;
    const report = j.newViolations.filter((v) => v.disposition === 'report');
    const enforced = j.newViolations.filter((v) => v.disposition === 'enforce');
    if (report.length) reasons.push(`${j.journey}: ${report.length} report-only violation group(s) the baseline does not have (${summarize(report)})`);
    if (enforced.length) reasons.push(`${j.journey}: ${enforced.length} blocked resource group(s) the journey did not notice (${summarize(enforced)})`);
  }
  reasons.push(...unproven.map((x) => (x.o as { reason: string }).reason));
  // A failure that did not recur is not blamed on the policy, but it is not hidden either.
  for (const j of journeys) {
    if (j.flaky && j.candidate === 'passed') reasons.push(`${j.journey} failed once with the policy and passed when run again (flaky, not blamed on the policy): ${j.flaky}`);
    if (j.ranAlone?.why === 'reports-only') {
      if (j.candidate === 'passed') reasons.push(`${j.journey} failed with the policy (${truncateLine(j.ranAlone.firstError)}), though it only reports, and passed when run again alone: the target or this machine's load, not the policy`);
    } else if (j.ranAlone) {
      const first = `${j.journey} failed while headerproof held its requests back ${Math.round(j.ranAlone.firstHeldBackMs / 1000)} s to keep inside the host's announced request limit (${truncateLine(j.ranAlone.firstError)})`;
      reasons.push(j.candidate === 'passed' ? `${first}, and passed when run again alone: the pacing's doing, not the policy's` : `${first}, and ${j.candidate} again when run alone, with the host's whole budget`);
    }
  }
  if (verdict === 'safe') reasons.push('all journeys pass and the policy caused no violations');
  const suggestions = policy.model
    ? suggestFixes(policy.model, journeys.flatMap((j) => j.candidate === 'failed' ? j.violations.filter((v) => POLICY_KINDS.has(v.kind)) : j.newViolations), journeys.flatMap((j) => j.inlineBlocks ?? []), new Set(journeys.filter((j) => j.candidate === 'passed').map((j) => j.journey)))
    : [];
  return { policy, verdict, reasons, journeys, replacedUpstreamHeaders, warnings, suggestions };
}

/**
 * The verdict of each engine's journeys alone, for a run in more than one engine (or in one that
 * ignores some of the policy's headers). The overall verdict, over all journeys, is the worst of
 * these. A header the engine ignores is named, and a reason says so, so a pass there never reads
 * as "safe" for that header.
 */
export function decideByEngine(verdict: PolicyVerdict, baseline: JourneyResult[], candidate: JourneyResult[], versions: Partial<Record<Engine, string>> = {}): PolicyVerdict {
  const engineOf = (r: { browser?: Engine }) => r.browser ?? 'chromium';
  const used = ENGINES.filter((e) => candidate.some((c) => engineOf(c) === e) || baseline.some((b) => engineOf(b) === e));
  if (used.length === 1 && used[0] === 'chromium') return verdict;
  const engines: EngineVerdict[] = used.map((browser) => {
    const own = decideVerdict(verdict.policy, baseline.filter((b) => engineOf(b) === browser), candidate.filter((c) => engineOf(c) === browser));
    return { browser, ...(versions[browser] ? { version: versions[browser] } : {}), verdict: own.verdict, notEnforced: notEnforcedBy(browser, verdict.policy.served) };
  });
  const reasons = [...verdict.reasons];
  for (const e of engines.filter((x) => x.notEnforced.length)) {
    const others = engines.filter((x) => !x.notEnforced.length).map((x) => ENGINE_LABEL[x.browser]);
    reasons.push(`${ENGINE_LABEL[e.browser]}${e.version ? ` ${e.version}` : ''} does not enforce ${e.notEnforced.join(', ')}: its journeys there prove nothing about ${e.notEnforced.length > 1 ? 'them' : 'it'}${others.length ? ` (${others.join(', ')}'s do)` : ''}`);
  }
  if (new Set(engines.map((e) => e.verdict)).size > 1) {
    reasons.unshift(`the engines differ: ${engines.map((e) => `${ENGINE_LABEL[e.browser]} ${e.verdict}`).join(', ')}`);
  }
  return { ...verdict, reasons, engines };
}

function summarize(groups: ViolationGroup[]): string {
  const names = [...new Set(groups.map((g) => (g.directive ? `${g.directive} ${g.blockedUrl}`.trim() : g.blockedUrl)))];
  return names.slice(0, 4).join('; ') + (names.length > 4 ? `; +${names.length - 4} more` : '');
}

/**
 * The least serious verdict a run's exit code fails on: `would-break` (the default), or `breaks`
 * for a CI gate that lets report-only findings through (they are still in the report).
 */
export type FailOn = 'breaks' | 'would-break';
export const FAIL_ON: FailOn[] = ['breaks', 'would-break'];

/**
 * 1 when a policy breaks or would break something (with failOn "breaks": only when one breaks) (the news that matters most, even when part of
 * the baseline fails); 3 when nothing was decided against a failing baseline or an inconclusive
 * policy; 0 when everything is safe.
 */
export function exitCodeFor(baseline: JourneyResult[], verdicts: PolicyVerdict[], failOn: FailOn = 'would-break'): number {
  if (verdicts.some((v) => v.verdict === 'breaks' || (failOn === 'would-break' && v.verdict === 'would-break'))) return 1;
  if (baseline.some((r) => r.status === 'failed' || r.status === 'interrupted') || verdicts.some((v) => v.verdict === 'inconclusive')) return 3;
  return 0;
}

