// Which policies a run tests: HEADERPROOF_POLICIES (comma-separated files) or every file in
// policies/ except the baseline. Each becomes a Playwright project named after the policy.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadPolicy, PolicyError, type Policy } from '../policy/policy.js';

export const BASELINE_POLICY_FILE = 'policies/baseline.yaml';

export function defaultPolicyFiles(dir = 'policies'): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !/^baseline\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export function policyFilesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const named = env.HEADERPROOF_POLICIES?.split(',').map((s) => s.trim()).filter(Boolean);
  return named?.length ? named : defaultPolicyFiles();
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
