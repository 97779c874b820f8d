// What a finding is about, as a hash that does not move with it: SARIF's
// partialFingerprints and the suppressions file both key findings by it, so
// that a line moved, a file reformatted or an object moved to another file
// keeps its identity.
import { nodeCrypto } from './crypto.js';
import path from 'node:path';
import type { Finding } from './rule.js';
import type { SourceFile } from './source.js';

/**
 * A linted file relative to `root` with `/` separators: a rendered chart or
 * overlay as its Chart.yaml or kustomization file (the rendered stream has no
 * path of its own, and templates are known only after attachSources), stdin as
 * the name --stdin-filename gives it (absolute, `stdinPath`), else `stdin`.
 */
export function repositoryPath(file: SourceFile, root: string, stdinPath?: string): string {
  if (file.rendered) return relativePath(root, file.rendered.entry);
  if (file.absPath === null) return stdinPath === undefined ? 'stdin' : relativePath(root, stdinPath);
  return relativePath(root, file.absPath);
}

export function relativePath(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/');
}

/**
 * The file a finding is keyed by, relative to `root`: for rendered output
 * located in a file people edit (a template, a kustomize resource), that file;
 * else repositoryPath of the finding's own file.
 */
export function findingPath(finding: Finding, root: string, stdinPath?: string): string {
  const source = finding.source?.absPath;
  return source ? relativePath(root, source) : repositoryPath(finding.file, root, stdinPath);
}

/**
 * What the finding is about, never where in a file it is (lines move) nor
 * anything the working directory changes. `file` is findingPath of the
 * finding. 32 hex digits. Three kinds:
 *
 * - A finding on rendered output located in the file people edit (`source`
 *   with an absPath): rule, that file, the object's kind, container and probe.
 *   Not the object's namespace or name: a render writes those (a kustomize
 *   overlay's namespace and namePrefix, a Helm release name), so the same
 *   template line would change identity with the overlay that happens to sort
 *   first, or with the one overlay linted.
 * - A finding on an object: rule, object identity (apiVersion, kind,
 *   namespace, name), container and probe; not the file, so that moving the
 *   object to another file keeps it.
 * - A finding without an object (a file that does not parse, a chart that
 *   does not render, an unused suppression comment): rule and file only. Never
 *   the message: these messages hold paths relative to the working directory,
 *   lines, and tool output that changes with the tool's version, and the
 *   suppressions file's counts already tell several such findings in one file
 *   apart from one more.
 */
export function fingerprint(finding: Finding, file: string): string {
  const ref = finding.object;
  const identity = finding.source?.absPath
    ? ['rendered', finding.ruleId, file, ref?.kind ?? '', finding.container ?? '', finding.probe ?? '']
    : ref
      ? [finding.ruleId, `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name ?? ''}`, finding.container ?? '', finding.probe ?? '']
      : ['file', finding.ruleId, file];
  return nodeCrypto().createHash('sha256').update(identity.join('\n')).digest('hex').slice(0, 32);
}

/**
 * Each finding's identity as SARIF (`partialFingerprints`) and pull-request comments carry it: the hash of
 * what it is about and which of the findings with that hash it is, in report order (`hash:n`).
 */
export function occurrenceFingerprints(findings: readonly Finding[], root: string, stdinPath?: string): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const hash = fingerprint(finding, findingPath(finding, root, stdinPath));
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  });
}
