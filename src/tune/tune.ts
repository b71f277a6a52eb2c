// `headerproof tune`: observe every journey under a strict report-only CSP, synthesize the smallest
// policy that allows what was seen, then enforce it and widen until the journeys pass with zero
// violations (bounded), lint it and write it as a policy file.
import { readSummaryFile } from '../report/files.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { diffCsp, serializeCsp, type CspDirectives } from '../policy/csp.js';
import { loadPolicy, type Policy } from '../policy/policy.js';
import { lintPolicy, type Finding, type LintApp } from '../lint/lint.js';
import { run, type RunOptions } from '../run/run.js';
import type { InlineBlock } from '../proxy/inline-scripts.js';
import type { ViolationGroup } from '../observe/violation.js';
import type { Summary } from '../report/model.js';
import { allowInlineHandlers, allowInlineScriptElements, allowInlineStyleElements, neededSources, PRODUCTION, STRICT_START, synthesize, UNSAFE_HANDLERS_COST, UNSAFE_SCRIPTS_COST, UNSAFE_STYLES_COST, unstableRuntimeBlocks, widen, type SourceNote } from './synthesize.js';
import { ENGINE_LABEL, engineOfJourney } from '../harness/engines.js';
import { asViolation } from '../collect/report.js';
import { openStore, DEFAULT_MAX_GROUPS } from '../collect/store.js';
import { tunedPolicyYaml } from './policy-file.js';
import { describeSink, isTrustedTypes, proposeTrustedTypes, TRUSTED_TYPES_PROBE, trustedTypesPolicyYaml, trustedTypesSummary, type TrustedTypesProposal } from './trusted-types.js';

export interface TuneOptions {
  /** The app profile and the user's journeys folder (as for run). */
  app?: string;
  /** The app as lint sees it (the features it needs), for the tuned policy's lint. */
  lintApp?: LintApp;
  journeysDir?: string;
  target?: string;
  from?: string;
  out?: string;
  journeys?: string;
  workers?: string;
  maxIterations?: number;
  /** A headerproof collect database: also allow what production browsers reported. */
  fromReports?: string;
  /** Browser engines to observe and prove in, e.g. "chromium,firefox" (default: the config's, else Chromium). */
  browsers?: string;
  /**
   * false: never propose style-src-elem 'unsafe-inline' for styles no hash can hold; tune stops
   * with the list of them instead (commander's --no-unsafe-styles).
   */
  unsafeStyles?: boolean;
  /**
   * false: never propose script-src-elem 'unsafe-inline' for inline scripts inserted at run time
   * whose text changes between runs; tune stops with the list of them instead (--no-unsafe-scripts).
   */
  unsafeScripts?: boolean;
  log?: (line: string) => void;
  /** The environment of the target's runs (a plan's target: its app, URL and credentials). */
  env?: NodeJS.ProcessEnv;
  /** tune's own folder (default reports/tune-<time>). */
  workDir?: string;
  /** false: do not observe Trusted Types nor propose a report-only Trusted Types policy (--no-trusted-types). */
  trustedTypes?: boolean;
}

/** A loosening tune chose because nothing narrower works, with what it costs. */
export interface Allowance {
  directive: string;
  source: string;
  why: string;
  cost: string;
  /** The flag that refuses it (tune then stops and lists what needed it). */
  refuse: string;
}

export interface TuneResult {
  file: string;
  directives: CspDirectives;
  converged: boolean;
  iterations: number;
  lint: Finding[];
  diff?: ReturnType<typeof diffCsp>;
  warnings: string[];
  allowances: Allowance[];
  /** When not converged: exactly what is left (violations no source can allow, failing journeys). */
  unresolved: string[];
  /** The engines it observed and proved in. */
  engines: string[];
  /** tune's own folder: each round's run and tune.md. */
  workDir: string;
  /** The report-only Trusted Types policy proposed beside the CSP (its file), or why none was. */
  trustedTypes?: { file: string; proposal: TrustedTypesProposal } | { skipped: string };
}

interface Observed {
  summary: Summary;
  violations: ViolationGroup[];
  /** Trusted Types reports (sinks, policy names): never sources to allow. */
  trustedTypes: ViolationGroup[];
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
  const runOptions: RunOptions = { policy: [file], out: dir, quiet: true, skipBaseline: true, app: options.app, journeysDir: options.journeysDir, target: options.target, journeys: options.journeys, workers: options.workers, browsers: options.browsers, ...(options.env ? { env: options.env } : {}) };
  await run(runOptions);
  const summary = readSummaryFile(dir);
  const p = summary.policies[0];
  if (!p) throw new TuneError(`${step}: no journey results`);
  return {
    summary,
    violations: p.journeys.flatMap((j) => j.violations.filter((v) => v.kind === 'csp' && !isTrustedTypes(v))),
    trustedTypes: p.journeys.flatMap((j) => j.violations.filter((v) => v.kind === 'csp' && isTrustedTypes(v))),
    inlineBlocks: p.journeys.flatMap((j) => j.inlineBlocks ?? []),
    failing: p.journeys.filter((j) => j.candidate === 'failed' || j.candidate === 'interrupted').map((j) => ({ journey: j.journey, error: j.error })),
  };
}

/** One line a person can act on: what was blocked, where, in which journey and engine. */
export function describeViolation(v: ViolationGroup): string {
  const sample = v.sample ? ` "${v.sample.replace(/\s+/g, ' ').trim().slice(0, 60)}"` : '';
  const where = v.journey === PRODUCTION ? 'production reports' : `journey ${v.journey.replace(/@firefox$/, '')} in ${ENGINE_LABEL[engineOfJourney(v.journey)]}`;
  return `${v.directive} ${v.blockedUrl}${sample}${v.source ? ` from ${v.source}` : ''} (${where})`;
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

/** Each distinct line once, with how often it came ("… (×12)"): an app may insert one style hundreds of times. */
export function counted(lines: string[]): string[] {
  const n = new Map<string, number>();
  for (const l of lines) n.set(l, (n.get(l) ?? 0) + 1);
  return [...n].map(([l, c]) => (c > 1 ? `${l} (×${c})` : l));
}

export async function tune(options: TuneOptions): Promise<TuneResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const maxIterations = options.maxIterations ?? 4;
  const unsafeStyles = options.unsafeStyles !== false;
  const unsafeScripts = options.unsafeScripts !== false;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const workDir = path.resolve(options.workDir ?? path.join('reports', `tune-${stamp}`));
  const base = options.from ? loadPolicy(options.from) : undefined;
  const name = base ? `${base.name}-tuned` : 'tuned';
  const start = base?.csp?.directives ?? STRICT_START;
  const started = Date.now();

  // Trusted Types is observed in the same report-only round, unless turned off or the starting policy has its own.
  const ttSkipped = options.trustedTypes === false ? 'turned off (--no-trusted-types)'
    : start['require-trusted-types-for'] || start['trusted-types'] ? 'the starting policy sets Trusted Types itself' : undefined;
  const observeStart = ttSkipped ? start : { ...start, ...TRUSTED_TYPES_PROBE };
  log(`tune: observing the journeys under a report-only ${base ? `copy of ${options.from}` : `"${serializeCsp(STRICT_START)}"`}${ttSkipped ? '' : ", with Trusted Types"}${options.browsers ? ` in ${options.browsers}` : ''}`);
  const production = options.fromReports ? await productionViolations(options.fromReports) : [];
  if (options.fromReports) log(`tune: ${production.length} CSP report groups (${production.reduce((n, v) => n + v.count, 0)} reports) from ${options.fromReports}`);
  const first = await observe('0-observe', workDir, name, observeStart, true, base, options);
  if (first.failing.length) throw new TuneError(`journeys fail even report-only, so nothing they need can be observed; fix the target first:\n${first.failing.map((f) => `  ${f.journey}: ${firstLine(f.error)}`).join('\n')}`);
  const engines = [...new Set(first.summary.policies[0]!.journeys.map((j) => j.browser ?? engineOfJourney(j.journey)))];
  // What production asked for is allowed like what a journey asked for; inline blocks it reports
  // are hashed from what the journeys' browsers ran (served or inserted at run time).
  const seen = { violations: [...first.violations, ...production], inlineBlocks: first.inlineBlocks };
  const needed = neededSources(seen);
  const synthesis = base ? { ...needed, directives: widen(start, needed.directives) } : synthesize(seen);
  let notes = synthesis.notes;
  const warnings = [...synthesis.warnings];
  const allowances: Allowance[] = [];
  const knownBlocks = [...first.inlineBlocks];
  const runtime = first.inlineBlocks.filter((b) => b.runtime);
  log(`tune: ${first.violations.length} violation groups seen in ${engines.map((e) => ENGINE_LABEL[e as keyof typeof ENGINE_LABEL] ?? e).join(' and ')}; synthesized ${Object.keys(synthesis.directives).length} directives${runtime.length ? `; ${new Set(runtime.map((b) => b.hash)).size} inline block(s) inserted at run time hashed from the browser` : ''}`);

  let directives = synthesis.directives;
  // The narrowest 'unsafe-inline' for what no hash can hold, once per directive, with its cost; or,
  // refused by its flag, the cases it would have covered, listed as unresolved.
  const refused: string[] = [];
  const refusedScripts: string[] = [];
  const allowance = (directive: string, cost: string, refuse: string, enabled: boolean, refusedList: string[], apply: (d: CspDirectives) => CspDirectives) =>
    (d: CspDirectives, why: string, cases: string[]): CspDirectives => {
      if (!enabled) {
        refusedList.push(...cases.filter((c) => !refusedList.includes(c)));
        return d;
      }
      if (allowances.some((a) => a.directive === directive)) return d;
      allowances.push({ directive, source: "'unsafe-inline'", why: `${why}: ${cases.join('; ')}`, cost, refuse });
      log(`tune: allowing ${directive} 'unsafe-inline' (${why}); cost: ${cost}`);
      return apply(d);
    };
  const allowStyles = allowance('style-src-elem', UNSAFE_STYLES_COST, '--no-unsafe-styles', unsafeStyles, refused, allowInlineStyleElements);
  // Scripts: after hashes and handler hashes.
  const allowScripts = allowance('script-src-elem', UNSAFE_SCRIPTS_COST, '--no-unsafe-scripts', unsafeScripts, refusedScripts, allowInlineScriptElements);
  const allowHandlerAttrs = allowance('script-src-attr', UNSAFE_HANDLERS_COST, '--no-unsafe-scripts', unsafeScripts, refusedScripts, allowInlineHandlers);
  // Inline event handlers no hash can name.
  const allowHandlers = (d: CspDirectives, handlers: ViolationGroup[]): CspDirectives => {
    if (!handlers.length) return d;
    // A console line's "sample" is the browser's message, not the handler: only the page's channels name it.
    const sampleOf = (v: ViolationGroup) => (v.sample && v.channels.some((c) => c !== 'console') ? `"${v.sample.replace(/\s+/g, ' ').trim().slice(0, 40)}"` : 'a handler');
    const cases = counted(handlers.map((v) => `${sampleOf(v)}${v.source ? ` set by ${v.source.replace(/^https?:\/\/[^/]+/, '')}` : ''}`));
    return allowHandlerAttrs(d, "inline event handlers set by the app's code on elements not yet in the page, so the browser reports them without the element and no hash can name them (an edge nonce cannot either: nonces do not apply to handlers)", cases);
  };
  directives = allowHandlers(directives, synthesis.unreadableHandlers);
  const productionStyles = needed.unhashable.filter((v) => policyKind(v) === 'style');
  if (productionStyles.length) directives = allowStyles(directives, 'production reported inline styles the journeys never ran, so no hash is known', productionStyles.map(describeViolation));
  const productionScripts = needed.unhashable.filter((v) => policyKind(v) === 'script');
  const unresolvedScripts = productionScripts.map((v) => `${describeViolation(v)}: an inline script no journey ran, so it has no hash; add a journey that reaches it (scripts are never allowed with 'unsafe-inline')`);

  let converged = false;
  let iteration = 0;
  let unresolved: string[] = [];
  let last: { blocking: ViolationGroup[]; failing: Observed['failing'] } = { blocking: [], failing: [] };
  while (iteration < maxIterations) {
    iteration++;
    log(`tune: iteration ${iteration}: enforcing the synthesized policy on every journey`);
    const enforced = await observe(`${iteration}-enforce`, workDir, name, directives, false, base, options);
    const blocking = enforced.violations.filter((v) => v.disposition === 'enforce');
    last = { blocking, failing: enforced.failing };
    if (!blocking.length && !enforced.failing.length && !unresolvedScripts.length && !refused.length && !refusedScripts.length) {
      converged = true;
      log(`tune: iteration ${iteration}: all journeys pass with zero violations`);
      break;
    }
    const more = neededSources({ violations: blocking, inlineBlocks: enforced.inlineBlocks });
    const unstable = unstableRuntimeBlocks(enforced.inlineBlocks, directives, knownBlocks);
    knownBlocks.push(...enforced.inlineBlocks);
    let widened = allowHandlers(widen(directives, more.directives), more.unreadableHandlers);
    const unstableStyles = unstable.filter((b) => b.kind === 'style');
    if (unstableStyles.length) {
      widened = allowStyles(widened, 'styles inserted at run time whose text changes between runs, so their hashes do not hold',
        counted(unstableStyles.map((b) => `"${b.sample.replace(/\s+/g, ' ').slice(0, 40)}"${b.source ? ` from ${b.source}` : ''} on ${b.path}`)));
    }
    const unstableScripts = unstable.filter((b) => b.kind === 'script');
    if (unstableScripts.length) {
      widened = allowScripts(widened, 'inline scripts inserted at run time whose text changes between runs, so their hashes do not hold (an edge-injected nonce with \'strict-dynamic\' is not built yet)',
        counted(unstableScripts.map((b) => `"${b.sample.replace(/\s+/g, ' ').slice(0, 40)}"${b.source ? ` from ${b.source}` : ''} on ${b.path}`)));
    }
    if (JSON.stringify(widened) === JSON.stringify(directives)) {
      unresolved = [
        ...blocking.map((v) => `still blocked: ${describeViolation(v)}`),
        ...(unsafeScripts ? [] : counted(unstableScripts.map((b) => `an inline script inserted at run time changes between runs ("${b.sample.slice(0, 40)}" on ${b.path}): no hash holds it`))),
        ...refused.map((r) => `refused (--no-unsafe-styles): ${r}`),
        ...refusedScripts.map((r) => `refused (--no-unsafe-scripts): ${r}`),
        ...unresolvedScripts,
        ...enforced.failing.map((f) => `journey ${f.journey} fails: ${firstLine(f.error)}`),
      ];
      if (!unresolved.length) unresolved = ['the enforced run did not pass and named nothing to allow (see the run in the tune folder)'];
      log(`tune: iteration ${iteration}: cannot widen further; what is left:\n${unresolved.map((u) => `  - ${u}`).join('\n')}`);
      break;
    }
    const added = diffCsp(directives, widened).added;
    log(`tune: iteration ${iteration}: widening ${Object.entries(added).map(([d, s]) => `${d} ${s.join(' ')}`).join('; ')}`);
    directives = widened;
    notes = mergeNotes(notes, more.notes);
    warnings.push(...more.warnings);
  }
  if (!converged && !unresolved.length) {
    unresolved = [
      ...refused.map((r) => `refused (--no-unsafe-styles): ${r}`),
      ...refusedScripts.map((r) => `refused (--no-unsafe-scripts): ${r}`),
      ...last.blocking.map((v) => `still blocked in the last round: ${describeViolation(v)}`),
      ...last.failing.map((f) => `journey ${f.journey} fails: ${firstLine(f.error)}`),
      `not converged after ${iteration} enforced round(s) (--max-iterations ${maxIterations}): see the last round in ${workDir}`,
    ];
  }

  const journeysSeen = [...new Set(first.summary.policies[0]!.journeys.map((j) => j.journey))];
  const header = [
    `Tuned by headerproof ${new Date().toISOString()} from the journeys: ${journeysSeen.join(', ')}${production.length ? `, and ${production.reduce((n, v) => n + v.count, 0)} production reports (${options.fromReports!.replace(/\/\/[^@/]*@/, '//')})` : ''}`,
    `Engines: ${engines.map((e) => ENGINE_LABEL[e as keyof typeof ENGINE_LABEL] ?? e).join(', ')} (the policy is the union of what each needs, and was enforced in each).`,
    `Target: ${first.summary.target}. ${converged ? `Proven: every journey passes with this CSP enforced and zero violations (iteration ${iteration}).` : 'NOT converged: do not deploy as is. Left:'}`,
    ...(converged ? [] : unresolved.map((u) => `  - ${u}`)),
    ...allowances.map((a) => `ALLOWANCE ${a.directive} ${a.source}: ${a.why}. Cost: ${a.cost}. Refuse it with ${a.refuse}.`),
    ...(directives['script-src-attr']?.includes("'unsafe-hashes'") ? ["script-src-attr 'unsafe-hashes' allows exactly the inline event handlers hashed there (each named below); they change when the app's handler code does."] : []),
    ...(notes.some((n) => /^https?:/.test(n.source)) ? ['Third-party origins and the journeys that need them:'] : []),
    ...notes.filter((n) => /^https?:/.test(n.source)).map((n) => `  ${n.source} (${n.directive}): ${[...n.journeys, ...(n.reports ? [`${n.reports.count} production report${n.reports.count === 1 ? "" : "s"}`] : [])].join(', ')}`),
    ...(notes.some((n) => n.note?.includes('changes with every app build')) ? ['Hashes marked "changes with every app build" must be re-tuned after each app upgrade (the SvelteKit bootstrap script).'] : []),
    ...(notes.some((n) => n.note?.includes('inserted at run time')) ? ['Hashes marked "inserted at run time" are of styles or scripts the app\'s code adds (e.g. web components\' shadow roots), captured in the browser; they change when that code does.'] : []),
    ...warnings.map((w) => `WARNING: ${w}`),
  ];
  const text = tunedPolicyYaml({
    name,
    description: `CSP synthesized by headerproof tune from what the journeys needed${base ? `, widened from ${base.name}` : ''}; enforced. Re-run tune after upgrading the app.`,
    directives,
    notes: [...notes, ...allowances.map((a) => ({ directive: a.directive, source: a.source, journeys: [], note: `ALLOWANCE (${a.why.split(':')[0]}); cost: ${a.cost}` }))],
    header,
    base,
  });
  const file = path.resolve(options.out ?? path.join(workDir, `${name}.yaml`));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  const lint = lintPolicy(loadPolicy(file), options.lintApp);
  let trustedTypes: TuneResult['trustedTypes'] = ttSkipped ? { skipped: ttSkipped } : undefined;
  if (!ttSkipped) {
    const proposal = proposeTrustedTypes(first.trustedTypes);
    const ttFile = file.replace(/(\.ya?ml)?$/, '.trusted-types.yaml');
    const engineNames = engines.map((e) => ENGINE_LABEL[e as keyof typeof ENGINE_LABEL] ?? e).join(' and ');
    writeFileSync(ttFile, trustedTypesPolicyYaml(`${name}-trusted-types`, proposal, [...trustedTypesSummary(proposal, engineNames), `Target: ${first.summary.target}; journeys: ${journeysSeen.join(', ')}.`]));
    trustedTypes = { file: ttFile, proposal };
    log(`tune: Trusted Types, report-only, proposed in ${ttFile}: ${proposal.enforceable ? 'no sink got a plain string in any journey' : `${proposal.sinks.length} sink(s) still get plain strings (listed in the file)`}${proposal.policies.length ? `; the app's policies ${proposal.policies.join(', ')}` : ''}`);
  }
  writeFileSync(path.join(workDir, 'tune.md'), tuneReport({ file, converged, iterations: iteration, engines, allowances, unresolved, seconds: (Date.now() - started) / 1000, directives, trustedTypes }));
  return { file, directives, converged, iterations: iteration, lint, warnings, allowances, unresolved, engines, workDir, ...(trustedTypes ? { trustedTypes } : {}), ...(base?.csp ? { diff: diffCsp(base.csp.directives, directives) } : {}) };
}

function policyKind(v: ViolationGroup): 'style' | 'script' {
  return v.directive.startsWith('style-src') ? 'style' : 'script';
}

function firstLine(error: string | undefined): string {
  return (error ?? 'failed').split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? 'failed';
}

/** tune.md: the outcome in a form to paste into a change request. */
function tuneReport(r: { file: string; converged: boolean; iterations: number; engines: string[]; allowances: Allowance[]; unresolved: string[]; seconds: number; directives: CspDirectives; trustedTypes?: TuneResult['trustedTypes'] }): string {
  const lines = [
    '# headerproof tune',
    '',
    `- Policy: \`${r.file}\``,
    `- ${r.converged ? 'Converged' : '**Not converged**'} after ${r.iterations} enforced round(s), ${Math.round(r.seconds)} s, in ${r.engines.join(' and ')}`,
    '',
    '```',
    serializeCsp(r.directives),
    '```',
  ];
  if (r.allowances.length) lines.push('', '## Allowances (each a loosening nothing narrower could replace)', '', ...r.allowances.map((a) => `- \`${a.directive} ${a.source}\`: ${a.why}.\n  Cost: ${a.cost}. Refuse with \`${a.refuse}\`.`));
  const md = (u: string) => u.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  if (r.unresolved.length) lines.push('', '## What is left', '', ...r.unresolved.map((u) => `- ${md(u)}`));
  const tt = r.trustedTypes;
  if (tt && 'file' in tt) {
    lines.push('', '## Trusted Types (report-only first)', '', `- Proposed: \`${tt.file}\` — \`${serializeCsp(tt.proposal.directives)}\` as Content-Security-Policy-Report-Only`,
      tt.proposal.enforceable ? '- No sink got a plain string in any journey: enforce it once production reports stay quiet.'
        : `- Sinks that still get plain strings (reported now, blocked if enforced):\n${tt.proposal.sinks.map((s) => `  - ${md(describeSink(s))}`).join('\n')}`);
  } else if (tt) lines.push('', `Trusted Types: not observed (${tt.skipped}).`);
  return lines.join('\n') + '\n';
}
