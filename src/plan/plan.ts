// The rollout plan: the operators' bundles (A–D) and a CSP tuned for each app, staged the way the
// rollout goes — the bundles first, then the CSP report-only, then enforced — each stage a policy per
// app, split into a shared layer (headers every app gets with the same value) and one layer per app.
// Pure: it composes policies from what the subset measure and tune found; the runs that prove each
// stage are the orchestration's (src/cli/plan.ts). Knows no app.
import { diffCsp, type CspDirectives } from '../policy/csp.js';
import type { Policy } from '../policy/policy.js';
import type { SubsetPlan } from '../subset/subset.js';
import type { Verdict } from '../report/model.js';

export const STAGES = ['bundles', 'csp-report-only', 'csp-enforced'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_TITLE: Record<Stage, string> = {
  bundles: 'Bundles A–D (what the subset proved each app takes)',
  'csp-report-only': 'Bundle E, report-only: each app\'s tuned CSP reports, nothing is blocked',
  'csp-enforced': 'Bundle E, enforced: each app\'s tuned CSP blocks',
};

/** A policy as a policy file holds it (what the proxy applies and the exports write). */
export interface PolicyBody {
  set: Record<string, string>;
  remove: string[];
  csp?: { reportOnly: boolean; directives: CspDirectives; alongside?: boolean };
}

const CSP_HEADERS = ['content-security-policy', 'content-security-policy-report-only'] as const;

/**
 * The edge never weakens a CSP the app sends itself: a stage's policy keeps it — no removal of it,
 * and the stage's own CSP of that kind goes beside it (`alongside`: browsers enforce both, so the
 * page gets only what both allow). `own`: the app's own security headers (lower-case names), read
 * from its front page before the runs. Returns the policy and the app headers it kept.
 */
export function keepAppCsp(body: PolicyBody, own: Record<string, string> | undefined): { body: PolicyBody; kept: string[] } {
  const sent = CSP_HEADERS.filter((h) => own?.[h] !== undefined);
  if (!sent.length) return { body, kept: [] };
  const remove = body.remove.filter((r) => !sent.includes(r.toLowerCase() as (typeof CSP_HEADERS)[number]));
  const mine = body.csp ? (body.csp.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy') : undefined;
  const csp = body.csp && mine && sent.includes(mine) ? { ...body.csp, alongside: true } : body.csp;
  const kept = sent.filter((h) => body.remove.some((r) => r.toLowerCase() === h) || h === mine);
  return { body: { ...body, remove, ...(csp ? { csp } : {}) }, kept };
}

export class PlanError extends Error {}

/**
 * The bundles as one candidate: their headers together (a header two bundles set differently is a
 * mistake in the bundles: refused), removals together, enforced CSP directives together. A bundle
 * whose CSP is report-only is the CSP stage's business, not the bundles': refused, naming it.
 */
export function mergeBundles(bundles: Policy[]): PolicyBody {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const directives: CspDirectives = {};
  for (const b of bundles) {
    for (const [h, v] of Object.entries(b.set)) {
      if (set[h] !== undefined && set[h] !== v) throw new PlanError(`${b.file || b.name}: set.${h} is "${v}", but an earlier bundle sets "${set[h]}"; make the bundles agree or leave one out with --bundles`);
      set[h] = v;
    }
    for (const r of b.remove) if (!remove.includes(r)) remove.push(r);
    if (b.csp?.reportOnly) throw new PlanError(`${b.file || b.name}: csp is report-only; the plan tunes each app's CSP and stages it report-only itself — leave this bundle out of --bundles`);
    for (const [d, sources] of Object.entries(b.csp?.directives ?? {})) directives[d] = [...new Set([...(directives[d] ?? []), ...sources])];
  }
  return { set, remove, ...(Object.keys(directives).length ? { csp: { reportOnly: false, directives } } : {}) };
}

/**
 * One app's policy at one stage: its bundle layer (the parts the subset proved it takes), plus, from
 * the CSP stages on, its tuned CSP. The bundle's own CSP directives (frame-ancestors) join the tuned
 * ones; in the report-only stage they report only, which is why X-Frame-Options stays in the bundles.
 */
export function stagePolicy(stage: Stage, bundle: PolicyBody | undefined, tuned: CspDirectives | undefined): PolicyBody {
  const base: PolicyBody = { set: { ...bundle?.set }, remove: [...(bundle?.remove ?? [])], ...(bundle?.csp ? { csp: bundle.csp } : {}) };
  if (stage === 'bundles' || !tuned) return base;
  const directives: CspDirectives = { ...tuned };
  for (const [d, sources] of Object.entries(bundle?.csp?.directives ?? {})) if (!(d in directives)) directives[d] = sources;
  return { ...base, csp: { reportOnly: stage === 'csp-report-only', directives } };
}

/**
 * The report-only stage as the edge serves it: its CSP also reports to production's collector
 * (`headerproof collect`), so real users' browsers tell what the journeys did not reach.
 */
export function withReportUri(policy: Policy, uri: string | undefined): Policy {
  if (!uri || !policy.csp) return policy;
  return { ...policy, csp: { ...policy.csp, directives: { ...policy.csp.directives, 'report-uri': [uri] } } };
}

/** What tune found for one app. */
export interface PlanTune {
  target: string;
  converged: boolean;
  /** The tuned policy file, relative to the plan's folder. */
  file?: string;
  /** The tuned CSP (when it converged). */
  directives?: CspDirectives;
  allowances: { directive: string; source: string; why: string; cost: string }[];
  /** When not converged: what is left, as tune said it. */
  unresolved: string[];
}

export interface StageProof {
  stage: Stage;
  target: string;
  policy: string;
  /** The stage's policy for this app, relative to the plan's folder. */
  file: string;
  verdict: Verdict;
  reasons: string[];
  /** That run's report, relative to the plan's folder. */
  report: string;
  /** Set when this app's CSP could not be tuned, so this stage holds no CSP for it. */
  withoutCsp?: string;
}

export interface PlanResult {
  tool: 'headerproof';
  kind: 'plan';
  targets: string[];
  browsers: string;
  bundles: string[];
  subset: SubsetPlan;
  tuned: PlanTune[];
  stages: { stage: Stage; title: string; proofs: StageProof[]; exports: Record<string, string> }[];
  /** Headers each app already sends that a stage replaced (read from the runs). */
  upstream: { target: string; stage: Stage; replaced: string[] }[];
  /** The CSP each app sends itself, read before the runs, and which stages kept it (their CSP beside it). */
  appCsp?: { target: string; header: string; value: string; keptIn: Stage[] }[];
  /** What changed since an earlier plan (--since): each line one change, for an app upgrade's review. */
  changes?: string[];
  durationMs: number;
  /** 0 every stage proven safe on every app; 1 a stage breaks an app; 3 the plan is incomplete. */
  exitCode: number;
}

export function planExit(r: Pick<PlanResult, 'subset' | 'tuned' | 'stages'>): number {
  const proofs = r.stages.flatMap((s) => s.proofs);
  if (proofs.some((p) => p.verdict === 'breaks' || p.verdict === 'would-break')) return 1;
  if (r.subset.undecided.length || r.tuned.some((t) => !t.converged) || proofs.some((p) => p.verdict !== 'safe')) return 3;
  return 0;
}

/**
 * The upgrade check of a plan: what changed since an earlier plan of the same apps — a stage's
 * verdict on an app, the sources its tuned CSP gained or lost (a per-build hash included), whether
 * tune still converges, and the bundle parts it takes. Pure; the lines are for a person.
 */
export function planChanges(before: PlanResult, after: PlanResult): string[] {
  const out: string[] = [];
  for (const target of after.targets) {
    if (!before.targets.includes(target)) {
      out.push(`${target}: new in this plan`);
      continue;
    }
    for (const stage of STAGES) {
      const was = before.stages.find((s) => s.stage === stage)?.proofs.find((p) => p.target === target)?.verdict;
      const now = after.stages.find((s) => s.stage === stage)?.proofs.find((p) => p.target === target)?.verdict;
      if (was !== now) out.push(`${target}: ${stage} was ${was ?? 'not run'}, now ${now ?? 'not run'}`);
    }
    const t0 = before.tuned.find((t) => t.target === target);
    const t1 = after.tuned.find((t) => t.target === target);
    if (t0?.converged !== t1?.converged) out.push(`${target}: tune ${t1?.converged ? 'converges now' : 'no longer converges'}${t1?.unresolved[0] ? ` (${t1.unresolved[0]})` : ''}`);
    if (t0?.directives && t1?.directives) {
      const d = diffCsp(t0.directives, t1.directives);
      for (const [directive, sources] of Object.entries(d.added)) out.push(`${target}: its CSP's ${directive} gained ${sources.join(' ') || '(the directive)'}`);
      for (const [directive, sources] of Object.entries(d.removed)) out.push(`${target}: its CSP's ${directive} lost ${sources.join(' ') || '(the directive)'}`);
    }
    const parts = (r: PlanResult) => [...r.subset.shared, ...(r.subset.perTarget.find((p) => p.target === target)?.parts ?? [])];
    const p0 = parts(before);
    const p1 = parts(after);
    for (const p of p1.filter((x) => !p0.includes(x))) out.push(`${target}: now takes ${p}`);
    for (const p of p0.filter((x) => !p1.includes(x))) out.push(`${target}: no longer takes ${p}`);
  }
  for (const target of before.targets.filter((t) => !after.targets.includes(t))) out.push(`${target}: not in this plan any more`);
  return out;
}
