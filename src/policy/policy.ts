// Policy files (YAML or JSON) → a validated Policy. Every user mistake becomes a PolicyError that
// names the file, the field and the fix; nothing here throws anything else for bad input.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import { checkSource, KNOWN_DIRECTIVES, VALUELESS_DIRECTIVES, type CspDirectives } from './csp.js';
import { FORBIDDEN_HEADERS, HEADER_NAME, findHeaderRule, likelyTypo, knownHeaderNames } from './headers.js';

export interface Policy {
  name: string;
  description: string;
  /** Where it was loaded from ('' for built in). */
  file: string;
  csp?: {
    reportOnly: boolean;
    directives: CspDirectives;
    /**
     * Keep the app's own CSP header of this kind and send this one beside it (browsers enforce both,
     * so a page gets only what both allow: never less strict than the app's own). Default: replace it.
     */
    alongside?: boolean;
  };
  /** Canonical header name → value, set on (replacing) every in-scope response. */
  set: Record<string, string>;
  /** Header names removed from every in-scope response. */
  remove: string[];
  /** Path prefixes the edits apply to (like a Traefik PathPrefix router); undefined = all paths. */
  paths?: string[];
}

export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { field: string; problem: string }[],
  ) {
    super(
      `${file}: invalid policy\n` + problems.map((p) => `  - ${p.field || '(file)'}: ${p.problem}`).join('\n'),
    );
    this.name = 'PolicyError';
  }
}

export const MAX_POLICY_BYTES = 256 * 1024;
const MAX_VALUE_LENGTH = 8192;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const headerValue = z
  .string({ error: 'must be a string (quote it in YAML)' })
  .max(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`)
  .refine((v) => !CONTROL_CHARS.test(v), {
    message: 'contains a line break or control character (header injection); write the value on one line',
  });

const cspSchema = z
  .object({
    reportOnly: z.boolean({ error: 'must be true or false' }).default(false),
    alongside: z.boolean({ error: 'must be true (keep the app\'s own CSP and send this one beside it) or false (replace it)' }).default(false),
    directives: z
      .record(z.string(), z.array(z.string({ error: 'each source must be a string' }), {
        error: 'must be a list of sources, e.g. ["\'self\'"] (use [] for a directive without sources)',
      }))
      .superRefine((directives, ctx) => {
        for (const [name, sources] of Object.entries(directives)) {
          if (!KNOWN_DIRECTIVES.has(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: `unknown CSP directive "${name}"; known: ${[...KNOWN_DIRECTIVES].join(', ')}` });
            continue;
          }
          if (VALUELESS_DIRECTIVES.has(name) && sources.length) {
            ctx.addIssue({ code: 'custom', path: [name], message: `${name} takes no sources; use []` });
          }
          sources.forEach((source, i) => {
            const why = checkSource(name, source);
            if (why) ctx.addIssue({ code: 'custom', path: [name, i], message: why });
          });
        }
        if (!Object.keys(directives).length)
          ctx.addIssue({ code: 'custom', message: 'needs at least one directive, e.g. default-src: ["\'self\'"]' });
      }),
  })
  .strict();

const policySchema = z
  .object({
    name: z
      .string({ error: (i) => (i.input === undefined ? 'is required: a short name such as bundle-a' : 'must be a string such as bundle-a') })
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-" (it names a Playwright project and a report folder)'),
    description: z.string({ error: (i) => (i.input === undefined ? 'is required: say what the policy is for and what risk it carries' : 'must be text') }).min(1, 'must not be empty'),
    set: z.record(z.string(), headerValue).default({}),
    remove: z.array(z.string({ error: 'each entry must be a header name' }), { error: 'must be a list of header names, e.g. [X-Powered-By]' }).default([]),
    csp: cspSchema.optional(),
    paths: z
      .array(z.string().regex(/^\//, 'each path prefix must start with "/"'), { error: 'must be a list of path prefixes such as ["/", "/api/"]' })
      .min(1, 'must list at least one prefix, or be left out to apply everywhere')
      .optional(),
  })
  .strict();

/** Loads and validates one policy file; throws PolicyError for every user mistake. */
export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_POLICY_BYTES)
      throw new PolicyError(file, [{ field: '', problem: `file is ${size} bytes; a policy file may be at most ${MAX_POLICY_BYTES} bytes` }]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PolicyError(file, [{ field: '', problem: code === 'ENOENT' ? 'no such file; check the path (policies live in policies/*.yaml)' : `cannot read file (${code ?? String(err)})` }]);
  }
  return parsePolicy(text, file);
}

/** Validates policy text (YAML, or JSON when the file ends in .json). */
export function parsePolicy(text: string, file = '<inline>'): Policy {
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new PolicyError(file, [{ field: '', problem: `not valid JSON: ${(err as Error).message}` }]);
    }
  } else {
    const doc = YAML.parseDocument(text, { prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      // linePos is only filled in with prettyErrors: compute it from the offset ourselves.
      const before = text.slice(0, e.pos[0]);
      const line = before.split('\n').length;
      const where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
      throw new PolicyError(file, [{ field: '', problem: `not valid YAML${where}: ${e.message.split('\n')[0]}` }]);
    }
    try {
      raw = doc.toJS({ maxAliasCount: 50 });
    } catch (err) {
      // e.g. an alias "billion laughs" expansion: refuse it as bad input, not a crash.
      throw new PolicyError(file, [{ field: '', problem: `not valid YAML: ${(err as Error).message}` }]);
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PolicyError(file, [{ field: '', problem: 'must be a mapping with at least "name" and "description"' }]);
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    throw new PolicyError(
      file,
      parsed.error.issues.slice(0, 8).map((issue) => ({ field: fieldPath(issue.path), problem: describeIssue(issue) })),
    );
  }
  const p = parsed.data;
  const problems: { field: string; problem: string }[] = [];
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.set)) {
    const field = `set.${name}`;
    const forbidden = FORBIDDEN_HEADERS[name.toLowerCase()];
    const rule = findHeaderRule(name);
    if (!HEADER_NAME.test(name)) problems.push({ field, problem: 'is not a valid header name (letters, digits and -)' });
    else if (forbidden) problems.push({ field, problem: forbidden });
    else if (!rule) {
      const hint = likelyTypo(name);
      if (hint) problems.push({ field, problem: `unknown header; did you mean ${hint}? (a header headerproof does not model is accepted with a warning, but this one looks like a typo; known: ${knownHeaderNames().join(', ')})` });
      else set[name] = value.trim();
    } else {
      const why = rule.check?.(value);
      if (why) problems.push({ field, problem: `"${value}" ${why}` });
      else set[rule.name] = value.trim();
    }
  }
  p.remove.forEach((name, i) => {
    if (!HEADER_NAME.test(name)) problems.push({ field: `remove[${i}]`, problem: `"${name}" is not a valid header name` });
    else if (Object.keys(set).some((s) => s.toLowerCase() === name.toLowerCase()))
      problems.push({ field: `remove[${i}]`, problem: `${name} is also under "set"; a header is either set or removed` });
  });
  if (problems.length) throw new PolicyError(file, problems);
  return {
    name: p.name,
    description: p.description,
    file,
    set,
    remove: p.remove,
    ...(p.csp ? { csp: { reportOnly: p.csp.reportOnly, directives: p.csp.directives, ...(p.csp.alongside ? { alongside: true } : {}) } } : {}),
    ...(p.paths ? { paths: p.paths } : {}),
  };
}

function fieldPath(parts: readonly PropertyKey[]): string {
  return parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(String(p)) ? `${i ? '.' : ''}${String(p)}` : `["${String(p)}"]`))
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed here: ${
      issue.path.length ? 'reportOnly, alongside, directives' : 'name, description, set, remove, csp, paths'
    }`;
  }
  return issue.message;
}

/** A display label for a policy file path, relative to cwd. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}
