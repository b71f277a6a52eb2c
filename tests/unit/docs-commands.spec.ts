// Every `npx headerproof …` command the README and docs/ show names a command and options the CLI
// has (read from the command line's own definition, src/cli/program.ts), so a renamed or removed
// option cannot stay in the docs. Running each command is the other suites' job: this is the checked
// subset docs/internals.md names.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildProgram } from '../../src/cli/program.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The documented commands: [file, the command line], continuation lines joined, comments cut. */
function documentedCommands(): { file: string; line: string }[] {
  const files = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: { file: string; line: string }[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/\\\n\s*/g, ' ');
    for (const m of text.matchAll(/npx headerproof ([a-z][a-z-]*)([^`|\n]*)/g)) out.push({ file, line: `${m[1]}${m[2]!.replace(/\s#.*$/, '')}`.trim() });
  }
  return out;
}

/** Each command's option flags (--name and --no-name), from the program itself. */
function cliOptions(): Map<string, Set<string>> {
  const program = buildProgram();
  return new Map(program.commands.map((c) => [c.name(), new Set([...c.options.flatMap((o) => [o.long ?? '', o.short ?? '']), '--help'].filter(Boolean))]));
}

test('every headerproof command the docs show exists with the options they give it', () => {
  const commands = documentedCommands();
  expect(commands.length, 'the docs show commands').toBeGreaterThan(30);
  const options = cliOptions();
  const problems: string[] = [];
  for (const { file, line } of commands) {
    const [name, ...args] = line.split(/\s+/);
    const known = options.get(name!);
    if (!known) {
      problems.push(`${file}: "headerproof ${line}": no command ${name}`);
      continue;
    }
    for (const arg of args) {
      const option = /^\[?(--[a-z][a-z0-9-]*)/.exec(arg)?.[1];
      if (option && !known.has(option)) problems.push(`${file}: "headerproof ${line}": ${name} has no ${option}`);
    }
  }
  expect(problems).toEqual([]);
});

test('the check catches a command or an option the CLI does not have', () => {
  const options = cliOptions();
  expect(options.get('run')?.has('--browsers')).toBe(true);
  expect(options.get('run')?.has('--no-share')).toBe(true);
  expect(options.get('run')?.has('--browser')).toBe(false);
  expect(options.has('deploy')).toBe(false);
});
