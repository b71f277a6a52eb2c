// A Playwright reporter: collects each journey test's result and attachment, then writes the
// verdicts and reports when the run ends. Works on merged shard results too (attachments travel).
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { JOURNEY_ATTACHMENT, SCREENSHOT_ATTACHMENT, type JourneyAttachment, type JourneyStatus } from '../report/model.js';
import { redact, registerSecrets } from '../observe/violation.js';
import { secretsOf } from '../config/config.js';
import { runCredentials, runPlanSync, type RunPlan } from '../config/run-plan.js';
import type { Engine } from './engines.js';
import { defaultRunDir, writeRecords, writeReports, type JourneyRecord } from '../report/summary.js';
import { buildSummary } from '../verdict/summary.js';
import { splitStack } from '../report/stack-records.js';
import { describeLoad, summarizeLoad, type HostLoadSlice } from '../proxy/host.js';
import { rmSync } from 'node:fs';

const ANSI = /\u001b\[[0-9;]*m/g;
/** Requests held back by the proxy's pacing at least this long during a journey are recorded with it. */
const HELD_BACK_NOTED_MS = 5000;

/** The innermost step that failed (e.g. `Expect "toBeVisible"`, `Click`), for "which step failed". */
function failedStepOf(steps: TestStep[]): string | undefined {
  for (const step of steps) {
    if (!step.error) continue;
    return failedStepOf(step.steps) ?? step.title;
  }
  return undefined;
}

export default class HeaderproofReporter implements Reporter {
  private records = new Map<string, JourneyRecord>();
  /** Every try's load on the target (a retried try's requests were sent too). */
  private load: HostLoadSlice[] = [];
  private startedAt = new Date();
  private outDir = '';

  /** Set in a sharded run: one shard sees part of the matrix, so verdicts wait for merge-reports. */
  private shard: FullConfig['shard'] = null;

  /** The run's plan; none when merge-reports runs this reporter without the run's config. */
  private plan: RunPlan | undefined;

  onBegin(config: FullConfig, _suite: Suite): void {
    try {
      this.plan = runPlanSync();
    } catch { /* merging shard reports: the plan of the merge's own config evaluation, if any */ }
    // The configured credentials, registered for redaction (this process never resolves a target).
    const credentials = runCredentials();
    if (credentials) registerSecrets(secretsOf({ credentials }));
    this.shard = config.shard;
    this.startedAt = new Date();
    this.outDir = this.plan?.outDir || defaultRunDir(this.startedAt);
  }

  /** Copies the journey's screenshot into the report folder; returns its relative path. */
  private keepScreenshot(result: TestResult, project: string, journey: string): string | undefined {
    const shot = result.attachments.find((a) => a.name === SCREENSHOT_ATTACHMENT && a.path);
    if (!shot?.path) return undefined;
    const rel = path.join('screenshots', `${project}--${journey}.png`.replace(/[^\w.-]/g, '_'));
    try {
      mkdirSync(path.join(this.outDir, 'screenshots'), { recursive: true });
      copyFileSync(shot.path, path.join(this.outDir, rel));
      return rel;
    } catch {
      return undefined;
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project();
    // A phone or Firefox project's results belong to its policy's group (the Chromium desktop
    // project's name); their journeys carry the project's suffix (journey@phone, journey@firefox).
    const meta = project?.metadata?.headerproof as { role: 'baseline' | 'candidate'; policyFile: string; group?: string; suffix?: string; browser?: Engine; stack?: { name: string; file: string }[]; baselineInStack?: boolean; shared?: boolean } | undefined;
    if (!project || !meta) return;
    const raw = result.attachments.find((a) => a.name === JOURNEY_ATTACHMENT)?.body;
    let attachment: JourneyAttachment | undefined;
    try {
      attachment = raw ? (JSON.parse(raw.toString('utf8')) as JourneyAttachment) : undefined;
    } catch {
      attachment = undefined;
    }
    if (attachment?.host) this.load.push(attachment.host);
    const status: JourneyStatus = result.status === 'passed' ? 'passed' : result.status === 'skipped' ? 'skipped' : result.status === 'interrupted' ? 'interrupted' : 'failed';
    const journey = attachment?.journey ?? test.location.file.replace(/^.*[\\/]/, '').replace(/\.spec\.[cm]?[jt]s$/, '') + (meta.suffix ?? '');
    const skipReason = test.annotations.find((a) => a.type === 'skip')?.description;
    const message = [...new Set((result.error?.message ?? `test ${result.status}`).replace(ANSI, '').split('\n').map((l) => l.trim()).filter(Boolean))].slice(0, 4).join(' ');
    // Redacted (then cut to 600 characters) in onEnd, once the configured secrets are known. A boot
    // failure is the cause, whatever step it interrupted: it comes first.
    const error = status === 'failed'
      ? (attachment?.bootFailure && !message.includes(attachment.bootFailure) ? `${attachment.bootFailure} (the step interrupted: ${message})` : message)
      : status === 'skipped' ? skipReason : undefined;
    const screenshot = this.keepScreenshot(result, project.name, journey);
    const failedStep = status === 'failed' ? failedStepOf(result.steps) : undefined;
    const record: JourneyRecord = {
      project: meta.group ?? project.name,
      role: meta.role,
      policyFile: meta.policyFile,
      attachment,
      result: { journey, browser: attachment?.browser ?? meta.browser ?? 'chromium', status, ...(error ? { error } : {}), ...(failedStep ? { failedStep } : {}),
        ...(status === 'skipped' && attachment?.skippedAfterNavigation ? { skippedAfterNavigation: true } : {}), violations: attachment?.violations ?? [], upstreamErrors: attachment?.proxy.upstreamErrors ?? 0, inlineBlocks: attachment?.inlineBlocks ?? [],
        ...(attachment?.harnessViolationsSetAside ? { harnessSetAside: attachment.harnessViolationsSetAside } : {}),
        ...(attachment?.host?.throttled.length ? { throttled: attachment.host.throttled } : {}),
        ...(attachment?.host && attachment.host.waitedMs >= HELD_BACK_NOTED_MS ? { heldBackMs: attachment.host.waitedMs } : {}),
        ...(attachment?.dialogs?.length ? { dialogs: attachment.dialogs } : {}),
        ...(attachment?.signIn ? { signIn: attachment.signIn } : {}),
        ...(screenshot ? { screenshot } : {}) },
    };
    // Keyed by project + test: a retry replaces the earlier attempt. A stacked pass becomes one
    // record per member, as if each had run alone.
    const records = meta.stack ? splitStack(record, meta.stack, Boolean(meta.baselineInStack), Boolean(meta.shared)) : [record];
    records.forEach((r, i) => {
      const key = `${project.name}\u0000${test.id}\u0000${i}`;
      // A retry that passed keeps what the failed try said: the journey is flaky, not fixed.
      const earlier = result.retry > 0 ? this.records.get(key)?.result : undefined;
      const flaky = earlier?.status === 'failed' ? earlier.error ?? 'failed' : earlier?.flaky;
      if (flaky && r.result.status === 'passed') r.result.flaky = flaky;
      this.records.set(key, r);
    });
  }

  async onEnd(_result: FullResult): Promise<void> {
    // A plain run's state (asset cache, plan; its workers are this process's children) goes with the run.
    if (this.plan?.ownsStateDir) rmSync(this.plan.stateDir, { recursive: true, force: true });
    for (const r of this.records.values()) {
      if (r.result.error) r.result.error = redact(r.result.error).slice(0, 600);
      if (r.result.failedStep) r.result.failedStep = redact(r.result.failedStep).slice(0, 200);
      if (r.result.flaky) r.result.flaky = redact(r.result.flaky).slice(0, 600);
    }
    if (!this.records.size) return;
    if (this.shard) {
      console.log(`\nheaderproof: shard ${this.shard.current}/${this.shard.total} holds part of the matrix, so no verdicts here. Run shards with --reporter=blob, then: npx playwright merge-reports --config playwright.config.ts <folder of all blob reports>\n`);
      return;
    }
    // Without a target URL, each worker started its own local copy: the counts are over all of them.
    const load = summarizeLoad(this.load, undefined, Boolean(this.plan && !this.plan.settings.url));
    const summary = buildSummary([...this.records.values()], { startedAt: this.startedAt, durationMs: Date.now() - this.startedAt.getTime(), load });
    const files = writeReports(this.outDir, summary);
    // The records behind the verdicts, for the CLI's re-runs of an unclean shared pass (src/run/run.ts).
    writeRecords(this.outDir, [...this.records.values()]);
    const lines = summary.policies.map((p) => `  ${p.policy.name.padEnd(28)} ${p.verdict}`);
    // `headerproof run` prints the verdicts itself, after any blame pass.
    if (!this.plan?.progress) console.log(`\nheaderproof verdicts (${summary.target}):\n${lines.join('\n') || '  (baseline only)'}\nload: ${describeLoad(load)}\nreport: ${files.html}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
