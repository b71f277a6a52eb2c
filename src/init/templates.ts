// What `headerproof init` writes into the user's repository, besides the copies of the shipped
// policies and example journey: the starter config and the CI recipes (GitHub Actions, GitLab CI).
// The CI jobs read the staging host and the test user from the CI system's secrets, keep the run's
// folder (HTML report, summary.json, summary.md) as an artifact, post summary.md on the change
// request, and fail on `breaks` only (report-only findings stay in the report).
import { SHIPPED_APP_NAMES } from '../apps/shipped.js';

/** Where the CI jobs write the run (the artifact and the summary they post). */
export const CI_OUT = 'reports/ci';

/** The secrets the CI recipes read, for the app the config names. */
export interface CiSecrets {
  /** The staging host's URL. */
  target: string;
  /** The test user's variables, e.g. IMMICH_EMAIL and IMMICH_PASSWORD. */
  credentials: string[];
}

export function configTemplate(app: string, secrets: CiSecrets, policies: string[], journeysDir: string): string {
  return `// headerproof's settings for this repository. Secrets never go here: the staging host and the test
// user come from the environment (${[secrets.target, ...secrets.credentials].join(', ')}), which your CI
// fills from its secrets. Without HEADERPROOF_TARGET, runs use headerproof's bundled lab.
// Every field: headerproof's docs/staging.md, "Run it against your staging host".
import type { ConfigFile } from 'headerproof/config';

export default {
  // The app behind the edge: ${SHIPPED_APP_NAMES.join(', ')}, or an app config file (.yaml/.json).
  app: '${app}',
  // The policies to prove, in the order they roll out (edit them, or add your own to policies/).
  policies: [
${policies.map((p) => `    '${p}',`).join('\n')}
  ],
  // Browser engines: ['chromium'] or ['chromium', 'firefox'] (Firefox ESR 153+ and Xvfb).
  browsers: ['chromium'],
  // Your own journeys instead of the app's: uncomment, or run \`npx headerproof run --journeys-dir ${journeysDir}\`.
  // journeysDir: '${journeysDir}',
} satisfies ConfigFile;
`;
}

/** Starts the one comment (GitHub) or note (GitLab) each run updates in place. */
export const COMMENT_MARKER = '<!-- headerproof verdicts -->';

/** The package's compiled Playwright config: what a shard (and the merge of the shards) runs. */
export const PACKAGE_CONFIG = 'node_modules/headerproof/dist/playwright.config.js';

/**
 * After the shards' merge: the exit code `headerproof run --fail-on breaks` would give (1 when a
 * policy breaks a journey, 3 when nothing could be decided, else 0), from summary.json.
 */
const failOnBreaks = (file: string) => `node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const b = s.policies.filter((p) => p.verdict === "breaks").map((p) => p.policy.name); if (b.length) console.error("headerproof - these policies break a journey - " + b.join(", ")); process.exit(b.length ? 1 : s.exitCode === 3 ? 3 : 0);' ${file}`;

export function githubWorkflow(secrets: CiSecrets, shards = 1): string {
  const env = [secrets.target, ...secrets.credentials].map((v) => `          ${v}: \${{ secrets.${v} }}`).join('\n');
  const sharded = shards > 1;
  const setup = `      - uses: actions/checkout@v4
      - name: Browser
        run: apt-get update -qq && apt-get install -y -qq chromium fonts-liberation
      - name: Install
        run: npm ci
`;
  const report = `      - name: Keep the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: headerproof-report
          path: ${CI_OUT}/
          if-no-files-found: ignore
      - name: The verdicts in the job summary
        if: always() && hashFiles('${CI_OUT}/summary.md') != ''
        run: cat ${CI_OUT}/summary.md >> "$GITHUB_STEP_SUMMARY"
      - name: The verdicts on the pull request (one comment, updated in place)
        if: always() && github.event_name == 'pull_request' && hashFiles('${CI_OUT}/summary.md') != ''
        uses: actions/github-script@v7
        with:
          script: |
            const fs = require('fs');
            const marker = '${COMMENT_MARKER}';
            const body = marker + '\\n' + fs.readFileSync('${CI_OUT}/summary.md', 'utf8');
            const comments = await github.paginate(github.rest.issues.listComments, { ...context.repo, issue_number: context.issue.number, per_page: 100 });
            const ours = comments.find((c) => (c.body ?? '').startsWith(marker));
            if (ours) await github.rest.issues.updateComment({ ...context.repo, comment_id: ours.id, body });
            else await github.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body });
`;
  const check = `      - name: Check the machine and the staging host
        env:
${env}
        run: |
          if [ -z "$${secrets.target}" ]; then
            echo "::error::the secret ${secrets.target} is not set: without it headerproof would test its bundled lab, not your staging host"
            exit 2
          fi
          npx headerproof doctor
`;
  const header = `# headerproof: prove this repository's security headers against staging on every pull request.
# Keeps the HTML report as an artifact, puts the verdict table (summary.md) in the job summary and in
# one pull-request comment updated in place on every run, and fails on \`breaks\`.${sharded ? `
# The journeys are spread over ${shards} runners (Playwright's --shard, each a blob report) and merged
# into one report by the verdicts job. A sharded run is a plain Playwright run: each candidate has a
# pass of its own, and there is no blame pass or re-run alone (\`headerproof run\` on one runner has).` : ''}
# Repository secrets (Settings → Secrets and variables → Actions): ${[secrets.target, ...secrets.credentials].join(', ')}
# — a staging host and a dedicated test user there, never your own account.
name: headerproof

on:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read
  pull-requests: write

concurrency:
  group: headerproof-\${{ github.ref }}
  cancel-in-progress: true

jobs:
`;
  if (!sharded) {
    return `${header}  headerproof:
    runs-on: ubuntu-latest
    # Debian, as headerproof is tested: its chromium (and firefox-esr for --browsers firefox).
    container: node:20-bookworm
    timeout-minutes: 60
    steps:
${setup}${check}      - name: Prove the policies
        env:
${env}
        run: npx headerproof run --out ${CI_OUT} --fail-on breaks
${report}`;
  }
  return `${header}  headerproof:
    runs-on: ubuntu-latest
    # Debian, as headerproof is tested: its chromium (and firefox-esr for --browsers firefox).
    container: node:20-bookworm
    timeout-minutes: 60
    strategy:
      fail-fast: false
      matrix:
        shard: [${Array.from({ length: shards }, (_, i) => i + 1).join(', ')}]
    steps:
${setup}${check}      - name: Prove the policies (shard \${{ matrix.shard }} of ${shards})
        env:
${env}
        run: npx playwright test --config ${PACKAGE_CONFIG} --shard=\${{ matrix.shard }}/${shards} --reporter=blob
      - name: Keep the shard's results
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: headerproof-blob-\${{ matrix.shard }}
          path: blob-report/
          retention-days: 1
          if-no-files-found: ignore

  verdicts:
    needs: headerproof
    if: always()
    runs-on: ubuntu-latest
    container: node:20-bookworm
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - name: Install
        run: npm ci
      - name: The shards' results
        uses: actions/download-artifact@v4
        with:
          pattern: headerproof-blob-*
          path: all-blob-reports
          merge-multiple: true
      - name: One report from all shards
        env:
${env}
          HEADERPROOF_OUT: ${CI_OUT}
        run: npx playwright merge-reports --config ${PACKAGE_CONFIG} all-blob-reports
${report}      - name: Fail on breaks
        run: |
          ${failOnBreaks(`${CI_OUT}/summary.json`)}
`;
}

/** The GitLab job, in a file of its own that .gitlab-ci.yml includes. */
export function gitlabJob(secrets: CiSecrets, shards = 1): string {
  const sharded = shards > 1;
  return `# headerproof: prove this repository's security headers against staging on every merge request.
# Keeps the HTML report as an artifact, puts the verdict table (summary.md) in one merge-request note
# updated in place on every run, and fails on \`breaks\`.${sharded ? `
# The journeys are spread over ${shards} parallel jobs (Playwright's --shard, each a blob report) and
# merged into one report by headerproof-verdicts. A sharded run is a plain Playwright run: each
# candidate has a pass of its own, and there is no blame pass or re-run alone.` : ''}
# CI/CD variables (Settings → CI/CD → Variables, masked): ${[secrets.target, ...secrets.credentials].join(', ')}
# — a staging host and a dedicated test user there, never your own account — and, to post the
# summary, HEADERPROOF_GITLAB_TOKEN: a project access token with the api scope.
headerproof:
  stage: test
  # Debian, as headerproof is tested: its chromium (and firefox-esr for --browsers firefox).
  image: node:20-bookworm
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_PIPELINE_SOURCE == "web"
  timeout: 1h${sharded ? `
  parallel: ${shards}` : ''}
  before_script:
    - apt-get update -qq && apt-get install -y -qq chromium fonts-liberation curl
    - npm ci
  script:
    - |
      if [ -z "$${secrets.target}" ]; then
        echo "the CI/CD variable ${secrets.target} is not set: without it headerproof would test its bundled lab, not your staging host"
        exit 2
      fi
    - npx headerproof doctor
${sharded ? `    - npx playwright test --config ${PACKAGE_CONFIG} --shard=$CI_NODE_INDEX/$CI_NODE_TOTAL --reporter=blob
  artifacts:
    when: always
    paths:
      - blob-report/
    expire_in: 1 day

headerproof-verdicts:
  stage: .post
  image: node:20-bookworm
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      when: always
    - if: $CI_PIPELINE_SOURCE == "web"
      when: always
  needs:
    - job: headerproof
      artifacts: true
  timeout: 20m
  before_script:
    - apt-get update -qq && apt-get install -y -qq curl
    - npm ci
  script:
    - HEADERPROOF_OUT=${CI_OUT} npx playwright merge-reports --config ${PACKAGE_CONFIG} blob-report
    - |
      ${failOnBreaks(`${CI_OUT}/summary.json`)}
` : `    - npx headerproof run --out ${CI_OUT} --fail-on breaks
`}  after_script:
    - |
      if [ -n "$CI_MERGE_REQUEST_IID" ] && [ -n "$HEADERPROOF_GITLAB_TOKEN" ] && [ -f ${CI_OUT}/summary.md ]; then
        node -e '
          const marker = "${COMMENT_MARKER}";
          const body = marker + "\\n" + require("fs").readFileSync(process.argv[1], "utf8");
          const notes = process.env.CI_API_V4_URL + "/projects/" + process.env.CI_PROJECT_ID + "/merge_requests/" + process.env.CI_MERGE_REQUEST_IID + "/notes";
          const headers = { "PRIVATE-TOKEN": process.env.HEADERPROOF_GITLAB_TOKEN, "content-type": "application/json" };
          (async () => {
            const list = await (await fetch(notes + "?per_page=100&sort=asc", { headers })).json();
            const ours = Array.isArray(list) ? list.find((n) => typeof n.body === "string" && n.body.startsWith(marker)) : undefined;
            const res = await fetch(ours ? notes + "/" + ours.id : notes, { method: ours ? "PUT" : "POST", headers, body: JSON.stringify({ body }) });
            if (!res.ok) { console.error("posting the verdicts on the merge request failed: HTTP " + res.status); process.exit(1); }
          })();
        ' ${CI_OUT}/summary.md
      fi
  artifacts:
    when: always
    expose_as: headerproof report
    paths:
      - ${CI_OUT}/
    expire_in: 30 days
`;
}

/** A .gitlab-ci.yml for a repository that has none: it includes the job's file. */
export function gitlabCi(jobFile: string): string {
  return `# GitLab CI. headerproof's job is in ${jobFile}; add your own jobs here.
include:
  - local: ${jobFile}
`;
}
