// What to do when a journey does not pass on the baseline (no policy): the target, its data or its
// version is the problem, and the person running headerproof needs to know which. Pure function of
// the baseline results and what the target said it is.
import type { AppIdentity, BaselineAdvice, JourneyResult } from '../report/model.js';
import { credentialHint } from '../apps/credentials.js';
import { APP_BASELINE_CAUSES, type BaselineCause } from '../apps/advice.js';
import { throttleCause } from './verdict.js';

/** Causes any app shares (after the app's own, APP_BASELINE_CAUSES), first match wins. */
const CAUSES: BaselineCause[] = [
  { match: /feature is off/i, advice: 'the feature is switched off in the server settings; switch it on, or leave this journey out with --journeys' },
  { match: /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|unreachable|erring|net::ERR_/i, advice: 'the target did not answer reliably: check that it is up and reachable from this machine, then run again' },
  { match: /did not boot|never appeared|spinner/i, advice: 'the app did not start even without a policy: the target already sends headers or scripts that stop it; open the baseline screenshot and the browser console' },
];

export function adviseBaseline(baseline: JourneyResult[], app?: AppIdentity): BaselineAdvice[] {
  const causes = [
    ...(APP_BASELINE_CAUSES[app?.app ?? ''] ?? []),
    ...CAUSES.slice(0, 1),
    { match: /Incorrect email or password|Invalid password|answered 401|login failed|could not log in/i, advice: `the credentials were refused: ${credentialHint(app?.app ?? '').replace(/^set /, 'check ')}` },
    ...CAUSES.slice(1),
  ];
  return baseline.filter((b) => b.status !== 'passed').map((b) => {
    const detail = b.error ?? (b.status === 'interrupted' ? 'the run stopped before it finished' : 'no reason given');
    // The host's rate limit, whatever step it broke: the cause is the pushback, not the app.
    const throttled = b.status === 'failed' ? throttleCause(b) : undefined;
    if (throttled) return { journey: b.journey, status: b.status, what: `${b.failedStep ? `${b.failedStep}: ` : ''}${detail}`, advice: `${throttled}: the host's rate limit stopped it, not the app; run again after a minute, with fewer --workers or fewer policies at once, or ask the host's operator for a higher limit for this client`, ...(b.screenshot ? { screenshot: b.screenshot } : {}) };
    // A step titled by the journey's own message says it all; a generic one ("Click") needs the error.
    const what = !b.failedStep ? detail : b.error?.includes(b.failedStep) ? b.failedStep : `${b.failedStep}: ${detail}`;
    const cause = causes.find((c) => c.match.test(what));
    const version = app && app.supported === false
      ? `the target reports ${app.title} ${app.version ?? '(unknown version)'}, which headerproof has no version shape for (it used ${app.shape}); the journey may expect another page layout. `
      : '';
    const advice = version + (cause?.advice ?? (b.status === 'skipped'
      ? 'skipped without a policy too, so it proves nothing either way; give the target what it needs to run'
      : 'it fails without any policy, so no policy can be judged on it: open the baseline screenshot to see where the app stopped'));
    return { journey: b.journey, status: b.status, what, advice, ...(b.screenshot ? { screenshot: b.screenshot } : {}) };
  });
}
