// The shared subset of a policy across targets: which of its parts (a header; a CSP directive; a
// Permissions-Policy feature — the parts blame re-runs) every target can take, which each target
// takes on top of them, and which a target cannot take at all (with the journey or violation that
// says so). Pure: it reads each target's verdict of the policy (with blame) and its parts.
import { blameItems, combineItems, PERMISSIVE, type BlameItem } from '../blame/blame.js';
import type { PolicyModel } from '../blame/suggest.js';
import type { PolicyVerdict, Verdict } from '../report/model.js';

export interface PartFinding {
  /** The part's label, as blame names it ("X-Frame-Options: DENY", "Content-Security-Policy: script-src 'self'"). */
  part: string;
  target: string;
  /** What it does there: a journey it breaks, or a violation it causes. */
  why: string;
}

export interface SubsetPlan {
  policy: string;
  parts: string[];
  /** Parts no target objects to: the shared middleware. */
  shared: string[];
  /** Per target: the parts it takes on top of the shared ones (others object to them). */
  perTarget: { target: string; parts: string[] }[];
  /** Parts a target cannot take, and why (they are left out of that target's layers). */
  refused: PartFinding[];
  /** Targets whose findings could not be tied to parts (no blame, a combination, or nothing decided). */
  undecided: { target: string; why: string }[];
}

/** One layer's proof: the layer's policy run on a target. */
export interface SubsetProof {
  target: string;
  layer: 'shared' | 'own';
  policy: string;
  /** The layer's policy file, relative to the subset's folder. */
  file: string;
  verdict: Verdict;
  reasons: string[];
  /** That run's report, relative to the subset's folder. */
  report: string;
}

export interface SubsetResult {
  tool: 'headerproof';
  kind: 'subset';
  policy: string;
  file: string;
  durationMs: number;
  plan: SubsetPlan;
  proofs: SubsetProof[];
  /** The layers' policy files (relative): the shared one, and per target shared + its own parts. */
  layers: { shared?: string; perTarget: Record<string, string> };
  /** Headers each target already sends that the policy replaced. */
  upstream: { target: string; replaced: string[] }[];
  /** 0 every layer proven safe where it goes; 1 a layer is not; 3 no plan could be made. */
  exitCode: number;
}

/** The CSP directive that governs a violated one in this policy (script-src-elem → script-src → default-src). */
export function governingDirective(violated: string, directives: string[]): string | undefined {
  const base = violated.replace(/-(elem|attr)$/, '');
  const chain = [violated, base];
  // worker-src falls back to child-src, then script-src; frame-src to child-src (CSP3).
  if (base === 'worker-src') chain.push('child-src', 'script-src');
  if (base === 'frame-src') chain.push('child-src');
  if (base.endsWith('-src') && base !== 'default-src') chain.push('default-src');
  return chain.find((d) => directives.includes(d));
}

function partOfViolation(items: BlameItem[], model: PolicyModel, v: { kind: string; directive: string }): number | undefined {
  if (v.kind === 'csp' && model.csp) {
    const d = governingDirective(v.directive, Object.keys(model.csp.directives));
    if (!d) return undefined;
    const header = model.csp.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy';
    return items.findIndex((i) => i.label.startsWith(`${header}: ${d} `) || i.label === `${header}: ${d}`);
  }
  if (v.kind === 'permissions-policy') {
    const i = items.findIndex((x) => x.label.startsWith(`Permissions-Policy: ${v.directive}=`));
    return i >= 0 ? i : items.findIndex((x) => x.label.startsWith('Permissions-Policy:'));
  }
  if (v.kind === 'corp') return items.findIndex((x) => /^Cross-Origin-(Resource|Embedder)-Policy:/i.test(x.label));
  return undefined;
}

/**
 * Plans the layers for one policy from its verdict on each target. A target objects to a part that
 * blame names for one of its failing journeys, or that governs a violation the policy caused there.
 */
export function planSubset(model: PolicyModel, policy: string, verdicts: { target: string; verdict: PolicyVerdict }[]): SubsetPlan {
  const items = blameItems(model);
  const labels = items.map((i) => i.label);
  const refused: PartFinding[] = [];
  const undecided: SubsetPlan['undecided'] = [];
  for (const { target, verdict: v } of verdicts) {
    if (v.verdict === 'safe') continue;
    if (v.verdict === 'inconclusive') {
      undecided.push({ target, why: `nothing was decided there (${v.reasons[0] ?? 'see its report'})` });
      continue;
    }
    const failing = v.journeys.filter((j) => j.baseline === 'passed' && j.candidate === 'failed').map((j) => j.journey);
    for (const journey of failing) {
      const blame = v.blame?.find((b) => b.journey === journey);
      if (!blame || !blame.blamed.length) {
        undecided.push({ target, why: `${journey} fails and ${blame ? 'no single part reproduces it (a combination)' : 'was not blamed'}: which part to leave out is unknown` });
        continue;
      }
      for (const part of blame.blamed) if (labels.includes(part)) refused.push({ part, target, why: `${journey} fails` });
    }
    for (const j of v.journeys.filter((x) => x.candidate !== 'failed')) {
      for (const viol of j.newViolations) {
        const i = partOfViolation(items, model, viol);
        if (i === undefined || i < 0) {
          undecided.push({ target, why: `${j.journey}: a ${viol.kind} ${viol.directive} violation no part of the policy governs` });
          continue;
        }
        refused.push({ part: labels[i]!, target, why: `${j.journey}: ${viol.kind} ${viol.directive} ${viol.blockedUrl}`.trim() });
      }
    }
  }
  const uniq = (f: PartFinding[]) => [...new Map(f.map((x) => [`${x.part}\u0000${x.target}\u0000${x.why}`, x])).values()];
  const refusedBy = (part: string) => new Set(refused.filter((r) => r.part === part).map((r) => r.target));
  const undecidedTargets = new Set(undecided.map((u) => u.target));
  const shared = labels.filter((l) => refusedBy(l).size === 0 && !undecidedTargets.size);
  const perTarget = verdicts.map(({ target }) => ({
    target,
    parts: undecidedTargets.has(target) ? [] : labels.filter((l) => !shared.includes(l) && !refusedBy(l).has(target)),
  }));
  return { policy, parts: labels, shared, perTarget, refused: uniq(refused), undecided: [...new Map(undecided.map((u) => [`${u.target}\u0000${u.why}`, u])).values()] };
}

/** The parts (by label) as one policy body: { set, remove, csp } as a policy file has them. */
export function policyOfParts(model: PolicyModel, parts: string[]): BlameItem['policy'] | undefined {
  const items = blameItems(model).filter((i) => parts.includes(i.label));
  if (!items.length) return undefined;
  const policy = combineItems(items).policy;
  if (policy.csp) {
    // A directive left out stands in as "allow everything" (PERMISSIVE) only where default-src stays
    // and would otherwise govern it; without default-src, leaving it out is the same and reads better.
    const keepsDefault = policy.csp.directives['default-src'] !== undefined && policy.csp.directives['default-src'] !== PERMISSIVE;
    const directives = Object.fromEntries(Object.entries(policy.csp.directives).filter(([, v]) => keepsDefault || v !== PERMISSIVE));
    return { ...policy, csp: { ...policy.csp, directives } };
  }
  return policy;
}
