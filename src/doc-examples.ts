// Rule docs show whole manifests; most of each is the same Deployment around
// one container, which this writes once.

/** A Deployment `api` whose single container has the given YAML (indented as under `- name: api`). */
export function deployment(containerBody: string, podBody = ''): string {
  const indent = (text: string, by: string): string =>
    text
      .trim()
      .split('\n')
      .map((line) => (line ? by + line : line))
      .join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
${podBody ? indent(podBody, '      ') + '\n' : ''}      containers:
        - name: api
          image: example/api:1.0
${indent(containerBody, '          ')}
`;
}

/** A Service `api` in front of the Deployment above. */
export const SERVICE = `---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: 8080
`;
