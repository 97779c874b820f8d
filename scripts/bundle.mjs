// npm run bundle: the committed entry points, each a bundle with no runtime dependencies.
//   bin/probe-lint.js      the CLI, as npm, npx and pre-commit run it
//   bin/probe-lint-lsp.js  the language server, which `probe-lint lsp` loads
//   bin/glob.js            `glob`, which a run loads for an argument that is no path on disk
//   bin/yaml.cjs           `yaml`, which a run requires when a document needs it (src/yaml-library.ts)
//   action/index.js        the GitHub Action (it loads the last two from bin/)
// The files beside the CLI keep out of its start what most lints never use: compiling them would be a good
// part of linting one small file (SPEC §8). Only leaf modules go apart: a module with state of its own (a
// cache, a WeakSet) must not exist twice.
// `node scripts/bundle.mjs <dir>` writes them under <dir> instead of the repository.
// The tests build them all from the current source with bundle() (test/global-setup.ts),
// spawn those, and fail when the committed files differ from them (test/package.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The bundles, as paths relative to the output directory. */
export const BUNDLES = { cli: 'bin/probe-lint.js', lsp: 'bin/probe-lint-lsp.js', glob: 'bin/glob.js', yaml: 'bin/yaml.cjs', action: 'action/index.js' };

/** How the bundle written to `bundle` reaches the files beside it: as a path relative to itself. */
function besides(bundle, out) {
  const from = (file) => {
    const relative = path.relative(path.dirname(bundle), file).split(path.sep).join('/');
    return relative.startsWith('.') ? relative : `./${relative}`;
  };
  const plugin = {
    name: 'beside',
    setup(build) {
      build.onResolve({ filter: /^\.\/lsp\/server\.js$/ }, () => ({ path: from(out.lsp), external: true }));
      build.onResolve({ filter: /^glob$/ }, (args) => (args.kind === 'dynamic-import' ? { path: from(out.glob), external: true } : undefined));
    },
  };
  return { define: { PROBE_LINT_YAML: JSON.stringify(from(out.yaml)) }, plugins: [plugin] };
}

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
 * @returns {Promise<{ cli: string, lsp: string, glob: string, yaml: string, action: string }>} the absolute paths written
 */
export async function bundle(outDir = repo) {
  const out = Object.fromEntries(Object.entries(BUNDLES).map(([name, file]) => [name, path.join(outDir, file)]));
  // Minified: half the bytes for Node to compile is a quarter less start-up for one small file.
  await build({ ...common, ...besides(out.cli, out), minify: true, entryPoints: [path.join(repo, 'src/cli.ts')], outfile: out.cli });
  await build({ ...common, ...besides(out.lsp, out), minify: true, entryPoints: [path.join(repo, 'src/lsp/server.ts')], outfile: out.lsp });
  await build({ ...common, minify: true, stdin: { contents: "export { globSync, hasMagic } from 'glob';", resolveDir: repo }, outfile: out.glob });
  await build({ ...common, banner: {}, format: 'cjs', minify: true, stdin: { contents: "module.exports = require('yaml');", resolveDir: repo }, outfile: out.yaml });
  await build({ ...common, ...besides(out.action, out), entryPoints: [path.join(repo, 'src/action.ts')], outfile: out.action });
  return out;
}

/**
 * The bundles built from the current source into `dir` (created), with the
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
