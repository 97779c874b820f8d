// node scripts/bench-floor.mjs [--parser js-yaml|yaml] DIR
// The floor a CLI can reach (SPEC §8): a fresh process that walks the tree,
// reads every manifest and parses every document, and does nothing else.
// Spawned by bench.mjs beside the lint, so both pay the same process start.
// Prints {"files","bytes","documents"} as one JSON line.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--parser');
const parser = at === -1 ? 'js-yaml' : args.splice(at, 2)[1];
const root = path.resolve(args[0] ?? '.');

// Only the parser measured is loaded: its import is part of the floor, the other's is not.
const parseAll =
  parser === 'yaml'
    ? await import('yaml').then(({ parseAllDocuments }) => (text) => {
        const docs = parseAllDocuments(text);
        return Array.isArray(docs) ? docs.length : 0;
      })
    : await import('js-yaml').then(({ default: jsYaml }) => (text) => jsYaml.loadAll(text).length);

const MANIFEST = /\.(ya?ml|json)$/i;
// As the lint's walk: .git and node_modules are never manifests, and symlinks are not followed
// (the lint follows only those inside the tree, whose targets it meets anyway).
const SKIPPED = new Set(['.git', 'node_modules']);

let files = 0;
let bytes = 0;
let documents = 0;
// Synchronous throughout: the cheapest walk and read Node offers, which is what a floor is.
const visit = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) visit(abs);
    } else if (entry.isFile() && MANIFEST.test(entry.name)) {
      const raw = fs.readFileSync(abs);
      files++;
      bytes += raw.length;
      try {
        documents += parseAll(raw.toString('utf8'));
      } catch {
        // Invalid YAML: the lint reports it; the floor only has to have tried.
      }
    }
  }
};
visit(root);
process.stdout.write(`${JSON.stringify({ files, bytes, documents })}\n`);
