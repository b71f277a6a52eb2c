// `headerproof subset --policy P --targets a,b,…`: the largest part of a policy that breaks none of
// the targets (the shared middleware), and what each target takes on top of it — each layer proven
// by a run. First P runs on every target with blame (which part breaks which journey); then the
// shared part runs on every target, and shared + each target's own parts on that target.
import { readSummaryFile } from '../report/files.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadPolicy } from '../policy/policy.js';
import { planSubset, policyOfParts, type SubsetPlan, type SubsetProof, type SubsetResult } from '../subset/subset.js';
import { renderSubsetHtml, renderSubsetMarkdown } from '../report/subset.js';
import { targetEnv } from '../config/targets.js';
import { defaultOutDir, run, UnreachableError, UsageError, type RunOptions } from '../run/run.js';
import { runAcross, targetsOf, type AcrossOptions } from './targets.js';
import { writeResultPages } from './output.js';
import type { TargetEntry } from '../config/config.js';


export async function subsetCommand(options: AcrossOptions): Promise<number> {
  if (options.policy?.length !== 1) throw new UsageError('subset: name one policy with --policy (the candidate for the shared middleware)');
  const across = await targetsOf(options);
  if (!across || across.entries.length < 2) throw new UsageError('subset: name two or more targets with --targets (or "targets" in the config file)');
  const file = path.resolve(options.policy[0]!);
  const policy = loadPolicy(file); // PolicyError → exit 2 before anything runs
  const outDir = options.out ? path.resolve(options.out) : defaultOutDir();
  const log = (line: string) => { if (!options.quiet) console.log(line); };
  const started = Date.now();

  // 1. The whole policy on every target, with blame: which part breaks what where.
  log(`headerproof subset: ${policy.name} on ${across.entries.map((t) => t.name).join(', ')}, with blame`);
  const { model, plan, verdicts } = await measureParts(file, policy.name, across, options, path.join(outDir, 'measure'));

  // 2. The layers as policy files, each proven by a run on the targets that get it.
  const layers = path.join(outDir, 'layers');
  mkdirSync(layers, { recursive: true });
  const write = (name: string, parts: string[], what: string): string | undefined => {
    const body = policyOfParts(model, parts);
    if (!body) return undefined;
    const f = path.join(layers, `${name}.yaml`);
    writeFileSync(f, YAML.stringify({ name, description: `${what} (from ${policy.name}; headerproof subset)`, ...body }));
    return f;
  };
  const sharedName = `${policy.name}-shared`;
  const sharedFile = plan.undecided.length ? undefined : write(sharedName, plan.shared, 'the part every target takes');
  const proofs: SubsetProof[] = [];
  for (const t of across.entries) {
    const own = plan.perTarget.find((p) => p.target === t.name)!;
    const ownName = `${policy.name}-${t.name}`;
    const ownFile = own.parts.length ? write(ownName, [...plan.shared, ...own.parts], `what ${t.name} gets: the shared part and its own`) : undefined;
    const files = [sharedFile, ownFile].filter((f): f is string => Boolean(f));
    if (!files.length) continue;
    log(`headerproof subset: proving ${files.map((f) => path.basename(f, '.yaml')).join(' and ')} on ${t.name}`);
    const out = path.join(outDir, 'proof', t.name);
    const single: RunOptions = { ...options, policy: files, blame: false, out, quiet: true, env: targetEnv(t, process.env, across.baseDir) };
    delete (single as AcrossOptions).targets;
    await run(single);
    const s = readSummaryFile(out);
    for (const p of [...s.policies].sort((a, b) => Number(a.policy.name !== sharedName) - Number(b.policy.name !== sharedName))) proofs.push({ target: t.name, layer: p.policy.name === sharedName ? 'shared' : 'own', policy: p.policy.name, file: path.relative(outDir, p.policy.file), verdict: p.verdict, reasons: p.reasons, report: path.join('proof', t.name, 'index.html') });
  }
  const result: SubsetResult = {
    tool: 'headerproof', kind: 'subset', policy: policy.name, file, durationMs: Date.now() - started, plan, proofs,
    layers: { shared: sharedFile ? path.relative(outDir, sharedFile) : undefined, perTarget: Object.fromEntries(plan.perTarget.filter((p) => p.parts.length).map((p) => [p.target, path.join('layers', `${policy.name}-${p.target}.yaml`)])) },
    upstream: verdicts.map((v) => ({ target: v.target, replaced: v.verdict.replacedUpstreamHeaders })),
    exitCode: exitOf(plan, proofs),
  };
  writeResultPages(outDir, 'subset', result, renderSubsetMarkdown(result), renderSubsetHtml(result), options.quiet, 'Report');
  return result.exitCode;
}

/**
 * A policy on every target with blame, and which of its parts each target takes (src/subset):
 * the measure step of `subset` and of `plan`.
 */
export async function measureParts(file: string, name: string, across: { entries: TargetEntry[]; baseDir: string }, options: AcrossOptions, out: string) {
  await runAcross({ ...options, policy: [file], blame: true, out, quiet: true }, across.entries, across.baseDir);
  const verdicts = across.entries.map((t) => {
    const v = readSummaryFile(path.join(out, t.name)).policies.find((p) => p.policy.name === name);
    if (!v?.policy.model) throw new UnreachableError(`the run on ${t.name} left no verdict for ${name} (${path.join(out, t.name)})`);
    return { target: t.name, verdict: v };
  });
  const model = verdicts[0]!.verdict.policy.model!;
  return { model, plan: planSubset(model, name, verdicts), verdicts };
}

/** 0 every layer proven safe; 1 a layer is not safe where it goes; 3 the plan could not be made. */
function exitOf(plan: SubsetPlan, proofs: SubsetProof[]): number {
  if (proofs.some((p) => p.verdict === 'breaks' || p.verdict === 'would-break')) return 1;
  if (plan.undecided.length || proofs.some((p) => p.verdict !== 'safe')) return 3;
  return 0;
}
