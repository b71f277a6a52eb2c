// The export of a shared subset as layers an edge stacks: one shared layer for every app, and one
// layer per app on top. How two layers that set the same header combine differs per edge (nginx:
// a block with add_header of its own inherits none from the block around it; Caddy: a later `header`
// set of a field replaces an earlier one; Traefik: each headers middleware in a chain sets its own
// value, so which wins depends on their order) — so the layers never share a header name. A header
// every app gets with the same value (or every app has removed) is shared; any other header goes,
// whole, to each app's own layer. Each app then gets exactly the headers its proven policy has.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExportError, exportPolicy, policyHeaders, type ExportFormat } from './export.js';
import { loadPolicy, type Policy } from '../policy/policy.js';
import type { SubsetResult } from '../subset/subset.js';

export interface Layers {
  shared: Policy;
  perTarget: { target: string; policy: Policy }[];
}

/** Splits each target's proven policy into a shared layer and a layer of its own (disjoint header names). */
export function splitLayers(name: string, finals: { target: string; policy: Policy }[]): Layers {
  // A CSP kept beside the app's own (csp.alongside) stays a CSP in the app's own layer, never shared:
  // the edge must add it as a second line, not set it.
  const beside = (p: Policy) => (p.csp?.alongside ? p.csp : undefined);
  const heads = finals.map((f) => ({ target: f.target, beside: beside(f.policy), ...policyHeaders(beside(f.policy) ? { ...f.policy, csp: undefined } : f.policy) }));
  const key = (n: string) => n.toLowerCase();
  const everywhere = (n: string, v: string) => heads.every((h) => h.set.some(([hn, hv]) => key(hn) === key(n) && hv === v));
  const sharedSet = heads[0] ? heads[0].set.filter(([n, v]) => everywhere(n, v)) : [];
  const sharedRemove = heads[0] ? heads[0].remove.filter((n) => heads.every((h) => h.remove.some((r) => key(r) === key(n)))) : [];
  const inShared = new Set([...sharedSet.map(([n]) => key(n)), ...sharedRemove.map(key)]);
  const layer = (layerName: string, description: string, set: [string, string][], remove: string[], replaced: string[]): Policy => ({
    name: layerName, description, file: '',
    set: Object.fromEntries(set), remove: [...remove, ...replaced.filter((n) => set.some(([s]) => key(s) === key(n)))],
  });
  return {
    shared: layer(`${name}-shared`, `The shared layer: the headers every app behind the edge gets, with the same value.`, sharedSet, sharedRemove, heads[0]?.replaced ?? []),
    perTarget: heads.map((h) => ({
      target: h.target,
      policy: {
        ...layer(`${name}-${h.target}`, `${h.target}'s own layer, on top of the shared one: the headers only it gets, or gets with its own value.`,
          h.set.filter(([n]) => !inShared.has(key(n))), h.remove.filter((n) => !inShared.has(key(n))), h.replaced),
        ...(h.beside ? { csp: h.beside } : {}),
      },
    })),
  };
}

const HOW: Record<ExportFormat, (shared: string, own: string) => string> = {
  nginx: (shared, own) => `# In the app's server block (or the location that proxies to it), both at the same level:\n#   include ${shared}.conf;\n#   include ${own}.conf;\n# nginx inherits add_header only into blocks without add_header of their own, so never split them across levels.`,
  caddy: (shared, own) => `# In the app's site block:\n#   import ${shared}.caddy\n#   import ${own}.caddy`,
  traefik: (shared, own) => `# The app's router: middlewares: [${shared}-headers@file, ${own}-headers@file] (or the shared one on the entrypoint).\n# The two never set the same header, so their order does not matter.`,
  'traefik-labels': (shared, own) => `# The app's router: traefik.http.routers.<app-router>.middlewares=${shared}-headers@docker,${own}-headers@docker`,
};

/** The layers as files for an edge: name → text, plus a README of how to include them. */
export function exportLayers(layers: Layers, format: ExportFormat): Record<string, string> {
  const ext = format === 'nginx' ? 'conf' : format === 'caddy' ? 'caddy' : 'yaml';
  const files: Record<string, string> = {};
  const emit = (p: Policy) => {
    // A layer without headers still gets a file, so every app's include lines stay the same.
    files[`${p.name}.${ext}`] = Object.keys(p.set).length || p.remove.length || p.csp ? exportPolicy(p, format) : `# ${p.name}: no headers of its own\n`;
  };
  emit(layers.shared);
  for (const t of layers.perTarget) emit(t.policy);
  files['README.txt'] = [
    `Layers exported by headerproof (${format}): ${layers.shared.name} for every app, and one per app on top.`,
    'The layers never set the same header: together they give each app exactly the headers its proven policy has.',
    '',
    ...layers.perTarget.map((t) => `${t.target}:\n${HOW[format](layers.shared.name, t.policy.name)}\n`),
  ].join('\n');
  return files;
}

/** The layers of a `headerproof subset` folder: each target's proven policy, split. Only a proven subset exports. */
export function layersFromSubset(dir: string): Layers {
  const file = path.join(dir, 'subset.json');
  if (!existsSync(file)) throw new ExportError(`${dir}: no subset.json here; give the folder \`headerproof subset\` wrote`);
  const result = JSON.parse(readFileSync(file, 'utf8')) as SubsetResult;
  if (result.exitCode !== 0) throw new ExportError(`${file}: not every layer was proven safe where it goes (exit ${result.exitCode}); export only what a run proved — see its index.html`);
  const finals = result.plan.perTarget.map((t) => {
    const rel = result.layers.perTarget[t.target] ?? result.layers.shared;
    if (!rel) throw new ExportError(`${file}: ${t.target} has no layer to export`);
    return { target: t.target, policy: loadPolicy(path.join(dir, rel)) };
  });
  return splitLayers(result.policy, finals);
}
