import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'invalid-yaml',
  severity: 'error',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'A `.yaml`, `.yml` or `.json` file that does not parse, reported at the first error. Helm chart templates are never parsed as YAML. The documents of the file that do parse are still linted.',
    why:
      'kubectl and Argo CD refuse the whole file, and every other rule is blind to the broken document: a typo in indentation can hide a missing probe from review.',
    fix: 'Fix the syntax at the reported line. Go templates belong in a Helm chart (a directory with `Chart.yaml`), where probe-lint does not read them as YAML.',
    failing: `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
     image: example/api:1.0
`,
    passing: `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: example/api:1.0
`,
  },
  checkFile(file, ctx) {
    if (!file.error) return;
    ctx.report({ span: file.error.span, message: `cannot parse YAML: ${file.error.message}` });
  },
});
