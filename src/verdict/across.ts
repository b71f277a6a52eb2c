// A run across several targets: each target's run has its own baseline and verdicts (its
// summary.json); this puts them side by side — a verdict per policy × target, the worst of them,
// the worst exit code — and, for two versions of the same app, says per policy what the upgrade
// changed. Pure functions of the targets' summaries.
import type { AppIdentity } from '../apps/profile.js';
import type { Summary, Verdict } from '../report/model.js';
import { diffSummaries } from '../report/diff.js';

export interface TargetOutcome {
  /** The target's name (config file or --targets). */
  name: string;
  summary: Summary;
  /** Its own report folder, relative to the run's. */
  folder: string;
}

export interface AcrossPolicy {
  policy: string;
  /** One per target, in the run's order ("absent": the policy did not run there). */
  verdicts: { target: string; verdict: Verdict | 'absent' }[];
  /** The worst over the targets: what a shared middleware with this policy would do. */
  worst: Verdict;
  /** The targets it breaks or would break. */
  hurts: string[];
}

export interface UpgradeChange {
  policy: string;
  app: string;
  from: { target: string; version?: string };
  to: { target: string; version?: string };
  before: Verdict | 'absent';
  after: Verdict | 'absent';
  /** Journeys that pass on the older version and fail on the newer (and the reverse). */
  newlyFailing: string[];
  newlyPassing: string[];
  /** Policy-caused violations only the newer version shows (origin-free names). */
  appeared: string[];
  /** What the newer version needs from the policy (the suggested fixes). */
  fixes: string[];
  /** One sentence for a person. */
  line: string;
}

export interface AcrossSummary {
  tool: 'headerproof';
  kind: 'across-targets';
  startedAt: string;
  durationMs: number;
  targets: { name: string; app?: AppIdentity; target: string; exitCode: number; folder: string; baselinePassed: number; baselineTotal: number }[];
  policies: AcrossPolicy[];
  upgrades: UpgradeChange[];
  /** The worst of the targets' exit codes: 1 over 3 over 0. */
  exitCode: number;
}

const ORDER: Verdict[] = ['breaks', 'would-break', 'inconclusive', 'safe'];

export function worstVerdict(verdicts: Verdict[]): Verdict {
  return ORDER.find((v) => verdicts.includes(v)) ?? 'safe';
}

/** 1 (something breaks) over 3 (nothing decided somewhere) over 0. */
export function worstExitCode(codes: number[]): number {
  for (const c of [2, 1, 3]) if (codes.includes(c)) return c;
  return 0;
}

/** Compares dotted versions numerically ("1.135.3" < "3.1.0"); undefined sorts first. */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const pa = a.replace(/^v/, '').split(/[.-]/);
  const pb = b.replace(/^v/, '').split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d) return d;
  }
  return 0;
}

const label = (t: TargetOutcome) => `${t.summary.app?.title ?? t.summary.app?.app ?? 'the app'}${t.summary.app?.version ? ` ${t.summary.app.version}` : ''} (${t.name})`;

/** What each policy does on an app's newer version that it did not on the older one. */
export function upgradeChanges(older: TargetOutcome, newer: TargetOutcome): UpgradeChange[] {
  const diff = diffSummaries(older.summary, newer.summary);
  const names = [...new Set(newer.summary.policies.map((p) => p.policy.name))];
  const changes: UpgradeChange[] = [];
  for (const name of names) {
    const a = older.summary.policies.find((p) => p.policy.name === name);
    const b = newer.summary.policies.find((p) => p.policy.name === name)!;
    const moved = diff.journeys.filter((j) => j.policy === name);
    const newlyFailing = moved.filter((j) => j.after === 'failed').map((j) => j.journey).sort();
    const newlyPassing = moved.filter((j) => j.before === 'failed' && j.after === 'passed').map((j) => j.journey).sort();
    const appeared = diff.appeared.filter((x) => x.policy === name).map((x) => x.violation);
    const before = a?.verdict ?? 'absent';
    if (before === b.verdict && !newlyFailing.length && !newlyPassing.length && !appeared.length) continue;
    // The fixes the newer version's findings call for (a break's own violations, or new reports).
    const fixes = [...new Set(b.suggestions.filter((s) => !newlyFailing.length || s.journeys.some((j) => newlyFailing.includes(j))).map((s) => s.fix))];
    const what = newlyFailing.length ? `: ${newlyFailing.join(', ')} ${newlyFailing.length > 1 ? 'fail' : 'fails'}` : appeared.length ? `: ${appeared.length} new violation group(s)` : newlyPassing.length ? `: ${newlyPassing.join(', ')} now pass` : '';
    changes.push({
      policy: name, app: newer.summary.app?.app ?? '',
      from: { target: older.name, ...(older.summary.app?.version ? { version: older.summary.app.version } : {}) },
      to: { target: newer.name, ...(newer.summary.app?.version ? { version: newer.summary.app.version } : {}) },
      before, after: b.verdict, newlyFailing, newlyPassing, appeared, fixes,
      line: `${name}: ${before} on ${label(older)}, ${b.verdict} on ${label(newer)}${what}${fixes.length ? ` — needs ${fixes.join('; ')}` : ''}`,
    });
  }
  return changes;
}

export function acrossTargets(targets: TargetOutcome[], timing: { startedAt: Date; durationMs: number }): AcrossSummary {
  const names = [...new Set(targets.flatMap((t) => t.summary.policies.map((p) => p.policy.name)))];
  const policies = names.map((policy): AcrossPolicy => {
    const verdicts = targets.map((t) => ({ target: t.name, verdict: t.summary.policies.find((p) => p.policy.name === policy)?.verdict ?? 'absent' as const }));
    const present = verdicts.map((v) => v.verdict).filter((v): v is Verdict => v !== 'absent');
    return { policy, verdicts, worst: worstVerdict(present), hurts: verdicts.filter((v) => v.verdict === 'breaks' || v.verdict === 'would-break').map((v) => v.target) };
  });
  // Two or more versions of one app: each step up, older to newer.
  const upgrades: UpgradeChange[] = [];
  const byApp = new Map<string, TargetOutcome[]>();
  for (const t of targets) {
    const app = t.summary.app?.app;
    if (app) byApp.set(app, [...(byApp.get(app) ?? []), t]);
  }
  for (const group of byApp.values()) {
    const sorted = [...group].sort((x, y) => compareVersions(x.summary.app?.version, y.summary.app?.version));
    for (let i = 1; i < sorted.length; i++) {
      if (compareVersions(sorted[i - 1]!.summary.app?.version, sorted[i]!.summary.app?.version) === 0) continue;
      upgrades.push(...upgradeChanges(sorted[i - 1]!, sorted[i]!));
    }
  }
  return {
    tool: 'headerproof', kind: 'across-targets', startedAt: timing.startedAt.toISOString(), durationMs: timing.durationMs,
    targets: targets.map((t) => ({ name: t.name, ...(t.summary.app ? { app: t.summary.app } : {}), target: t.summary.target, exitCode: t.summary.exitCode, folder: t.folder,
      baselinePassed: t.summary.baseline.filter((b) => b.status === 'passed').length, baselineTotal: t.summary.baseline.length })),
    policies, upgrades, exitCode: worstExitCode(targets.map((t) => t.summary.exitCode)),
  };
}
