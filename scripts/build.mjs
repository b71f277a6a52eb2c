// Compiles headerproof for the package (npm pack runs it as "prepack"): TypeScript → dist/ with
// declarations, and the files src/ needs beside its code (the lab's client, media and TLS files).
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

let copied = 0;
const copyAssets = (dir) => {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) copyAssets(file);
    else if (!file.endsWith('.ts')) {
      cpSync(file, path.join(dist, path.relative(root, file)));
      copied++;
    }
  }
};
copyAssets(path.join(root, 'src'));
console.log(`build: dist/ compiled, ${copied} asset files copied`);
