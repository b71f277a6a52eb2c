// Which app the journeys drive: a staging host named by headerproof.config.* or the environment,
// or a local copy the app's profile starts (the bundled lab for Immich, an installed real app).
import { secretsOf, upstreamOf, type Credentials } from '../config/config.js';
import { runCredentials, type RunPlan } from '../config/run-plan.js';
import { registerSecrets } from '../observe/violation.js';
import type { AppProfile, LaunchedApp } from '../apps/profile.js';

export interface Target {
  /** Origin the proxy forwards to. */
  url: string;
  credentials: Credentials;
  /** How the proxy reaches the target (address override, extra CA, verification). */
  upstream: { connectTo?: { host: string; port: number }; ca?: string; verifyTls: boolean };
  /** The browser uses the target's own https:// origin (the proxy terminates TLS for that name). */
  preserveOrigin: boolean;
  /** Set when the app's profile started a local copy for this worker (the lab, a real app). */
  launched?: LaunchedApp;
  close(): Promise<void>;
}

export class NoTargetError extends Error {}

export async function resolveTarget(app: AppProfile, plan: RunPlan, credentials: Credentials | undefined = runCredentials()): Promise<Target> {
  const settings = { ...plan.settings, ...(credentials ? { credentials } : {}) };
  if (!settings.url) {
    if (!app.launch) throw new NoTargetError(`${app.title} has no local copy headerproof can start: give its URL with --target (or HEADERPROOF_TARGET)`);
    const launched = await app.launch(plan.local);
    registerSecrets(['apiKey' in launched.credentials ? launched.credentials.apiKey : launched.credentials.password]);
    return { url: launched.url, credentials: launched.credentials, upstream: { verifyTls: true }, preserveOrigin: false, launched, close: () => launched.close() };
  }
  registerSecrets(secretsOf(settings));
  return {
    url: settings.url,
    credentials: settings.credentials!,
    upstream: upstreamOf(settings),
    preserveOrigin: settings.preserveOrigin,
    close: async () => undefined,
  };
}
