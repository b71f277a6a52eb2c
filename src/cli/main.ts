// The headerproof command line. Exit codes: 0 all safe, 1 a policy breaks or would break,
// 2 usage or config error, 3 target unreachable or baseline failing.
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { PolicyError } from '../policy/policy.js';
import { UnreachableError, UsageError } from '../run/run.js';
import { ExportError } from '../export/export.js';
import { TuneError } from '../tune/tune.js';
import { ConfigError } from '../config/config.js';
import { RunPlanError } from '../config/run-plan.js';
import { ResultFileError } from '../report/files.js';
import { LoginError } from '../apps/profile.js';
import { AppError, SeedError } from '../apps/index.js';
import { StoreError } from '../collect/store.js';
import { InitError } from '../init/init.js';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof PolicyError || err instanceof UsageError || err instanceof AppError || err instanceof ExportError || err instanceof ConfigError || err instanceof RunPlanError || err instanceof ResultFileError || err instanceof StoreError || err instanceof InitError) {
    console.error(`headerproof: ${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof TuneError) {
    console.error(`headerproof tune: ${err.message}`);
    process.exitCode = 1;
  } else if (err instanceof UnreachableError || err instanceof SeedError || err instanceof LoginError) {
    console.error(`headerproof: ${err.message}`);
    process.exitCode = 3;
  } else {
    console.error('headerproof: internal error (please report it):', err);
    process.exitCode = 70;
  }
}
