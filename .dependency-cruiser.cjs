// dependency-cruiser: no import cycle between the files of src/ and webview/, type-only imports included
// (a cycle of types still ties the files' layers together). The folder rules are ESLint's
// (eslint.config.mjs); docs/architecture.md explains both. Run by `npm run lint` (the first layer of npm test).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Data flows one way (docs/architecture.md): a cycle means two files each need the other; move the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
    skipAnalysisNotInRules: true,
  },
};
