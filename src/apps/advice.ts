// What each shipped app's baseline failures usually mean, beside the causes any app shares
// (src/verdict/advice.ts): read by the verdict before any profile loads, like the credential names
// (src/apps/credentials.ts). First match wins; each pattern is matched against the error or skip reason.
export interface BaselineCause { match: RegExp; advice: string }

const IMMICH_SEED = 'run `npx headerproof seed` against the target (it uploads photos with GPS and a video for the test user)';

export const APP_BASELINE_CAUSES: Record<string, BaselineCause[]> = {
  immich: [
    { match: /onboarding/i, advice: 'the test user has not finished onboarding, so login lands on /auth/onboarding: log in once as that user and finish it, or run `npx headerproof seed` (it marks onboarding done)' },
    { match: /change-password|change the password/i, advice: 'the test user must change their password first: log in once as that user, or create the user without "shouldChangePassword"' },
    { match: /no (image|video|assets?)\b|library has no|no assets with GPS/i, advice: `the library lacks what this journey needs: ${IMMICH_SEED}` },
  ],
};
