// What a finding is about, as a hash that does not move with it: SARIF's
// partialFingerprints and the suppressions file both key findings by it, so
// that a line moved, a file reformatted or an object moved to another file
// keeps its identity.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding } from './rule.js';
import type { SourceFile } from './source.js';

/**
 * A linted file relative to `root` with `/` separators: a rendered chart or
 * overlay as its Chart.yaml or kustomization file (the rendered stream has no
 * path of its own, and templates are known only after attachSources), stdin as
 * `stdin`.
 */
export function repositoryPath(file: SourceFile, root: string): string {
  if (file.rendered) return relativePath(root, file.rendered.entry);
  if (file.absPath === null) return 'stdin';
  return relativePath(root, file.absPath);
}

export function relativePath(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/');
}

/**
 * Rule, object identity (apiVersion, kind, namespace, name), container and
 * probe: not the line, not the file. A finding without an object (a file that
 * does not parse) has only its file and message to go by. `file` is
 * repositoryPath of the finding's file. 32 hex digits.
 */
export function fingerprint(finding: Finding, file: string): string {
  const ref = finding.object;
  const subject = ref ? `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name ?? ''}` : `${file}|${finding.message}`;
  const identity = [finding.ruleId, subject, finding.container ?? '', finding.probe ?? ''].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
