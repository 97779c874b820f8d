import { defineRule } from '../src/rule.js';
import type { SourceFile } from '../src/source.js';
import type { Span } from '../src/tree.js';

/**
 * The first line that holds YAML content (not blank, a comment, `---` or a
 * directive): a `# probe-lint-disable-next-line render-failed` comment above it
 * then suppresses the finding, as it would any other.
 */
function firstContentLine(file: SourceFile): Span {
  const lines = file.text.split('\n');
  let offset = 0;
  let first: Span | null = null;
  for (const line of lines) {
    const text = line.replace(/\r$/, '');
    const span = { start: offset, end: offset + text.length };
    first ??= span;
    if (!/^\s*(#.*)?$/.test(text) && !/^(---|\.\.\.|%)/.test(text)) return span;
    offset += line.length + 1;
  }
  return first ?? { start: 0, end: 0 };
}

// Reported for the charts and kustomizations that renderAll (src/renderers/index.ts) could not render; it
// declares its severity and docs like any other rule, so config, --rule, suppressions and --fail-on apply.
export default defineRule({
  id: 'render-failed',
  severity: 'warning',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'A Helm chart or Kustomize overlay that could not be rendered: `helm` or `kubectl` is not on PATH, the tool failed, or it ran out of time. Reported on its `Chart.yaml` or `kustomization.yaml`.',
    why:
      'A chart is not YAML until it is rendered, so an unrendered chart is a chart nobody linted: without this finding CI goes green on it having checked nothing. An overlay that is not rendered has its resources linted as they are, without its patches, so what is deployed was not what was checked.',
    fix: 'Install the tool (`helm`, or `kubectl` for Kustomize) where probe-lint runs, or render it yourself and lint the output: `helm template charts/api | probe-lint -`, `kubectl kustomize overlays/prod | probe-lint -`. When the tool failed, run that command to see its error and fix the chart or overlay. Where the tool can never be installed, set `rules: {render-failed: off}` in the config.',
    exampleFile: 'Chart.yaml',
    failing: `apiVersion: v2
name: api
description: The API server
`,
    passing: `apiVersion: v2
name: api
description: The API server
version: 1.0.0
`,
  },
  checkUnrendered({ unrendered, file }, ctx) {
    const consequence = unrendered.variant
      ? `${unrendered.variant} was not linted`
      : unrendered.lintedAsIs
        ? 'its resources were linted as they are, without its patches and transformations'
        : 'none of its templates were linted';
    ctx.report({
      span: firstContentLine(file),
      message: `${unrendered.noun} "${unrendered.shown}" was not rendered: ${unrendered.reason}; ${consequence}; ${unrendered.remedy}`,
    });
  },
});
