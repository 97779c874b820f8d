// npm run generate: writes the files derived from the rules (rules/<id>.md, probe-lint.schema.json).
// Tests fail when they are stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../dist/rules/index.js';
import { configSchema } from '../dist/src/config-schema.js';
import { ruleMarkdown } from '../dist/src/rule-docs.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const rule of RULES) fs.writeFileSync(path.join(repo, 'rules', `${rule.id}.md`), ruleMarkdown(rule));
fs.writeFileSync(path.join(repo, 'probe-lint.schema.json'), JSON.stringify(configSchema(RULES), null, 2) + '\n');
console.log(`wrote ${RULES.length} rule pages and probe-lint.schema.json`);
