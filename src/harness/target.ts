// Which app the journeys drive: a staging host named by the environment, or the bundled lab.
import { startLab, type LabTarget } from '../lab/server.js';

export interface Target {
  url: string;
  credentials: { email: string; password: string };
  /** Set when the lab was started for this worker. */
  lab?: LabTarget;
  close(): Promise<void>;
}

export class TargetConfigError extends Error {}

export async function resolveTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const named = env.HEADERPROOF_TARGET?.trim();
  if (!named) {
    // HEADERPROOF_LAB_BUILD changes the lab's build id, as an app upgrade changes the bootstrap script.
    const lab = await startLab(env.HEADERPROOF_LAB_BUILD ? { buildId: env.HEADERPROOF_LAB_BUILD.replace(/[^A-Za-z0-9]/g, '') } : {});
    return { url: lab.url, credentials: lab.credentials, lab, close: () => lab.close() };
  }
  let url: URL;
  try {
    url = new URL(named);
  } catch {
    throw new TargetConfigError(`HEADERPROOF_TARGET: "${named}" is not a URL; set it to e.g. https://photos-staging.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetConfigError(`HEADERPROOF_TARGET: must start with http:// or https://, got "${url.protocol}"`);
  }
  const email = env.IMMICH_EMAIL;
  const password = env.IMMICH_PASSWORD;
  if (!email || !password) {
    throw new TargetConfigError('IMMICH_EMAIL and IMMICH_PASSWORD must be set when HEADERPROOF_TARGET names a host (a test user on that host)');
  }
  return { url: url.origin, credentials: { email, password }, close: async () => undefined };
}
