// Which Immich the target is: /api/server/version (public, no login), parsed and compared.
import type { APIRequestContext } from '@playwright/test';

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseServerVersion(body: unknown): ServerVersion | undefined {
  const v = body as Partial<ServerVersion> | null;
  if (!v || typeof v !== 'object') return undefined;
  const ok = [v.major, v.minor, v.patch].every((n) => Number.isInteger(n) && (n as number) >= 0);
  return ok ? { major: v.major!, minor: v.minor!, patch: v.patch! } : undefined;
}

export function compareVersions(a: ServerVersion, b: ServerVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function versionString(v: ServerVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** Asks the target (through the proxy, so under the policy like everything else); undefined if it does not say. */
export async function fetchServerVersion(request: APIRequestContext): Promise<ServerVersion | undefined> {
  const res = await request.get('/api/server/version').catch(() => undefined);
  if (!res?.ok()) return undefined;
  return parseServerVersion(await res.json().catch(() => undefined));
}
