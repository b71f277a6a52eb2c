// What to do when a journey does not pass on the baseline (no policy): the target, its data or its
// version is the problem, and the person running headerproof needs to know which. Pure function of
// the baseline results and what the target said it is.
import type { AppIdentity, BaselineAdvice, JourneyResult } from '../report/model.js';
import { credentialHint } from '../apps/credentials.js';
import { throttleCause } from './verdict.js';

const SEED = 'run `npx headerproof seed` against the target (it uploads photos with GPS and a video for the test user)';

/** Recognisable causes, first match wins; each pattern is matched against the error or skip reason. */
const CAUSES: { match: RegExp; advice: string }[] = [
  { match: /onboarding/i, advice: 'the test user has not finished onboarding, so login lands on /auth/onboarding: log in once as that user and finish it, or run `npx headerproof seed` (it marks onboarding done)' },
  { match: /change-password|change the password/i, advice: 'the test user must change their password first: log in once as that user, or create the user without "shouldChangePassword"' },
  { match: /no (image|video|assets?)\b|library has no|no assets with GPS/i, advice: `the library lacks what this journey needs: ${SEED}` },
  { match: /feature is off/i, advice: 'the feature is switched off in the server settings; switch it on, or leave this journey out with --journeys' },
  { match: /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|unreachable|erring|net::ERR_/i, advice: 'the target did not answer reliably: check that it is up and reachable from this machine, then run again' },
  { match: /did not boot|never appeared|spinner/i, advice: 'the app did not start even without a policy: the target already sends headers or scripts that stop it; open the baseline screenshot and the browser console' },
];

export function adviseBaseline(baseline: JourneyResult[], app?: AppIdentity): BaselineAdvice[] {
  const causes = [
    ...CAUSES.slice(0, 4),
    { match: /Incorrect email or password|Invalid password|answered 401|login failed|could not log in/i, advice: `the credentials were refused: ${credentialHint(app?.app ?? '').replace(/^set /, 'check ')}` },
    ...CAUSES.slice(4),
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
