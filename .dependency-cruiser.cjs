// Import rules for src/ (issue 37): data flows one way, the core names no app, nothing imports the CLI.
// `npx depcruise src --config .dependency-cruiser.cjs` checks them; tests/unit/imports.spec.ts runs
// it with the known violations (.dependency-cruiser-known-violations.json) ignored, so a new one fails
// and the list only shrinks.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import circle: split the shared part into a module both import', from: {}, to: { circular: true } },
    { name: 'core-names-no-app', severity: 'error', comment: 'only src/apps/ knows an app: reach it through the profile (src/apps/index.ts)', from: { path: '^src/', pathNot: '^src/apps/' }, to: { path: '^src/apps/(immich|node-red|actual|generic)/' } },
    { name: 'nothing-imports-the-cli', severity: 'error', comment: 'the CLI is the top layer: move what a lower layer needs out of src/cli/', from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: '^src/cli/' } },
    { name: 'report-reads-not-computes', severity: 'error', comment: 'the report renders what the verdict computed: import its result types, not its functions', from: { path: '^src/report/' }, to: { path: '^src/(verdict|blame|subset)/', dependencyTypesNot: ['type-only'] } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/apps/immich/lab/client/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
