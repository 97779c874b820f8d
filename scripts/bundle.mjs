// npm run bundle: the two committed single-file entry points.
//   bin/probe-lint.js  the CLI, as npm, npx and pre-commit run it (no runtime dependencies)
//   action/index.js    the GitHub Action
// A test rebuilds both into a temp dir and fails when the committed files differ.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ? path.resolve(process.argv[2]) : repo;

// CommonJS dependencies inside an ESM bundle call require() for Node built-ins.
const banner = "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: banner },
};

// Minified: half the bytes for Node to compile is a quarter less start-up for one small file.
await build({ ...common, minify: true, entryPoints: [path.join(repo, 'src/cli.ts')], outfile: path.join(outDir, 'bin/probe-lint.js') });
await build({ ...common, entryPoints: [path.join(repo, 'src/action.ts')], outfile: path.join(outDir, 'action/index.js') });
