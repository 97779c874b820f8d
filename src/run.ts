// The one entry point behind the CLI and the Action:
// paths → files → documents → model → findings.
import fs from 'node:fs/promises';
import { RULES } from '../rules/index.js';
import { buildModel } from './build-model.js';
import { lint, type RuleSettings } from './engine.js';
import { collectInputs, type InputFile, type Notice } from './inputs.js';
import { isLongRunning } from './model.js';
import { parseFile, type ParsedFile } from './parse.js';
import type { AnyRule, Finding } from './rule.js';
import { buildRouting } from './routing.js';
import type { SourceFile } from './source.js';

export interface RunOptions {
  paths: string[];
  cwd: string;
  ignore?: string[];
  /** Reads standard input when `-` is among the paths. */
  readStdin?: () => Promise<string>;
  rules?: readonly AnyRule[];
  settings?: ReadonlyMap<string, RuleSettings>;
}

export interface Summary {
  files: number;
  documents: number;
  objects: number;
  containers: number;
}

export interface RunResult {
  findings: Finding[];
  notices: Notice[];
  summary: Summary;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const inputs = await collectInputs(options.paths, options.cwd, options.ignore ?? []);
  const notices = [...inputs.notices];
  const sources: SourceFile[] = [];
  if (inputs.stdin) {
    const text = options.readStdin ? await options.readStdin() : '';
    sources.push(decode('<stdin>', null, Buffer.from(text, 'utf8')));
  }
  for (const read of await readAll(inputs.files)) {
    if ('source' in read) sources.push(read.source);
    else notices.push(read.notice);
  }
  const parsed: ParsedFile[] = sources.map(parseFile);
  const model = buildModel(parsed);
  const routing = buildRouting(model);
  const findings = lint({ files: parsed, model, routing, rules: options.rules ?? RULES, settings: options.settings });
  const cheapObjects = parsed.reduce((n, p) => n + p.documents.filter((d) => d.root === null && d.header).length, 0);
  return {
    findings,
    notices,
    summary: {
      files: sources.length,
      documents: parsed.reduce((n, p) => n + p.documents.length, 0),
      objects: model.objects.length + cheapObjects,
      containers: model.workloads.reduce((n, w) => n + w.containers.filter(isLongRunning).length, 0),
    },
  };
}

type ReadResult = { source: SourceFile } | { notice: Notice };

async function readAll(files: InputFile[]): Promise<ReadResult[]> {
  const results: ReadResult[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      results[i] = await readOne(files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  return results;
}

async function readOne(file: InputFile): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file.absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { notice: { file: file.path, line: null, message: `cannot read file (${code}); skipped` } };
  }
  if (bytes.includes(0)) return { notice: { file: file.path, line: null, message: 'binary file skipped' } };
  return { source: decode(file.path, file.absPath, bytes) };
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function decode(displayPath: string, absPath: string | null, bytes: Buffer): SourceFile {
  const text = decoder.decode(bytes);
  const bom = text.charCodeAt(0) === 0xfeff;
  return { path: displayPath, absPath, text: bom ? text.slice(1) : text, bom };
}
