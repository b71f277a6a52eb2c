// Blame: for a policy that breaks a journey, re-run only the failing journeys with one part of the
// policy at a time (one header; for CSP one directive; for Permissions-Policy one feature) and
// name the parts that reproduce each failure on their own. With --bisect the parts are searched
// instead: halves, then the halves of the halves that fail, down to single parts.
import { readSummaryFile } from '../report/files.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ALLOW_ALL_SOURCES, serializeCsp } from '../policy/csp.js';
import { parsePermissionsPolicy } from '../policy/permissions-policy.js';
import type { PolicyModel } from './suggest.js';
import type { Bisection, Blame, PolicyVerdict, Summary } from '../report/model.js';

export interface BlameItem {
  label: string;
  policy: { set?: Record<string, string>; remove?: string[]; csp?: PolicyModel['csp'] };
}

/**
 * Sources that allow everything a fetch directive can allow. A CSP directive is tested "in
 * context": the policy's other fetch directives stay present but permissive, so fallbacks work as
 * in the full policy (default-src alone would otherwise also govern scripts and be blamed for them).
 */
export const PERMISSIVE = ALLOW_ALL_SOURCES;

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

/**
 * The parts as one policy: headers merged (Permissions-Policy features joined into one header),
 * removals joined, and CSP directives in context as for a single part: each part's own directive
 * as the policy has it, the policy's other fetch directives permissive.
 */
export function combineItems(items: BlameItem[]): BlameItem {
  if (items.length === 1) return items[0]!;
  const set: Record<string, string> = {};
  const remove: string[] = [];
  let csp: BlameItem['policy']['csp'];
  for (const { policy } of items) {
    for (const [header, value] of Object.entries(policy.set ?? {})) set[header] = set[header] ? `${set[header]}, ${value}` : value;
    remove.push(...(policy.remove ?? []));
    if (policy.csp) {
      const directives = { ...csp?.directives };
      // PERMISSIVE is the stand-in a part puts for the directives that are not its own.
      for (const [d, sources] of Object.entries(policy.csp.directives)) if (sources !== PERMISSIVE || !(d in directives)) directives[d] = sources;
      csp = { reportOnly: policy.csp.reportOnly, directives };
    }
  }
  return {
    label: items.map((i) => i.label).join(' + '),
    policy: { ...(Object.keys(set).length ? { set } : {}), ...(remove.length ? { remove } : {}), ...(csp ? { csp } : {}) },
  };
}

/**
 * With --bisect, a policy of at least this many parts is bisected. All parts at once is one run of
 * N passes spread over the workers, the culprits failing side by side; bisection runs 2 groups a
 * round over ~log2 N rounds, one after another, each with a failing pass (which waits out its
 * timeouts) and a run's start-up. It saves journey re-runs, not wall time, on a small machine:
 * measured with 2 workers, a 16-part policy was blamed in 95 s by bisection (4 rounds, 8 re-runs)
 * and in 61–68 s all at once (16 re-runs) on the lab, 109 s against 92 s on a real app
 * v1.135.3. So it is opt-in.
 */
export const BISECT_FROM = 4;

/** Splits a group of part indices into two halves (the first the larger). */
function halves(group: number[]): [number[], number[]] {
  const mid = Math.ceil(group.length / 2);
  return [group.slice(0, mid), group.slice(mid)];
}

export interface BisectResult {
  /** Per journey: the indices of the parts that fail it on their own (ascending). */
  blamed: Map<string, number[]>;
  /** Journeys where a failing group's halves both passed: a combination, not one part, fails them. */
  combination: Set<string>;
  bisection: Bisection;
}

/**
 * Adaptive group testing over the parts. Sound because parts only restrict: a group that passes
 * has no part that fails on its own, so only failing groups are split (a journey stops being
 * re-run once every group left for it passes or is a single part). A failing group whose two
 * halves both pass fails by a combination of parts, which the report says.
 * `runGroups(groups, journeys, round)` runs each group (a list of part indices) as one policy and
 * says, per group and journey, whether the journey failed.
 */
export async function bisectParts(
  parts: number,
  journeys: string[],
  runGroups: (groups: number[][], journeys: string[], round: number) => Promise<(group: number[], journey: string) => boolean>,
): Promise<BisectResult> {
  const blamed = new Map(journeys.map((j) => [j, [] as number[]]));
  const combination = new Set<string>();
  const all = Array.from({ length: parts }, (_, i) => i);
  // Per journey, pairs of halves still to test (the whole policy is known to fail).
  let pending = new Map(journeys.map((j) => [j, [halves(all)]]));
  let rounds = 0;
  let reruns = 0;
  while (pending.size) {
    rounds++;
    const groups = new Map<string, number[]>();
    for (const pairs of pending.values()) for (const pair of pairs) for (const g of pair) groups.set(g.join(','), g);
    const active = [...pending.keys()];
    reruns += groups.size * active.length;
    const failed = await runGroups([...groups.values()], active, rounds);
    const next = new Map<string, [number[], number[]][]>();
    for (const [journey, pairs] of pending) {
      for (const pair of pairs) {
        const failing = pair.filter((g) => failed(g, journey));
        if (!failing.length) combination.add(journey);
        for (const g of failing) {
          if (g.length === 1) blamed.get(journey)!.push(g[0]!);
          else next.set(journey, [...(next.get(journey) ?? []), halves(g)]);
        }
      }
    }
    pending = next;
  }
  for (const list of blamed.values()) list.sort((a, b) => a - b);
  return { blamed, combination, bisection: { parts, rounds, reruns } };
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

export interface BlameOptions {
  /** Bisect policies of BISECT_FROM parts or more instead of re-running each part. */
  bisect?: boolean;
}

/**
 * Runs the failing journeys once per part, or bisects the parts (options.bisect); `runPolicies`
 * runs policy files and returns the summary.
 */
export async function blamePolicy(
  p: PolicyVerdict,
  dir: string,
  runPolicies: (files: string[], journeys: string[], outDir: string) => Promise<Summary>,
  options: BlameOptions = {},
): Promise<Blame[]> {
  const failing = failingJourneys(p);
  const model = p.policy.model;
  if (!failing.length || !model) return [];
  const items = blameItems(model);
  if (items.length === 1) return failing.map((journey) => ({ journey, blamed: [items[0]!.label] }));
  mkdirSync(dir, { recursive: true });
  const { rerun, sameAs } = blameRepresentatives(p);
  // Runs each group of parts as one policy; then says, per group and journey, whether it failed.
  const runGroups = async (groups: number[][], journeys: string[], name: (i: number) => string, outDir: string) => {
    const names = groups.map((_, i) => `${p.policy.name.slice(0, 50)}--${name(i)}`);
    const files = groups.map((g, i) => {
      const item = combineItems(g.map((index) => items[index]!));
      const file = path.join(dir, `${names[i]}.yaml`);
      writeFileSync(file, YAML.stringify({ name: names[i], description: `blame: only ${item.label}`, ...item.policy }));
      return file;
    });
    const summary = await runPolicies(files, journeys, path.join(dir, outDir));
    const nameOf = new Map(groups.map((g, i) => [g.join(','), names[i]]));
    return (group: number[], journey: string) => summary.policies.find((x) => x.policy.name === nameOf.get(group.join(',')))
      ?.journeys.find((j) => j.journey === journey)?.candidate === 'failed';
  };
  let blamedFor: (journey: string) => string[];
  let combination = (journey: string) => blamedFor(journey).length === 0;
  let bisection: Bisection | undefined;
  if (options.bisect && items.length >= BISECT_FROM) {
    const result = await bisectParts(items.length, rerun, (groups, journeys, round) => runGroups(groups, journeys, (i) => `r${round}g${i + 1}`, `round-${round}`));
    blamedFor = (journey) => (result.blamed.get(journey) ?? []).map((i) => items[i]!.label);
    combination = (journey) => blamedFor(journey).length === 0 && result.combination.has(journey);
    bisection = result.bisection;
  } else {
    const failed = await runGroups(items.map((_, i) => [i]), rerun, (i) => `part${i + 1}`, 'run');
    // The parts whose run failed this journey (or the journey that stands for it).
    blamedFor = (journey) => items.filter((_, i) => failed([i], journey)).map((item) => item.label);
  }
  return failing.map((journey) => {
    const representative = sameAs.get(journey);
    const blamed = blamedFor(representative ?? journey);
    const how = bisection ? { bisection } : {};
    if (representative) return { journey, blamed, note: `the same boot failure as ${representative}, blamed through it`, ...how };
    return { journey, blamed, ...(combination(journey) ? { note: 'every part passes on its own: only their combination fails' } : {}), ...how };
  });
}

/** Blames every breaking policy of a finished run, in place; returns whether anything was added. */
export async function blameRun(
  summaryFile: string,
  runPolicies: (files: string[], journeys: string[], outDir: string) => Promise<Summary>,
  log: (line: string) => void,
  options: BlameOptions = {},
): Promise<Summary> {
  const summary = readSummaryFile(summaryFile);
  for (const p of summary.policies.filter((x) => x.verdict === 'breaks')) {
    const failing = failingJourneys(p);
    const { rerun, sameAs } = blameRepresentatives(p);
    const shared = sameAs.size ? ` (${[...sameAs.keys()].join(', ')}: the same boot failure)` : '';
    const parts = p.policy.model ? blameItems(p.policy.model).length : 0;
    const how = options.bisect && parts >= BISECT_FROM ? `bisecting its ${parts} parts (halves, then the halves that fail)` : 'with one part of the policy at a time';
    log(`blame: ${p.policy.name}: re-running ${rerun.join(', ')} ${how}${shared}`);
    try {
      p.blame = await blamePolicy(p, path.join(path.dirname(summaryFile), 'blame', p.policy.name), runPolicies, options);
    } catch (err) {
      // The verdict stands without blame; say why the explanation is missing instead of crashing.
      log(`blame: ${p.policy.name}: the re-run failed (${(err as Error).message.split('\n')[0]})`);
      p.blame = failing.map((journey) => ({ journey, blamed: [], note: `blame re-run failed: ${(err as Error).message.split('\n')[0]}` }));
      continue;
    }
    const bisected = p.blame.find((b) => b.bisection)?.bisection;
    if (bisected) log(`blame: ${p.policy.name}: ${bisected.rounds} rounds, ${bisected.reruns} journey re-runs (one part at a time: ${bisected.parts * rerun.length})`);
    for (const b of p.blame) {
      p.reasons.push(`${b.journey}: ${b.blamed.length ? `blamed on ${b.blamed.join(' + ')}` : 'no single part reproduces the failure'}`);
    }
  }
  return summary;
}
