// `headerproof init`: starts a repository of the user's own with headerproof — a config, the
// rollout bundles to edit, an example journey, and CI workflows for change requests. It never
// overwrites a file that is there already: such a file is kept and reported.
import { APP_EXAMPLE_JOURNEY, DEFAULT_APP } from '../apps/shipped.js';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APP_CREDENTIAL_ENV, GENERIC_CREDENTIAL_ENV } from '../apps/credentials.js';
import { PACKAGE_ROOT, SHIPPED_POLICIES } from '../paths.js';
import { CI_OUT, configTemplate, gitlabCi, gitlabJob, githubWorkflow } from './templates.js';

export class InitError extends Error {}

/** The shipped apps init can start a config for. */
export const INIT_APPS = Object.keys(APP_CREDENTIAL_ENV);

export const JOURNEYS_DIR = 'journeys';
export const GITLAB_JOB_FILE = '.gitlab/headerproof.gitlab-ci.yml';

export interface PlannedFile { path: string; content: string; why: string }

/** The files init writes for an app (paths relative to the repository), in the order it writes them. */
export function initPlan(app = DEFAULT_APP, shards = 1): PlannedFile[] {
  if (!Number.isInteger(shards) || shards < 1 || shards > 20) throw new InitError(`--shards: a number from 1 to 20 (how many runners share the journeys; 1: one runner, with blame and re-runs)`);
  if (!INIT_APPS.includes(app)) throw new InitError(`--app: "${app}" is not an app init knows; use one of ${INIT_APPS.join(', ')} (for any other web app, write an app config file: see docs/apps.md, "Any web app")`);
  // The rollout bundles (A–F) fit any app; a policy made for one app (immich-recommended) only that app.
  const shipped = readdirSync(SHIPPED_POLICIES).filter((f) => /\.ya?ml$/.test(f) && !/^baseline\./.test(f))
    .filter((f) => !INIT_APPS.some((other) => other !== app && f.startsWith(`${other}-`))).sort();
  const policies = shipped.map((f) => ({ path: `policies/${f}`, content: readFileSync(path.join(SHIPPED_POLICIES, f), 'utf8'), why: 'a rollout bundle to edit' }));
  const env = APP_CREDENTIAL_ENV[app] ?? GENERIC_CREDENTIAL_ENV;
  const secrets = { target: 'HEADERPROOF_TARGET', credentials: [env.user, env.password].filter((v): v is string => Boolean(v)) };
  const config = configTemplate(app, secrets, policies.map((p) => p.path), JOURNEYS_DIR);
  return [
    { path: 'headerproof.config.ts', content: config, why: 'the settings (no secrets)' },
    ...policies,
    ...(APP_EXAMPLE_JOURNEY[app] ? [{ path: `${JOURNEYS_DIR}/${path.basename(APP_EXAMPLE_JOURNEY[app])}`, content: readFileSync(path.join(PACKAGE_ROOT, APP_EXAMPLE_JOURNEY[app]), 'utf8'), why: 'an example journey of your own' }] : []),
    { path: '.github/workflows/headerproof.yml', content: githubWorkflow(secrets, shards), why: 'GitHub Actions: every pull request' },
    { path: GITLAB_JOB_FILE, content: gitlabJob(secrets, shards), why: 'GitLab CI: every merge request' },
  ];
}

export interface InitResult { written: string[]; kept: string[]; notes: string[] }

/** Writes the plan into dir, keeping every file that exists; wires GitLab and .gitignore. */
export function writeInit(dir: string, app = DEFAULT_APP, shards = 1): InitResult {
  if (!existsSync(dir)) throw new InitError(`${dir} does not exist; create it, or run init in your repository's folder`);
  const result: InitResult = { written: [], kept: [], notes: [] };
  const write = (rel: string, content: string) => {
    const file = path.join(dir, rel);
    if (existsSync(file)) {
      result.kept.push(rel);
      return;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    result.written.push(rel);
  };
  for (const f of initPlan(app, shards)) write(f.path, f.content);
  // GitLab reads one .gitlab-ci.yml: a new one includes the job; an existing one is the user's.
  if (existsSync(path.join(dir, '.gitlab-ci.yml'))) {
    const own = readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');
    if (!own.includes(GITLAB_JOB_FILE)) result.notes.push(`GitLab: add to your .gitlab-ci.yml:\n    include:\n      - local: ${GITLAB_JOB_FILE}`);
  } else {
    write('.gitlab-ci.yml', gitlabCi(GITLAB_JOB_FILE));
  }
  // Reports stay out of the repository (CI keeps them as artifacts).
  const ignore = path.join(dir, '.gitignore');
  const text = existsSync(ignore) ? readFileSync(ignore, 'utf8') : undefined;
  if (!text?.split('\n').some((l) => /^\/?reports\/?$/.test(l.trim()))) {
    appendFileSync(ignore, `${text && !text.endsWith('\n') ? '\n' : ''}# headerproof's runs (CI keeps ${CI_OUT}/ as an artifact)\nreports/\n`);
    result.written.push(text === undefined ? '.gitignore' : '.gitignore (reports/ added)');
  }
  return result;
}
