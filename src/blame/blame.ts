// Blame: for a policy that breaks a journey, re-run only the failing journeys with one part of the
// policy at a time (one header; for CSP one directive; for Permissions-Policy one feature) and
// name the parts that reproduce each failure on their own.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { serializeCsp } from '../policy/csp.js';
import { parsePermissionsPolicy } from '../lint/permissions-policy.js';
import type { PolicyModel } from './suggest.js';
import type { Blame, PolicyVerdict, Summary } from '../report/model.js';

export interface BlameItem {
  label: string;
  policy: { set?: Record<string, string>; remove?: string[]; csp?: PolicyModel['csp'] };
}

/**
 * Sources that allow everything a fetch directive can allow. A CSP directive is tested "in
 * context": the policy's other fetch directives stay present but permissive, so fallbacks work as
 * in the full policy (default-src alone would otherwise also govern scripts and be blamed for them).
 */
export const PERMISSIVE = ['*', 'data:', 'blob:', "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"];

/** The parts of a policy, each as a policy of its own. */
export function blameItems(model: PolicyModel): BlameItem[] {
  const items: BlameItem[] = [];
  for (const [header, value] of Object.entries(model.set)) {
    let features: { feature: string; allow: string[] }[] | undefined;
    if (header === 'Permissions-Policy') {
      try {
        features = parsePermissionsPolicy(value);
      } catch {
        features = undefined; // a header that does not parse is blamed whole
      }
    }
    if (features && features.length > 1) {
      for (const f of features) {
        const entry = `${f.feature}=${f.allow.length === 1 && (f.allow[0] === '*' || f.allow[0] === 'self') ? f.allow[0] : `(${f.allow.join(' ')})`}`;
        items.push({ label: `Permissions-Policy: ${entry}`, policy: { set: { [header]: entry } } });
      }
    } else items.push({ label: `${header}: ${value}`, policy: { set: { [header]: value } } });
  }
  for (const name of model.remove) items.push({ label: `removing ${name}`, policy: { remove: [name] } });
  if (model.csp) {
    const header = model.csp.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy';
    const fetchDirectives = Object.keys(model.csp.directives).filter((d) => d.endsWith('-src') && d !== 'object-src');
    for (const [directive, sources] of Object.entries(model.csp.directives)) {
      const others = Object.fromEntries(fetchDirectives.filter((d) => d !== directive).map((d) => [d, PERMISSIVE]));
      items.push({ label: `${header}: ${serializeCsp({ [directive]: sources })}`, policy: { csp: { reportOnly: model.csp.reportOnly, directives: { ...others, [directive]: sources } } } });
    }
  }
  return items;
}

export function failingJourneys(p: PolicyVerdict): string[] {
  return p.journeys.filter((j) => j.baseline === 'passed' && j.candidate === 'failed').map((j) => j.journey);
}

/** The boot failure a journey's error names (src/observe/boot-failure.ts), if any. */
export function bootFailureOf(error: string | undefined): string | undefined {
  return /the app cannot boot: .*?(?:every app build\)|entry module \S+)/.exec(error ?? '')?.[0];
}

/**
 * Which failing journeys must be re-run: journeys that failed because the app could not boot, for
 * the same reason, share one cause, so one of them (login when it is among them) stands for all.
 */
export function blameRepresentatives(p: PolicyVerdict): { rerun: string[]; sameAs: Map<string, string> } {
  const failing = failingJourneys(p);
  const byReason = new Map<string, string>();
  const sameAs = new Map<string, string>();
  const ordered = [...failing].sort((a, b) => Number(b === 'login') - Number(a === 'login'));
  for (const journey of ordered) {
    const reason = bootFailureOf(p.journeys.find((j) => j.journey === journey)?.error);
    if (!reason) continue;
    const first = byReason.get(reason);
    if (first) sameAs.set(journey, first);
    else byReason.set(reason, journey);
  }
  return { rerun: failing.filter((j) => !sameAs.has(j)), sameAs };
}

/** Runs the failing journeys once per part; `runPolicies` runs policy files and returns the summary. */
export async function blamePolicy(
  p: PolicyVerdict,
  dir: string,
  runPolicies: (files: string[], journeys: string[], outDir: string) => Promise<Summary>,
): Promise<Blame[]> {
  const failing = failingJourneys(p);
  const model = p.policy.model;
  if (!failing.length || !model) return [];
  const items = blameItems(model);
  if (items.length === 1) return failing.map((journey) => ({ journey, blamed: [items[0]!.label] }));
  mkdirSync(dir, { recursive: true });
  const names = items.map((_, i) => `${p.policy.name.slice(0, 50)}--part${i + 1}`);
  const files = items.map((item, i) => {
    const file = path.join(dir, `${names[i]}.yaml`);
    writeFileSync(file, YAML.stringify({ name: names[i], description: `blame: only ${item.label}`, ...item.policy }));
    return file;
  });
  const { rerun, sameAs } = blameRepresentatives(p);
  const summary = await runPolicies(files, rerun, path.join(dir, 'run'));
  // The parts whose run failed this journey (or the journey that stands for it).
  const blamedFor = (journey: string) => items.filter((_, i) => {
    const sub = summary.policies.find((x) => x.policy.name === names[i]);
    return sub?.journeys.find((j) => j.journey === journey)?.candidate === 'failed';
  }).map((item) => item.label);
  return failing.map((journey) => {
    const representative = sameAs.get(journey);
    const blamed = blamedFor(representative ?? journey);
    if (representative) return { journey, blamed, note: `the same boot failure as ${representative}, blamed through it` };
    return { journey, blamed, ...(blamed.length ? {} : { note: 'every part passes on its own: only their combination fails' }) };
  });
}

/** Blames every breaking policy of a finished run, in place; returns whether anything was added. */
export async function blameRun(
  summaryFile: string,
  runPolicies: (files: string[], journeys: string[], outDir: string) => Promise<Summary>,
  log: (line: string) => void,
): Promise<Summary> {
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
  for (const p of summary.policies.filter((x) => x.verdict === 'breaks')) {
    const failing = failingJourneys(p);
    const { rerun, sameAs } = blameRepresentatives(p);
    const shared = sameAs.size ? ` (${[...sameAs.keys()].join(', ')}: the same boot failure)` : '';
    log(`blame: ${p.policy.name}: re-running ${rerun.join(', ')} with one part of the policy at a time${shared}`);
    try {
      p.blame = await blamePolicy(p, path.join(path.dirname(summaryFile), 'blame', p.policy.name), runPolicies);
    } catch (err) {
      // The verdict stands without blame; say why the explanation is missing instead of crashing.
      log(`blame: ${p.policy.name}: the re-run failed (${(err as Error).message.split('\n')[0]})`);
      p.blame = failing.map((journey) => ({ journey, blamed: [], note: `blame re-run failed: ${(err as Error).message.split('\n')[0]}` }));
      continue;
    }
    for (const b of p.blame) {
      p.reasons.push(`${b.journey}: ${b.blamed.length ? `blamed on ${b.blamed.join(' + ')}` : 'no single part reproduces the failure'}`);
    }
  }
  return summary;
}
