// npm run bundle: the committed entry points, each a bundle with no runtime dependencies.
//   bin/probe-lint.js      the CLI, as npm, npx and pre-commit run it, with the *-HASH.js chunks beside it:
//                          what only some runs need (SARIF, fixes, globs, the timeline command) is loaded
//                          by those runs, so that linting one small file compiles little more than it uses
//   bin/yaml.cjs           the `yaml` package, which the others require when a document needs it (src/yaml-library.ts)
//   bin/probe-lint-lsp.js  the language server, which `probe-lint lsp` loads: kept out of the CLI's file,
//                          whose every start (linting one file) would otherwise compile its libraries too
//   action/index.js        the GitHub Action
// `node scripts/bundle.mjs <dir>` writes them under <dir> instead of the repository.
// The tests build both from the current source with bundle() (test/global-setup.ts),
// spawn those, and fail when the committed files differ from them (test/package.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The bundles, as paths relative to the output directory. */
export const BUNDLES = { cli: 'bin/probe-lint.js', yaml: 'bin/yaml.cjs', lsp: 'bin/probe-lint-lsp.js', action: 'action/index.js' };

/** The CLI's `import('./lsp/server.js')` becomes an import of the language server's own file beside it. */
const lspBeside = {
  name: 'lsp-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/lsp\/server\.js$/ }, () => ({ path: `./${path.basename(BUNDLES.lsp)}`, external: true }));
  },
};

// CommonJS dependencies inside an ESM bundle call require() for Node built-ins.
const banner = "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: banner },
  // Paths in the output's comments are relative to this, whoever runs the build from wherever.
  absWorkingDir: repo,
};

/**
 * Builds the bundles from the sources under outDir (the repository by default).
 * @param {string} [outDir]
 * @returns {Promise<{ cli: string, yaml: string, lsp: string, action: string }>} the absolute paths written
 */
export async function bundle(outDir = repo) {
  const out = Object.fromEntries(Object.entries(BUNDLES).map(([name, file]) => [name, path.join(outDir, file)]));
  // Chunks of an earlier build would be left beside the new ones: the directory holds only what is built here.
  fs.rmSync(path.dirname(out.cli), { recursive: true, force: true });
  // Where each bundle finds the `yaml` file (src/yaml-library.ts), relative to itself.
  const yamlFrom = (bundle) => {
    const relative = path.relative(path.dirname(bundle), out.yaml).split(path.sep).join('/');
    return { PROBE_LINT_YAML: JSON.stringify(relative.startsWith('.') ? relative : `./${relative}`) };
  };
  await build({ ...common, banner: {}, format: 'cjs', minify: true, stdin: { contents: "module.exports = require('yaml');", resolveDir: repo }, outfile: out.yaml });
  // Minified: half the bytes for Node to compile is a quarter less start-up for one small file.
  await build({
    ...common,
    define: yamlFrom(out.cli),
    minify: true,
    entryPoints: { [path.basename(out.cli, '.js')]: path.join(repo, 'src/cli.ts') },
    outdir: path.dirname(out.cli),
    splitting: true,
    chunkNames: '[name]-[hash]',
    plugins: [lspBeside],
  });
  await build({ ...common, define: yamlFrom(out.lsp), minify: true, entryPoints: [path.join(repo, 'src/lsp/server.ts')], outfile: out.lsp });
  await build({ ...common, define: yamlFrom(out.action), entryPoints: [path.join(repo, 'src/action.ts')], outfile: out.action });
  return out;
}

/**
 * Both bundles built from the current source into `dir` (created), with the
 * package.json that makes Node run them as ES modules, as the repository's
 * does for the committed ones: what tests, checks and the bench run.
 * @param {string} dir
 */
export async function freshBundles(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
  return bundle(dir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await bundle(process.argv[2] ? path.resolve(process.argv[2]) : repo);
}
