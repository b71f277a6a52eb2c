// The run's summary computed from its journey records: each policy's verdict against the baseline
// (per engine), shared passes settled, the baseline's advice, the exit code. The report renders it.
import { decideByEngine, decideVerdict, exitCodeFor } from './verdict.js';
import { adviseBaseline } from './advice.js';
import { settleShared } from './shared.js';
import type { Engine } from '../harness/engines.js';
import type { JourneyRecord, JourneyResult, PolicyInfo, Summary } from '../report/model.js';
import type { RunLoad } from '../proxy/host.js';
import { VERSION } from '../version.js';

export function buildSummary(records: JourneyRecord[], meta: { startedAt: Date; durationMs: number; load?: RunLoad }): Summary {
  const sortJ = (a: JourneyResult, b: JourneyResult) => a.journey.localeCompare(b.journey);
  const baseline = records.filter((r) => r.role === 'baseline').map((r) => r.result).sort(sortJ);
  // The engines' versions, as the browsers reported them.
  const versions: Partial<Record<Engine, string>> = {};
  for (const r of records) if (r.attachment?.browserVersion) versions[r.result.browser ?? 'chromium'] ??= r.attachment.browserVersion;
  const byProject = new Map<string, JourneyRecord[]>();
  for (const r of records.filter((x) => x.role === 'candidate')) byProject.set(r.project, [...(byProject.get(r.project) ?? []), r]);
  const policies = [...byProject.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([project, recs]) => {
      const info: PolicyInfo = recs.find((r) => r.attachment)?.attachment?.policy ?? { name: project, file: recs[0]!.policyFile, description: '', served: {} };
      const replaced = [...new Set(recs.flatMap((r) => r.attachment?.proxy.replacedUpstreamHeaders ?? []))];
      const warnings = [...new Set(recs.flatMap((r) => r.attachment?.warnings ?? []))];
      const candidate = recs.map((r) => r.result).sort(sortJ);
      const stackedWith = recs.find((r) => r.attachment?.stackedWith)?.attachment?.stackedWith;
      const verdict = { ...decideByEngine(decideVerdict(info, baseline, candidate, replaced, warnings), baseline, candidate, versions), ...(stackedWith ? { stackedWith } : {}) };
      const shared = recs.find((r) => r.sharedPass);
      return shared ? { verdict, pass: { name: shared.sharedPass!, with: shared.attachment?.sharedWith ?? [], unsound: recs.map((r) => r.attachment?.proxy.shareUnsound).find(Boolean) } } : { verdict };
    })
    .map((p, _i, all) => (p.pass ? settleShared(p.verdict, p.pass, all.filter((o) => o.pass?.name === p.pass!.name).map((o) => o.verdict)) : p.verdict));
  const target = records.find((r) => r.attachment)?.attachment?.target ?? 'unknown';
  const preservedOrigin = records.find((r) => r.attachment?.preservedOrigin)?.attachment?.preservedOrigin;
  const app = records.find((r) => r.attachment?.app)?.attachment?.app;
  return {
    tool: 'headerproof',
    version: VERSION,
    target: target === 'lab' ? 'bundled lab target' : target,
    ...(preservedOrigin ? { preservedOrigin } : {}),
    ...(app ? { app } : {}),
    baselineAdvice: adviseBaseline(baseline, app),
    startedAt: meta.startedAt.toISOString(),
    durationMs: meta.durationMs,
    browsers: [...new Set(records.map((r) => r.result.browser ?? 'chromium'))].sort().map((browser) => ({ browser, ...(versions[browser] ? { version: versions[browser] } : {}) })),
    baseline,
    policies,
    ...(meta.load ? { load: meta.load } : {}),
    exitCode: exitCodeFor(baseline, policies),
  };
}

