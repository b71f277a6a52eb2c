// Which app the journeys drive: a staging host named by headerproof.config.* or the environment,
// or the bundled lab.
import { startLab, type LabTarget } from '../lab/server.js';
import { resolveSettings, secretsOf, upstreamOf, type Credentials, type TargetSettings } from '../config/config.js';
import { registerSecrets } from '../observe/violation.js';

export interface Target {
  /** Origin the proxy forwards to. */
  url: string;
  credentials: Credentials;
  /** How the proxy reaches the target (address override, extra CA, verification). */
  upstream: { connectTo?: { host: string; port: number }; ca?: string; verifyTls: boolean };
  /** The browser uses the target's own https:// origin (the proxy terminates TLS for that name). */
  preserveOrigin: boolean;
  /** Set when the lab was started for this worker. */
  lab?: LabTarget;
  close(): Promise<void>;
}

export async function resolveTarget(env: NodeJS.ProcessEnv = process.env, dir = process.cwd()): Promise<Target> {
  const settings: TargetSettings = await resolveSettings(dir, env);
  if (!settings.url) {
    // HEADERPROOF_LAB_BUILD changes the lab's build id, as an app upgrade changes the bootstrap script;
    // HEADERPROOF_LAB_VERSION picks the Immich version the lab imitates; HEADERPROOF_LAB_ONBOARDED=0
    // makes its user one who never finished onboarding.
    const lab = await startLab({
      ...(env.HEADERPROOF_LAB_BUILD ? { buildId: env.HEADERPROOF_LAB_BUILD.replace(/[^A-Za-z0-9]/g, '') } : {}),
      ...(env.HEADERPROOF_LAB_VERSION ? { version: env.HEADERPROOF_LAB_VERSION } : {}),
      ...(env.HEADERPROOF_LAB_ONBOARDED === '0' ? { onboarded: false } : {}),
    });
    return { url: lab.url, credentials: lab.credentials, upstream: { verifyTls: true }, preserveOrigin: false, lab, close: () => lab.close() };
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
