// The headerproof command line's commands and options (commander), built without running: main.ts
// parses argv with it, and a test reads every option the docs show from it.
import { LOCAL_COPY_EXAMPLES } from '../apps/shipped.js';
import { DEFAULT_APP, INSTALLED_APPS } from '../apps/shipped.js';
import { Command } from 'commander';
import { PolicyError, loadPolicy } from '../policy/policy.js';
import { run, UnreachableError, UsageError } from '../run/run.js';
import { runAcross, targetsOf } from './targets.js';
import { subsetCommand } from './subset.js';
import { planCommand } from './plan.js';
import { writeFiles } from './output.js';
import { doctorChecks, renderChecks } from './doctor.js';
import { VERSION } from '../version.js';
import { EXPORT_FORMATS, ExportError, exportPolicy, type ExportFormat } from '../export/export.js';
import { auditCommand, lintCommand } from './commands.js';
import { tune, TuneError } from '../tune/tune.js';
import { describeSink } from '../tune/trusted-types.js';
import { diffSummaries, renderDiff } from '../report/diff.js';
import { readSummary } from './commands.js';
import { startProxy } from '../proxy/proxy.js';
import { ConfigError, flagsToEnv, resolveSettings } from '../config/config.js';
import { LoginError } from '../apps/profile.js';
import { appProfile, SHIPPED_APPS } from '../apps/index.js';
import { APP_CREDENTIAL_ENV, GENERIC_CREDENTIAL_ENV } from '../apps/credentials.js';
import { generateCertificate } from '../tls/certificate.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { exportLayers, layersFromSubset } from '../export/layers.js';
import { collectCommand, reportsCommand, type CollectFlags } from './collect.js';
import { StoreError } from '../collect/store.js';
import os from 'node:os';
import { INIT_APPS, InitError, JOURNEYS_DIR, writeInit } from '../init/init.js';
import path from 'node:path';

const APP_NAMES = SHIPPED_APPS.map((a) => a.name).join(', ');

/** The options of a command that runs on several targets (subset, plan): which journeys, engines, where, how many at once. */
function acrossTargets(command: Command, each: string, folder: string): Command {
  return command
    .option('--journeys <list>', `comma-separated journeys to run on every ${each} (default: each ${each}'s own list)`)
    .option('--browsers <list>', 'browser engines: chromium, firefox or chromium,firefox')
    .option('--out <dir>', `${folder} (default: reports/run-<time>)`)
    .option('--workers <n>', 'parallel browsers')
    .option('--retries <n>', 'run a failing journey again up to n times before its failure counts (default 1)');
}

/** The local copies a run without --target starts, for the help: "the bundled lab for …, the installed … / …". */
function localCopies(): string {
  const lab = SHIPPED_APPS.filter((a) => a.bundledLab).map((a) => `the bundled lab for ${a.title}`);
  const installed = SHIPPED_APPS.filter((a) => INSTALLED_APPS.includes(a.name)).map((a) => a.title);
  return [...lab, ...(installed.length ? [`the installed ${installed.join(' / ')}`] : [])].join(', ');
}

/** The whole command line, every command with its options and action. */
export function buildProgram(): Command {
  const program = new Command()
    .name('headerproof')
    .description('Prove a set of HTTP security headers is safe before deploying it.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('run')
    .description('run the journeys against the baseline and each policy, then write reports')
    .option('--app <name|file>', `the app behind the target: ${APP_NAMES}, or an app config file (.yaml/.json) for any web app (default: ${DEFAULT_APP})`)
    .option('--journeys-dir <dir>', 'run your own journeys (*.spec.ts with headerproof\'s fixtures) from this folder instead of the app\'s')
    .option('--target <url>', `the app to test (default: a local copy — ${localCopies()})`)
    .option('--targets <list>', `run against several targets, each with its own baseline: names from the config file's "targets", or local copies (${LOCAL_COPY_EXAMPLES}); one report of policies × targets`)
    .option('--policy <file...>', 'policy files (default: every file in policies/ except baseline)')
    .option('--journeys <list>', 'comma-separated journeys to run (default: all); name@phone runs one on a phone, name@firefox in Firefox only')
    .option('--browsers <list>', 'browser engines: chromium, firefox or chromium,firefox (default: chromium, or HEADERPROOF_BROWSERS / the config file\'s "browsers"); verdicts per engine and overall (the worst)')
    .option('--phone', 'also run the journeys whose layout differs in a phone-sized browser (Pixel 7), reported as journey@phone')
    .option('--out <dir>', 'report folder (default: reports/run-<time>)')
    .option('--workers <n>', 'parallel browsers')
    .option('--retries <n>', 'run a failing journey again up to n times before its failure counts (default 1); one that passes on a retry is reported as flaky, not blamed on the policy')
    .option('--insecure', 'do not verify the target\'s TLS certificate')
    .option('--ca-file <pem>', 'trust this CA (or self-signed certificate) for the target')
    .option('--connect-to <host:port>', 'reach the target at this address instead of what DNS says (SNI and Host stay the target\'s name)')
    .option('--preserve-origin', 'the browser uses the target\'s real https:// origin; the proxy terminates TLS for that name with a throwaway certificate this browser alone trusts')
    .option('--no-blame', 'do not re-run failing journeys to find which header breaks them')
    .option('--no-screenshots', 'keep screenshots out of the report (private libraries)')
    .option('--bisect', "blame: bisect a breaking policy's parts instead of re-running each one (fewer journey re-runs against the target, more wall time on a small machine; see docs/tune-and-blame.md)")
    .option('--no-stack', 'give every report-only CSP candidate a pass of its own (default: they share one pass, each header reporting to its own path)')
    .option('--no-share', 'give every enforced candidate a pass of its own (default: restriction-only candidates share a pass; one that is not clean is split and re-run)')
    .option('--browser-host <name>', 'reach the proxy under this made-up host name (resolved to 127.0.0.1 in the browser only), so loopback exemptions do not hide breakage such as upgrade-insecure-requests')
    .option('--fail-on <verdict>', 'the least serious verdict that makes the exit code 1: would-break (default) or breaks (a CI gate that lets report-only findings through; they stay in the report)')
    .action(async (opts) => {
      const across = await targetsOf(opts);
      process.exitCode = across ? await runAcross(opts, across.entries, across.baseDir) : await run(opts);
    });

  const subset = program
    .command('subset')
    .description('the largest part of a policy that breaks none of several targets (the shared middleware) and what each target takes on top, each layer proven by a run')
    .requiredOption('--policy <file...>', 'the candidate policy (one file)')
    .option('--targets <list>', `the targets: names from the config file's "targets", or local copies (${LOCAL_COPY_EXAMPLES}); default: the config file's`);
  acrossTargets(subset, 'target', 'report folder')
    .action(async (opts) => {
      process.exitCode = await subsetCommand(opts);
    });

  const plan = program
    .command('plan')
    .description('the whole rollout, proven: the bundles (A–D) on every app with blame, a CSP tuned for each app, then each stage (bundles, CSP report-only, CSP enforced) proven on every app and exported as a shared layer plus one per app for Traefik, nginx and Caddy')
    .option('--targets <list>', `the apps behind the edge: names from the config file's "targets", or local copies (${LOCAL_COPY_EXAMPLES}); default: the config file's`)
    .option('--bundles <file...>', 'the bundle policies (default: policies/bundle-a.yaml … bundle-d.yaml)')
    .option('--report-uri <url>', 'where `headerproof collect` listens behind your edge: the report-only stage\'s exports report there')
    .option('--since <plan>', 'an earlier plan (its folder or plan.json): say what changed since, e.g. after an app upgrade');
  acrossTargets(plan, 'app', 'plan folder')
    .action(async (opts) => {
      process.exitCode = await planCommand(opts);
    });

  program
    .command('init')
    .description('start using headerproof in your own repository: a headerproof.config.ts, policies/ with the rollout bundles, an example journey, and CI workflows (GitHub Actions, GitLab CI) for change requests; existing files are kept')
    .option('--app <name>', `the app behind your edge: ${INIT_APPS.join(', ')} (default: ${DEFAULT_APP})`, DEFAULT_APP)
    .option('--dir <folder>', 'the repository to write into (default: this folder)', '.')
    .option('--shards <n>', 'spread the CI run over this many runners (Playwright\'s --shard) and merge their reports into one (default 1: one runner, with blame and re-runs)', '1')
    .action((opts: { app: string; dir: string; shards: string }) => {
      const dir = path.resolve(opts.dir);
      if (!/^\d{1,2}$/.test(opts.shards)) throw new InitError('--shards: a number from 1 to 20 (how many runners share the journeys)');
      const result = writeInit(dir, opts.app, Number(opts.shards));
      const rel = (f: string) => path.join(path.relative(process.cwd(), dir), f);
      for (const f of result.written) console.log(`  wrote ${rel(f)}`);
      for (const f of result.kept) console.log(`  kept  ${rel(f)} (it exists; not overwritten)`);
      for (const n of result.notes) console.log(`\n${n}`);
      console.log(`\nNext:
    npx headerproof doctor          # is this machine ready (browsers), and is the target?
    npx headerproof run             # every policy in policies/ against the bundled lab (or HEADERPROOF_TARGET)
    npx headerproof run --journeys-dir ${JOURNEYS_DIR}   # your own journeys
  CI: set the secrets the workflow files name (a staging host and a dedicated test user there).`);
    });

  program
    .command('doctor')
    .description('check this machine (Node, Chromium, Firefox ESR + Xvfb, nginx, Caddy, the local apps) and the target, and say what to install or set')
    .option('--app <name|file>', `the app: ${APP_NAMES}, or an app config file (default: ${DEFAULT_APP})`)
    .option('--target <url>', 'the staging host (default: HEADERPROOF_TARGET or headerproof.config.*)')
    .option('--insecure', "do not verify the target's TLS certificate")
    .option('--ca-file <pem>', 'trust this CA for the target')
    .option('--connect-to <host:port>', 'reach the target at this address instead of what DNS says')
    .action(async (opts: { app?: string; target?: string; insecure?: boolean; caFile?: string; connectTo?: string }) => {
      const checks = await doctorChecks(opts);
      process.stdout.write(renderChecks(checks));
      process.exitCode = checks.some((c) => c.status === 'fail') ? 1 : 0;
    });

  program
    .command('seed')
    .description('upload the sample media (photos with GPS, a video) to the test user on the staging host, into the album "headerproof samples"; --cleanup deletes them')
    .option('--app <name|file>', `the app: ${APP_NAMES}, or an app config file (default: ${DEFAULT_APP})`)
    .option('--target <url>', 'the staging host (default: HEADERPROOF_TARGET or headerproof.config.*)')
    .option('--cleanup', 'delete what seed uploaded, and the album')
    .option('--insecure', "do not verify the target's TLS certificate")
    .option('--ca-file <pem>', 'trust this CA for the target')
    .option('--connect-to <host:port>', 'reach the target at this address instead of what DNS says')
    .action(async (opts: { app?: string; target?: string; cleanup?: boolean; insecure?: boolean; caFile?: string; connectTo?: string }) => {
      const settings = await resolveSettings(process.cwd(), { ...process.env, ...flagsToEnv(opts) });
      const app = appProfile(settings.app);
      // What does not apply to an app says so instead of failing.
      if (!app.seed) {
        console.log(`seed: ${app.title} needs no seed: its journeys make what they need themselves (nothing was changed)`);
        return;
      }
      if (!settings.url) throw new UsageError(`seed: name the staging host with --target or HEADERPROOF_TARGET (the bundled ${app.title} copy has its own data)`);
      await app.seed(settings, { cleanup: opts.cleanup === true, log: (l) => console.log(l) });
    });

  program
    .command('check')
    .description('validate policy files without running anything')
    .argument('<file...>')
    .action((files: string[]) => {
      // Every file is checked, so one run lists every mistake; exit 2 if any file is invalid.
      for (const f of files) {
        try {
          const p = loadPolicy(f);
          console.log(`${f}: ok (${p.name}${p.csp ? `, CSP ${p.csp.reportOnly ? 'report-only' : 'enforced'}` : ''}, sets ${Object.keys(p.set).length}, removes ${p.remove.length})`);
        } catch (err) {
          if (!(err instanceof PolicyError)) throw err;
          console.error(`headerproof: ${err.message}`);
          process.exitCode = 2;
        }
      }
    });

  program
    .command('lint')
    .description('find weaknesses in policies (CSP via csp_evaluator, plus HSTS, Permissions-Policy, framing, CORP checks); exit 1 on a high finding')
    .argument('<file...>')
    .option('--json', 'print findings as JSON')
    .option('--app <name|file>', `the app the policy is for (the Permissions-Policy features it needs): ${APP_NAMES}, or an app config file (default: ${DEFAULT_APP})`)
    .action(async (files: string[], opts: { json?: boolean; app?: string }) => {
      process.exitCode = await lintCommand(files, opts);
    });

  program
    .command('export')
    .description('print a policy as edge configuration')
    .argument('<file>')
    .requiredOption('--format <format>', `one of: ${EXPORT_FORMATS.join(', ')}`)
    .option('--traefik-version <version>', 'Traefik version to target (older than 3.1: report-only CSP via customResponseHeaders)', '3.1')
    .option('--report-uri <url>', 'send CSP, Permissions-Policy and COEP reports here (e.g. https://photos.example.org/__csp), and add the edge route to headerproof collect')
    .option('--collector <url>', 'where the edge reaches headerproof collect', 'http://127.0.0.1:8787')
    .option('--report-to', "also add CSP report-to (Chromium then sends CSP reports only through the Reporting API; see docs/status.md)")
    .action((file: string, opts: { format: string; traefikVersion: string; reportUri?: string; collector: string; reportTo?: boolean }) => {
      if (!EXPORT_FORMATS.includes(opts.format as ExportFormat)) throw new UsageError(`--format: "${opts.format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
      if (!/^\d+(\.\d+)?$/.test(opts.traefikVersion)) throw new UsageError('--traefik-version: a version such as 3.1 or 2.11');
      process.stdout.write(exportPolicy(loadPolicy(file), opts.format as ExportFormat, { traefikVersion: opts.traefikVersion, reportUri: opts.reportUri, collector: opts.collector, reportTo: opts.reportTo }));
    });

  program
    .command('export-layers')
    .description('write a proven shared subset (the folder `headerproof subset` wrote) as edge configuration: a shared layer for every app and one per app on top')
    .argument('<subset-folder>')
    .requiredOption('--format <format>', `one of: ${EXPORT_FORMATS.join(', ')}`)
    .option('--out-dir <dir>', 'where to write the files (default: <subset-folder>/export/<format>)')
    .action((dir: string, opts: { format: string; outDir?: string }) => {
      if (!EXPORT_FORMATS.includes(opts.format as ExportFormat)) throw new UsageError(`--format: "${opts.format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
      const files = exportLayers(layersFromSubset(dir), opts.format as ExportFormat);
      const out = path.resolve(opts.outDir ?? path.join(dir, 'export', opts.format));
      writeFiles(out, files);
      console.log(`${files['README.txt']}\nWritten to ${path.relative(process.cwd(), out) || out}: ${Object.keys(files).join(', ')}`);
    });

  program
    .command('audit')
    .description("check a deployed edge's headers like a ZAP baseline scan; with --policy, report drift from the tested policy. Exit 1 on findings or drift")
    .argument('<url>')
    .option('--app <name|file>', `the app behind the edge: ${APP_NAMES}, or an app config file (default: ${DEFAULT_APP}; other apps: the HTML shell and favicon are audited)`)
    .option('--policy <file>', 'the tested policy the edge should serve')
    .option('--json', 'print the result as JSON')
    .option('--insecure', "do not verify the target's TLS certificate")
    .option('--ca-file <pem>', 'trust this CA for the target')
    .option('--connect-to <host:port>', 'reach the target at this address instead of what DNS says')
    .action(async (url: string, opts: { app?: string; policy?: string; json?: boolean; insecure?: boolean; caFile?: string; connectTo?: string }) => {
      process.exitCode = await auditCommand(url, opts);
    });

  program
    .command('tune')
    .description('synthesize a CSP from what the journeys need, prove it enforced, and write it as a policy file')
    .option('--app <name|file>', `the app behind the target: ${APP_NAMES}, or an app config file (default: ${DEFAULT_APP})`)
    .option('--journeys-dir <dir>', 'your own journeys folder')
    .option('--target <url>', 'the app to observe (default: a local copy, as for run)')
    .option('--from <file>', 'start from this policy and only widen it where the journeys need it')
    .option('--from-reports <db>', 'also allow what production browsers reported to headerproof collect (its SQLite file or postgres:// URL)')
    .option('--out <file>', 'where to write the tuned policy (default: reports/tune-<time>/tuned.yaml)')
    .option('--journeys <list>', 'comma-separated journeys (default: all)')
    .option('--workers <n>', 'parallel browsers')
    .option('--max-iterations <n>', 'enforce-and-widen rounds at most', '4')
    .option('--browsers <list>', 'observe and prove in these engines: chromium, firefox or chromium,firefox (default: the config\'s, else chromium); the policy is the union of what each needs')
    .option('--no-unsafe-styles', "never propose style-src-elem 'unsafe-inline' for styles no hash can hold; list them instead")
    .option('--no-unsafe-scripts', "never propose script-src-elem 'unsafe-inline' for run-time inline scripts no hash can hold; list them instead")
    .option('--no-trusted-types', 'do not observe Trusted Types, nor propose a report-only Trusted Types policy beside the CSP')
    .action(async (opts: { app?: string; journeysDir?: string; target?: string; from?: string; fromReports?: string; out?: string; journeys?: string; workers?: string; maxIterations: string; browsers?: string; unsafeStyles?: boolean; unsafeScripts?: boolean; trustedTypes?: boolean }) => {
      if (!/^[1-9]\d?$/.test(opts.maxIterations)) throw new UsageError('--max-iterations: a number from 1 to 99');
      const lintApp = appProfile((await resolveSettings(process.cwd(), { ...process.env, ...flagsToEnv({ app: opts.app }) }, { needCredentials: false })).app);
      const result = await tune({ ...opts, maxIterations: Number(opts.maxIterations), lintApp });
      if (result.diff) {
        console.log('\nChanges to the starting policy:');
        for (const [d, s] of Object.entries(result.diff.added)) console.log(`  + ${d} ${s.join(' ')}`);
        for (const [d, s] of Object.entries(result.diff.removed)) console.log(`  - ${d} ${s.join(' ')}`);
      }
      console.log(`\n${result.converged ? 'Converged' : 'Did NOT converge'} after ${result.iterations} enforced run(s). Policy: ${result.file}`);
      for (const f of result.lint) console.log(`  lint ${f.severity}: ${f.header}${f.directive ? ` ${f.directive}` : ''}: ${f.message}`);
      for (const w of result.warnings) console.log(`  warning: ${w}`);
      for (const a of result.allowances) console.log(`  allowance: ${a.directive} ${a.source}: ${a.why}\n    cost: ${a.cost}\n    refuse it with ${a.refuse}`);
      if (!result.converged) console.log(`What is left:\n${result.unresolved.map((u) => `  - ${u}`).join('\n')}`);
      const tt = result.trustedTypes;
      if (tt && 'file' in tt) {
        console.log(`Trusted Types, report-only first: ${path.relative(process.cwd(), tt.file) || tt.file}${tt.proposal.enforceable ? ' (no sink got a plain string: enforce it once production stays quiet)' : ''}`);
        for (const s of tt.proposal.sinks) console.log(`  sink with a plain string: ${describeSink(s)}`);
      }
      console.log(`Tune log: ${path.relative(process.cwd(), path.join(result.workDir, 'tune.md')) || 'tune.md'}`);
      process.exitCode = result.converged ? 0 : 1;
    });

  program
    .command('diff')
    .description('compare two runs: verdicts, journeys and violations that appeared or disappeared; exit 1 when something got worse')
    .argument('<old>', 'an earlier summary.json (or its report folder)')
    .argument('<new>', 'a later summary.json (or its report folder)')
    .option('--json', 'print the differences as JSON')
    .action((oldFile: string, newFile: string, opts: { json?: boolean }) => {
      const d = diffSummaries(readSummary(oldFile), readSummary(newFile));
      process.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d));
      process.exitCode = d.regressed ? 1 : 0;
    });

  program
    .command('collect')
    .description('receive CSP, Permissions-Policy and COEP reports from real browsers (report-uri and Reporting API) during a report-only rollout, and store them de-duplicated')
    .option('--db <file|url>', 'a SQLite file (created when missing) or a postgres:// URL', 'reports.sqlite')
    .option('--listen <host:port>', 'where browsers (through your edge) post reports, on any path', '127.0.0.1:8787')
    .option('--origin <url...>', "your app's public origin(s): reports about other pages are not stored")
    .option('--read <host:port>', 'also serve the stored reports as HTML (/) and JSON (/reports.json) here; off loopback needs HEADERPROOF_READ_TOKEN')
    .option('--keep <duration>', 'delete groups not seen for this long', '30d')
    .option('--max-groups <n>', 'store at most this many groups; later new groups are only counted', String(10_000))
    .option('--rate <n>', 'requests per second per client (after the burst)', '20')
    .option('--burst <n>', 'requests a client may send at once', '200')
    .option('--trust-forwarded', "rate-limit by the last X-Forwarded-For address (your edge's) also when the edge is on another machine (from loopback it always is)")
    .action(async (opts: CollectFlags) => {
      await collectCommand(opts);
    });

  program
    .command('reports')
    .description('show what production browsers reported to headerproof collect: grouped by directive and origin, per browser, by day')
    .argument('<db>', 'the collector\'s SQLite file or postgres:// URL')
    .option('--json', 'print JSON')
    .option('--out <dir>', 'write index.html and reports.json there')
    .action(async (db: string, opts: { json?: boolean; out?: string }) => {
      await reportsCommand(db, opts);
    });

  // The bundled lab: the one shipped app that brings a stand-in of itself (its profile's bundledLab).
  const labApp = SHIPPED_APPS.find((a) => a.bundledLab);
  if (labApp?.bundledLab) {
    const bundled = labApp.bundledLab;
    const userEnv = APP_CREDENTIAL_ENV[labApp.name] ?? GENERIC_CREDENTIAL_ENV;
    program
      .command('lab')
      .description(`start the bundled lab (a local imitation of ${labApp.title}) and, with --policy, the injecting proxy in front of it, until interrupted`)
      .option('--policy <file>', 'serve the lab through the proxy with this policy')
      .option('--port <n>', 'port for the proxy (or the lab without --policy)', '0')
      .option('--listen <host>', 'interface the proxy listens on (default 127.0.0.1; anything else exposes it to the network)', '127.0.0.1')
      .option('--tls-name <name>', 'serve the lab over HTTPS under this made-up name, with an empty library: a stand-in staging host for trying the staging workflow (prints the variables to export)')
      .option('--app-version <version>', `the ${labApp.title} version the lab imitates: ${bundled.versions.join(', ')} (default: the newest)`)
      .action(async (opts: { policy?: string; port: string; listen: string; tlsName?: string; appVersion?: string }) => {
        const problem = opts.appVersion ? labApp.localCopyProblem?.({ version: opts.appVersion }) : undefined;
        if (problem) throw new UsageError(`--app-version: ${problem.replace(/^[A-Z_]+: /, '')}`);
        if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new UsageError('--port: a number from 0 to 65535');
        const policy = opts.policy ? loadPolicy(opts.policy) : undefined;
        if (opts.tlsName && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(opts.tlsName)) throw new UsageError(`--tls-name: "${opts.tlsName}" is not a host name such as photos.staging.test`);
        const version = opts.appVersion ? { version: opts.appVersion } : {};
        if (opts.tlsName) {
          const cert = await generateCertificate([opts.tlsName]);
          const caFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'headerproof-lab-ca-')), 'lab-ca.pem');
          writeFileSync(caFile, cert.cert);
          const lab = await bundled.start({ ...version, port: Number(opts.port), staging: cert });
          console.log(`lab over HTTPS as https://${opts.tlsName} (empty library, map off). In another shell:\n`);
          console.log(`  export HEADERPROOF_TARGET=https://${opts.tlsName}`);
          console.log(`  export HEADERPROOF_CONNECT_TO=127.0.0.1:${new URL(lab.url).port}`);
          console.log(`  export HEADERPROOF_CA_FILE=${caFile}`);
          if (userEnv.user) console.log(`  export ${userEnv.user}=${lab.credentials.user}`);
          console.log(`  export ${userEnv.password}=${lab.credentials.password}   # the lab's public throwaway password`);
          console.log('\nthen follow docs/staging.md, "Run it against your staging host". Ctrl-C to stop');
          await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
          await lab.close();
          rmSync(path.dirname(caFile), { recursive: true, force: true });
          return;
        }
        const lab = await bundled.start({ ...version, ...(policy ? {} : { port: Number(opts.port) }) });
        if (!/^(127\.|localhost$|::1$)/.test(opts.listen)) console.warn(`headerproof: the proxy listens on ${opts.listen}, not only loopback`);
        const proxy = policy ? await startProxy({ target: lab.url, policy, port: Number(opts.port), listenHost: opts.listen }) : undefined;
        console.log(`lab target: ${lab.url}  (login ${lab.credentials.user} / ${lab.credentials.password}${lab.note ? `; ${lab.note}` : ''})`);
        if (proxy) console.log(`through the proxy with policy ${policy!.name}: ${proxy.url}`);
        console.log('Ctrl-C to stop');
        await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
        await proxy?.close();
        await lab.close();
      });
  }
  return program;
}
