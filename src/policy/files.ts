// Policy files: the ones in a folder (every file in policies/ but the baseline, which a run tests
// when none are named), loaded together with their names checked. Each becomes a Playwright project.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadPolicy, PolicyError, type Policy } from './policy.js';

export const BASELINE_POLICY_FILE = 'policies/baseline.yaml';

export function defaultPolicyFiles(dir = 'policies'): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !/^baseline\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The no-policy run itself: named "baseline" and changing nothing (like policies/baseline.yaml). */
export function isBaselinePolicy(p: Policy): boolean {
  return p.name === 'baseline' && !p.csp && !Object.keys(p.set).length && !p.remove.length;
}

/**
 * Loads every policy (throws PolicyError on the first bad one) and checks names are unique. Naming
 * the baseline file asks for the baseline run, which every run has: it is not a candidate, so
 * `--policy policies/baseline.yaml` alone runs the baseline by itself.
 */
export function loadPolicies(files: string[]): Policy[] {
  const policies = files.map((f) => loadPolicy(f)).filter((p) => !isBaselinePolicy(p));
  const seen = new Map<string, string>();
  for (const p of policies) {
    if (p.name === 'baseline') throw new PolicyError(p.file, [{ field: 'name', problem: '"baseline" is reserved for the no-policy run (which changes no header); rename the policy' }]);
    const other = seen.get(p.name);
    if (other) throw new PolicyError(p.file, [{ field: 'name', problem: `"${p.name}" is also the name of ${other}; policy names must be unique` }]);
    seen.set(p.name, p.file);
  }
  return policies;
}
