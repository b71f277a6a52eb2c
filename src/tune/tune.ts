// `headerproof tune`: observe every journey under a strict report-only CSP, synthesize the smallest
// policy that allows what was seen, then enforce it and widen until the journeys pass with zero
// violations (bounded), lint it and write it as a policy file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { diffCsp, serializeCsp, type CspDirectives } from '../policy/csp.js';
import { loadPolicy, type Policy } from '../policy/policy.js';
import { lintPolicy, type Finding } from '../lint/lint.js';
import { run, PROJECT_ROOT, type RunOptions } from '../cli/run.js';
import type { InlineBlock } from '../proxy/inline-scripts.js';
import type { ViolationGroup } from '../observe/violation.js';
import type { Summary } from '../report/model.js';
import { neededSources, STRICT_START, synthesize, widen, type SourceNote } from './synthesize.js';
import { asViolation } from '../collect/report.js';
import { openStore, DEFAULT_MAX_GROUPS } from '../collect/store.js';
import { tunedPolicyYaml } from './policy-file.js';

export interface TuneOptions {
  target?: string;
  from?: string;
  out?: string;
  journeys?: string;
  workers?: string;
  maxIterations?: number;
  /** A headerproof collect database: also allow what production browsers reported. */
  fromReports?: string;
  log?: (line: string) => void;
}

export interface TuneResult {
  file: string;
  directives: CspDirectives;
  converged: boolean;
  iterations: number;
  lint: Finding[];
  diff?: ReturnType<typeof diffCsp>;
  warnings: string[];
}

interface Observed {
  summary: Summary;
  violations: ViolationGroup[];
  inlineBlocks: InlineBlock[];
  failing: { journey: string; error?: string }[];
}

export class TuneError extends Error {}

async function observe(step: string, workDir: string, name: string, directives: CspDirectives, reportOnly: boolean, base: Policy | undefined, options: TuneOptions): Promise<Observed> {
  const dir = path.join(workDir, step);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.yaml`);
  const doc: Record<string, unknown> = { name, description: `headerproof tune, ${step}`, csp: { reportOnly, directives } };
  if (base) Object.assign(doc, { set: base.set, remove: base.remove, ...(base.paths ? { paths: base.paths } : {}) });
  writeFileSync(file, YAML.stringify(doc));
  const runOptions: RunOptions = { policy: [file], out: dir, quiet: true, skipBaseline: true, target: options.target, journeys: options.journeys, workers: options.workers };
  await run(runOptions);
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
  const p = summary.policies[0];
  if (!p) throw new TuneError(`${step}: no journey results`);
  return {
    summary,
    violations: p.journeys.flatMap((j) => j.violations.filter((v) => v.kind === 'csp')),
    inlineBlocks: p.journeys.flatMap((j) => j.inlineBlocks ?? []),
    failing: p.journeys.filter((j) => j.candidate === 'failed').map((j) => ({ journey: j.journey, error: j.error })),
  };
}

/**
 * CSP reports production browsers sent to `headerproof collect`, as violations of a pseudo-journey
 * "production" on the reported page pattern, so synthesis treats them like a journey's.
 */
export async function productionViolations(db: string): Promise<ViolationGroup[]> {
  const store = await openStore(db, { readOnly: true, maxGroups: DEFAULT_MAX_GROUPS });
  try {
    const { groups } = await store.contents();
    return groups.filter((g) => g.kind === 'csp' && g.directive && g.blocked).map(asViolation);
  } finally {
    await store.close();
  }
}

function mergeNotes(a: SourceNote[], b: SourceNote[]): SourceNote[] {
  const out = [...a];
  for (const n of b) {
    const existing = out.find((x) => x.directive === n.directive && x.source === n.source);
    if (existing) existing.journeys = [...new Set([...existing.journeys, ...n.journeys])];
    else out.push(n);
  }
  return out;
}

export async function tune(options: TuneOptions): Promise<TuneResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const maxIterations = options.maxIterations ?? 4;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const workDir = path.join(PROJECT_ROOT, 'reports', `tune-${stamp}`);
  const base = options.from ? loadPolicy(options.from) : undefined;
  const name = base ? `${base.name}-tuned` : 'tuned';
  const start = base?.csp?.directives ?? STRICT_START;

  log(`tune: observing the journeys under a report-only ${base ? `copy of ${options.from}` : `"${serializeCsp(STRICT_START)}"`}`);
  const production = options.fromReports ? await productionViolations(options.fromReports) : [];
  if (options.fromReports) log(`tune: ${production.length} CSP report groups (${production.reduce((n, v) => n + v.count, 0)} reports) from ${options.fromReports}`);
  const first = await observe('0-observe', workDir, name, start, true, base, options);
  if (first.failing.length) throw new TuneError(`journeys fail even report-only (${first.failing.map((f) => f.journey).join(', ')}): fix the target first`);
  // What production asked for is allowed like what a journey asked for; inline blocks it reports
  // are hashed from what the proxy served the journeys.
  const seen = { violations: [...first.violations, ...production], inlineBlocks: first.inlineBlocks };
  let synthesis = base ? { ...neededSources(seen), directives: widen(start, neededSources(seen).directives) } : synthesize(seen);
  let notes = synthesis.notes;
  const warnings = [...synthesis.warnings];
  log(`tune: ${first.violations.length} violation groups seen; synthesized ${Object.keys(synthesis.directives).length} directives`);

  let directives = synthesis.directives;
  let converged = false;
  let iteration = 0;
  while (iteration < maxIterations) {
    iteration++;
    log(`tune: iteration ${iteration}: enforcing the synthesized policy on every journey`);
    const enforced = await observe(`${iteration}-enforce`, workDir, name, directives, false, base, options);
    const blocking = enforced.violations.filter((v) => v.disposition === 'enforce');
    if (!blocking.length && !enforced.failing.length) {
      converged = true;
      log(`tune: iteration ${iteration}: all journeys pass with zero violations`);
      break;
    }
    const more = neededSources({ violations: blocking, inlineBlocks: enforced.inlineBlocks });
    const widened = widen(directives, more.directives);
    if (JSON.stringify(widened) === JSON.stringify(directives)) {
      const why = enforced.failing.map((f) => `${f.journey}: ${f.error ?? 'failed'}`).join('; ');
      log(`tune: iteration ${iteration}: journeys still fail and no violation says what to allow (${why})`);
      break;
    }
    const added = diffCsp(directives, widened).added;
    log(`tune: iteration ${iteration}: widening ${Object.entries(added).map(([d, s]) => `${d} ${s.join(' ')}`).join('; ')}`);
    directives = widened;
    notes = mergeNotes(notes, more.notes);
    warnings.push(...more.warnings);
  }

  const journeysSeen = [...new Set(first.summary.policies[0]!.journeys.map((j) => j.journey))];
  const header = [
    `Tuned by headerproof ${new Date().toISOString()} from the journeys: ${journeysSeen.join(', ')}${production.length ? `, and ${production.reduce((n, v) => n + v.count, 0)} production reports (${options.fromReports!.replace(/\/\/[^@/]*@/, '//')})` : ''}`,
    `Target: ${first.summary.target}. ${converged ? `Proven: every journey passes with this CSP enforced and zero violations (iteration ${iteration}).` : 'NOT converged: see the tune log; do not deploy as is.'}`,
    ...(notes.some((n) => /^https?:/.test(n.source)) ? ['Third-party origins and the journeys that need them:'] : []),
    ...notes.filter((n) => /^https?:/.test(n.source)).map((n) => `  ${n.source} (${n.directive}): ${[...n.journeys, ...(n.reports ? [`${n.reports.count} production report${n.reports.count === 1 ? "" : "s"}`] : [])].join(', ')}`),
    ...(notes.some((n) => n.note?.includes('changes with every app build')) ? ['Hashes marked "changes with every app build" must be re-tuned after each app upgrade (the SvelteKit bootstrap script).'] : []),
    ...warnings.map((w) => `WARNING: ${w}`),
  ];
  const text = tunedPolicyYaml({
    name,
    description: `CSP synthesized by headerproof tune from what the journeys needed${base ? `, widened from ${base.name}` : ''}; enforced. Re-run tune after upgrading the app.`,
    directives,
    notes,
    header,
    base,
  });
  const file = path.resolve(options.out ?? path.join(workDir, `${name}.yaml`));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  const lint = lintPolicy(loadPolicy(file));
  return { file, directives, converged, iterations: iteration, lint, warnings, ...(base?.csp ? { diff: diffCsp(base.csp.directives, directives) } : {}) };
}
