// The headerproof command line. Exit codes: 0 all safe, 1 a policy breaks or would break,
// 2 usage or config error, 3 target unreachable or baseline failing.
import { Command, CommanderError } from 'commander';
import { PolicyError, loadPolicy } from '../policy/policy.js';
import { run, UnreachableError, UsageError } from './run.js';
import { VERSION } from '../report/summary.js';

const program = new Command()
  .name('headerproof')
  .description('Prove a set of HTTP security headers is safe before deploying it.')
  .version(VERSION)
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str) });

program
  .command('run')
  .description('run the journeys against the baseline and each policy, then write reports')
  .option('--target <url>', 'the app to test (default: the bundled lab target)')
  .option('--policy <file...>', 'policy files (default: every file in policies/ except baseline)')
  .option('--journeys <list>', 'comma-separated journeys to run (default: all)')
  .option('--out <dir>', 'report folder (default: reports/run-<time>)')
  .option('--workers <n>', 'parallel browsers')
  .option('--insecure', 'do not verify the target\'s TLS certificate')
  .option('--browser-host <name>', 'reach the proxy under this made-up host name (resolved to 127.0.0.1 in the browser only), so loopback exemptions do not hide breakage such as upgrade-insecure-requests')
  .action(async (opts) => {
    process.exitCode = await run(opts);
  });

program
  .command('check')
  .description('validate policy files without running anything')
  .argument('<file...>')
  .action((files: string[]) => {
    for (const f of files) {
      const p = loadPolicy(f);
      console.log(`${f}: ok (${p.name}${p.csp ? `, CSP ${p.csp.reportOnly ? 'report-only' : 'enforced'}` : ''}, sets ${Object.keys(p.set).length}, removes ${p.remove.length})`);
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof PolicyError || err instanceof UsageError) {
    console.error(`headerproof: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof UnreachableError) {
    console.error(`headerproof: ${err.message}`);
    process.exitCode = 3;
  } else if (err instanceof Error && /^\S+: name: /.test(err.message)) {
    console.error(`headerproof: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error('headerproof: internal error (please report it):', err);
    process.exitCode = 70;
  }
}
