// "A core that knows no app": no code line outside src/apps/ names one. Comments may give an app as an
// example; code may not — not in an identifier, a string, a template or a regular expression. Read with
// TypeScript's own scanner, so a comment is told from code as the compiler tells it.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { SHIPPED_APP_NAMES } from '../../src/apps/shipped.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

/** Code tokens (identifiers, strings, templates, regular expressions) of a file that name an app, with their lines. */
export function appNamesInCode(text: string, names: readonly string[]): { line: number; token: string }[] {
  // A name inside a longer token (IMMICH_EMAIL, /api/immich/, node-red.example): a word match. A name
  // that is an everyday word (actual) only as a whole string: 'actual'.
  const words = names.filter((n) => /[-_]/.test(n) || n.length > 6 || n === 'immich');
  const wordRe = new RegExp(words.map((n) => n.replace(/[-_]/g, '[-_ ]?')).join('|'), 'i');
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, text);
  const hits: { line: number; token: string }[] = [];
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  let kind = scanner.scan();
  let previous = ts.SyntaxKind.Unknown;
  // Open braces inside each template substitution being read (a `}` at depth 0 resumes the template).
  const templates: number[] = [];
  while (kind !== ts.SyntaxKind.EndOfFileToken) {
    // A slash after an operator or an opening bracket starts a regular expression, as in the parser.
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken)
      && ![ts.SyntaxKind.Identifier, ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.StringLiteral].includes(previous)) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.OpenBraceToken && templates.length) templates[templates.length - 1]! += 1;
    if (kind === ts.SyntaxKind.CloseBraceToken && templates.length) {
      if (templates[templates.length - 1] === 0) kind = scanner.reScanTemplateToken(false);
      else templates[templates.length - 1]! -= 1;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(0);
    if (kind === ts.SyntaxKind.TemplateTail) templates.pop();
    const value = scanner.getTokenText();
    const isString = kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral
      || (kind >= ts.SyntaxKind.TemplateHead && kind <= ts.SyntaxKind.TemplateTail);
    const isCode = isString || kind === ts.SyntaxKind.Identifier || kind === ts.SyntaxKind.RegularExpressionLiteral;
    if (isCode && (wordRe.test(value) || (isString && names.includes(scanner.getTokenValue())))) hits.push({ line: lineOf(scanner.getTokenStart()), token: value });
    previous = kind;
    kind = scanner.scan();
  }
  return hits;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(SRC, 'apps') ? [] : files(p);
    return /\.ts$/.test(e.name) ? [p] : [];
  });
}

test('the check finds an app named in code and passes over one named in a comment', () => {
  const names = ['immich', 'node-red', 'actual'];
  const sample = [
    '// Immich and Node-RED in a comment, and actual in a comment',
    '/* immich */ const x = 1;',
    "const a = 'immich';",
    'const b = `${x} NODE_RED_USER`;',
    'const c = /\\/api\\/immich\\//;',
    'const immichVersion = 2;',
    "const d = 'actual';",
    "const actual = 'the actual value';",
    'const e = x / 2 / 3;',
    'const f = `${{ a: 1 }.a} and ${`${x}`} fine`;',
    "const g = `${x}immich`;",
  ].join('\n');
  expect(appNamesInCode(sample, names).map((h) => h.line)).toEqual([3, 4, 5, 6, 7, 11]);
});

test('no code line outside src/apps/ names a shipped app', () => {
  const found = files(SRC).flatMap((file) =>
    appNamesInCode(readFileSync(file, 'utf8'), SHIPPED_APP_NAMES).map((h) => `${path.relative(ROOT, file)}:${h.line}: ${h.token}`));
  expect(found, 'move what the core says about an app into its profile (src/apps/<app>/), or say it without the name').toEqual([]);
});
