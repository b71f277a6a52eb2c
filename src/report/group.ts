// Violations grouped the way a reviewer reads them: by directive (or feature), then blocked origin.
import type { ViolationGroup } from '../observe/violation.js';

export interface DirectiveGroup {
  kind: string;
  directive: string;
  origins: { blocked: string; disposition: string; count: number; journeys: string[]; sample: string; source: string }[];
}

export function blockedOrigin(blocked: string): string {
  try {
    return /^https?:|^wss?:/.test(blocked) ? new URL(blocked).origin : blocked;
  } catch {
    return blocked;
  }
}

export function groupByDirective(groups: ViolationGroup[]): DirectiveGroup[] {
  const out = new Map<string, DirectiveGroup>();
  for (const g of groups) {
    const key = `${g.kind}\u0000${g.directive}`;
    const dg = out.get(key) ?? { kind: g.kind, directive: g.directive, origins: [] };
    out.set(key, dg);
    // Inline code has no URL: its location is what tells two blocked scripts apart.
    const origin = ['inline', 'eval', 'wasm-eval'].includes(g.blockedUrl) && g.source ? `${g.blockedUrl} (${g.source})` : blockedOrigin(g.blockedUrl);
    const row = dg.origins.find((o) => o.blocked === origin && o.disposition === g.disposition);
    if (row) {
      row.count += g.count;
      if (!row.journeys.includes(g.journey)) row.journeys.push(g.journey);
    } else dg.origins.push({ blocked: origin, disposition: g.disposition, count: g.count, journeys: [g.journey], sample: g.sample, source: g.source });
  }
  return [...out.values()];
}
