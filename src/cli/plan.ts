// `headerproof plan --targets a,b,…`: the whole rollout, proven. 1) the bundles (A–D) as one candidate
// on every target with blame: which parts each app takes (the subset measure); 2) a CSP tuned for each
// app in every engine; 3) each stage — bundles, CSP report-only, CSP enforced — as a policy per app,
// proven by one run per app (all three stages beside its baseline); 4) each proven stage split into a
// shared layer and one per app, exported for Traefik, nginx and Caddy; 5) plan.json, plan.md, index.html.
import { ALL_APPS_EXAMPLE } from '../apps/shipped.js';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadPolicy } from '../policy/policy.js';
import { policyOfParts } from '../subset/subset.js';
import { targetEnv } from '../config/targets.js';
import { exportLayers, splitLayers } from '../export/layers.js';
import type { ExportFormat } from '../export/export.js';
import { tune, TuneError } from '../tune/tune.js';
import { keepAppCsp, mergeBundles, planChanges, planExit, PlanError, STAGE_TITLE, STAGES, stagePolicy, withReportUri, type PlanResult, type PlanTune, type PolicyBody, type Stage, type StageProof } from '../plan/plan.js';
import { renderPlanHtml, renderPlanMarkdown } from '../report/plan.js';
import { defaultOutDir, run, targetOwnHeaders, UsageError, type RunOptions } from '../run/run.js';
import { targetsOf, type AcrossOptions } from './targets.js';
import { measureParts } from './subset.js';
import { readSummaryFile } from '../report/files.js';
import { writeFiles, writeResultPages } from './output.js';

export interface PlanOptions extends AcrossOptions {
  /** The bundle policy files (default: policies/bundle-a … bundle-d.yaml). */
  bundles?: string[];
  /** An earlier plan (its folder or plan.json): the new plan says what changed since (an app upgrade's check). */
  since?: string;
  /** Where production browsers report (a `headerproof collect` URL): the report-only stage's exports name it. */
  reportUri?: string;
}

const DEFAULT_BUNDLES = ['a', 'b', 'c', 'd'].map((b) => path.join('policies', `bundle-${b}.yaml`));
const FORMATS: ExportFormat[] = ['traefik', 'nginx', 'caddy'];

export async function planCommand(options: PlanOptions): Promise<number> {
  const across = await targetsOf(options);
  if (!across) throw new UsageError(`plan: name the apps behind the edge with --targets (e.g. --targets ${ALL_APPS_EXAMPLE}, or names from the config file's "targets")`);
  if (options.reportUri !== undefined && !/^https?:\/\/[^\s]+$/.test(options.reportUri)) throw new UsageError(`--report-uri: "${options.reportUri}" is not an http:// or https:// URL; give where \`headerproof collect\` listens behind your edge`);
  const bundleFiles = (options.bundles?.length ? options.bundles : DEFAULT_BUNDLES).map((f) => path.resolve(f));
  for (const f of bundleFiles) if (!existsSync(f)) throw new UsageError(`--bundles: ${path.relative(process.cwd(), f)} does not exist; name the bundle policy files (default: ${DEFAULT_BUNDLES.join(', ')}, which \`headerproof init\` writes)`);
  let merged: PolicyBody;
  try {
    merged = mergeBundles(bundleFiles.map((f) => loadPolicy(f))); // PolicyError → exit 2
  } catch (err) {
    if (err instanceof PlanError) throw new UsageError(err.message);
    throw err;
  }
  const since = options.since ? readEarlierPlan(options.since) : undefined;
  const outDir = options.out ? path.resolve(options.out) : defaultOutDir();
  const log = (line: string) => { if (!options.quiet) console.log(line); };
  const rel = (f: string) => path.relative(outDir, f);
  const started = Date.now();
  const names = across.entries.map((t) => t.name);
  const envOf = (name: string) => targetEnv(across.entries.find((t) => t.name === name)!, process.env, across.baseDir);

  // 1. The bundles as one candidate, on every target, with blame.
  const candidateName = 'rollout-bundles';
  const candidate = path.join(outDir, 'bundles', `${candidateName}.yaml`);
  mkdirSync(path.dirname(candidate), { recursive: true });
  writeFileSync(candidate, YAML.stringify({ name: candidateName, description: `The bundles ${bundleFiles.map((f) => path.basename(f, '.yaml')).join(', ')} together (headerproof plan)`, ...merged }));
  log(`headerproof plan: 1/3 the bundles on ${names.join(', ')}, with blame (which parts each app takes)`);
  const { model, plan: subset } = await measureParts(candidate, candidateName, across, { ...options, progress: !options.quiet }, path.join(outDir, 'measure'));
  const bundleOf = (target: string): PolicyBody | undefined => {
    const own = subset.perTarget.find((p) => p.target === target)?.parts ?? [];
    const body = policyOfParts(model, [...subset.shared, ...own]);
    return body ? { set: body.set ?? {}, remove: body.remove ?? [], ...(body.csp ? { csp: body.csp } : {}) } : undefined;
  };

  // 2. A CSP tuned for each app, in every engine the plan runs.
  const tuned: PlanTune[] = [];
  const directivesOf = new Map<string, NonNullable<PolicyBody['csp']>['directives']>();
  for (const name of names) {
    log(`headerproof plan: 2/3 tuning a CSP for ${name}${options.browsers ? ` in ${options.browsers}` : ''}`);
    const workDir = path.join(outDir, 'tune', name);
    try {
      const r = await tune({ env: envOf(name), browsers: options.browsers, workers: options.workers, journeys: options.journeys, workDir, out: path.join(workDir, 'tuned.yaml'), log: (l) => log(`  ${l}`) });
      tuned.push({ target: name, converged: r.converged, file: rel(r.file), allowances: r.allowances, unresolved: r.unresolved, ...(r.converged ? { directives: r.directives } : {}) });
      if (r.converged) directivesOf.set(name, r.directives);
    } catch (err) {
      if (!(err instanceof TuneError)) throw err;
      tuned.push({ target: name, converged: false, allowances: [], unresolved: [err.message] });
    }
  }

  // 3. Every stage as a policy per app, proven by one run per app (all stages beside its baseline).
  const stageFile = (stage: Stage, target: string) => path.join(outDir, 'stages', stage, `${target}.yaml`);
  const stageName = (stage: Stage, target: string) => `${stage}-${target}`.toLowerCase().replace(/[^a-z0-9._-]/g, '-').slice(0, 63);
  const proofs: StageProof[] = [];
  const upstream: PlanResult['upstream'] = [];
  const appCsp: NonNullable<PlanResult['appCsp']> = [];
  for (const name of names) {
    const bundle = bundleOf(name);
    const tunedCsp = directivesOf.get(name);
    const files: string[] = [];
    // The app's own CSP is kept, never replaced or removed (src/plan/plan.ts keepAppCsp).
    const own = await targetOwnHeaders(envOf(name));
    const ownCsp = Object.entries(own ?? {}).filter(([h]) => /^content-security-policy/.test(h)).map(([header, value]) => ({ target: name, header, value, keptIn: [] as Stage[] }));
    appCsp.push(...ownCsp);
    for (const stage of STAGES) {
      const { body, kept } = keepAppCsp(stagePolicy(stage, bundle, tunedCsp), own);
      for (const k of kept) ownCsp.find((o) => o.header === k)?.keptIn.push(stage);
      if (!Object.keys(body.set).length && !body.remove.length && !body.csp) continue;
      const f = stageFile(stage, name);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, YAML.stringify({ name: stageName(stage, name), description: `${STAGE_TITLE[stage]} — ${name} (headerproof plan)`, ...body }));
      files.push(f);
    }
    if (!files.length) continue;
    log(`headerproof plan: 3/3 proving ${files.length} stage(s) on ${name}`);
    const out = path.join(outDir, 'proof', name);
    const single: RunOptions = { ...options, policy: files, blame: false, out, quiet: true, progress: !options.quiet, env: envOf(name) };
    delete (single as AcrossOptions).targets;
    await run(single);
    const summary = readSummaryFile(out);
    for (const stage of STAGES) {
      const v = summary.policies.find((p) => p.policy.name === stageName(stage, name));
      if (!v) continue;
      if (v.replacedUpstreamHeaders?.length) upstream.push({ target: name, stage, replaced: v.replacedUpstreamHeaders });
      proofs.push({
        stage, target: name, policy: v.policy.name, file: rel(stageFile(stage, name)), verdict: v.verdict, reasons: v.reasons, report: rel(path.join(out, 'index.html')),
        ...(stage !== 'bundles' && !tunedCsp ? { withoutCsp: 'its CSP could not be tuned (see the tune section): this stage holds the bundles only' } : {}),
      });
    }
  }

  // 4. Each stage proven on every app: split into layers and exported.
  const stages: PlanResult['stages'] = [];
  for (const stage of STAGES) {
    const own = proofs.filter((p) => p.stage === stage);
    const exports: Record<string, string> = {};
    if (own.length === names.length && own.every((p) => p.verdict === 'safe')) {
      const finals = own.map((p) => ({ target: p.target, policy: withReportUri(loadPolicy(path.join(outDir, p.file)), stage === 'csp-report-only' ? options.reportUri : undefined) }));
      const layers = splitLayers(`plan-${stage}`, finals);
      for (const format of FORMATS) {
        const dir = path.join(outDir, 'exports', stage, format);
        writeFiles(dir, exportLayers(layers, format));
        exports[format] = rel(dir);
      }
    }
    stages.push({ stage, title: STAGE_TITLE[stage], proofs: own, exports });
  }

  const partial = { subset, tuned, stages };
  const result: PlanResult = {
    tool: 'headerproof', kind: 'plan', targets: names, browsers: options.browsers ?? 'chromium', bundles: bundleFiles.map((f) => path.relative(process.cwd(), f)),
    ...partial, upstream, ...(appCsp.length ? { appCsp } : {}), durationMs: Date.now() - started, exitCode: planExit(partial),
  };
  if (since) result.changes = planChanges(since, result);
  writeResultPages(outDir, 'plan', result, renderPlanMarkdown(result), renderPlanHtml(result), options.quiet, 'Plan');
  return result.exitCode;
}

/** An earlier plan.json (or the folder holding one), checked enough to compare with. */
function readEarlierPlan(where: string): PlanResult {
  const file = existsSync(where) && statSync(where).isDirectory() ? path.join(where, 'plan.json') : where;
  let parsed: Partial<PlanResult>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PlanResult>;
  } catch (err) {
    throw new UsageError(`--since: ${file} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not valid JSON'}; give an earlier plan's folder or its plan.json`);
  }
  if (parsed.kind !== 'plan' || !Array.isArray(parsed.targets) || !Array.isArray(parsed.stages) || !Array.isArray(parsed.tuned) || !parsed.subset) throw new UsageError(`--since: ${file} is not a plan.json written by \`headerproof plan\``);
  return parsed as PlanResult;
}
