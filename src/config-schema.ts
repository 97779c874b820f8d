// The JSON Schema of .probe-lint.yaml, derived from the rules' declarations so
// the two cannot drift. Shipped as probe-lint.schema.json for editors.
import { MAX_SECONDS, VALUE_SET_NAME } from './config.js';
import { NAMESPACE, RELEASE_NAME } from './renderers/helm-options.js';
import type { AnyRule, OptionSpec } from './rule.js';

const SEVERITY = { enum: ['error', 'warning', 'info', 'off'] };
const STRINGS = { type: 'array', items: { type: 'string' } };

export function configSchema(rules: readonly AnyRule[]): Record<string, unknown> {
  const ruleProperties = Object.fromEntries(
    rules.map((rule) => {
      const options = Object.entries(rule.options as Record<string, OptionSpec<unknown>>).map(([key, spec]) => [
        key,
        {
          description: spec.description,
          default: spec.default,
          ...(spec.type === 'seconds' ? { type: 'integer', minimum: 1, maximum: MAX_SECONDS } : { ...STRINGS, items: { type: 'string', format: 'regex' } }),
        },
      ]);
      const detailed = {
        type: 'object',
        additionalProperties: false,
        properties: { severity: SEVERITY, ...Object.fromEntries(options) },
      };
      return [rule.id, { description: rule.docs.summary, oneOf: [SEVERITY, detailed] }];
    }),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/probe-lint/probe-lint/probe-lint.schema.json',
    title: 'probe-lint configuration (.probe-lint.yaml, .probe-lint.yml, .probe-lint.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { description: 'Where editors find this schema: the path of probe-lint.schema.json in node_modules, or its URL.', type: 'string' },
      kubernetesVersion: {
        description: 'Kubernetes version the manifests target, quoted: "1.30".',
        type: 'string',
        pattern: '^v?1\\.\\d{1,2}(\\.\\d+)?$',
        default: '1.30',
      },
      ignore: { description: 'gitignore-style globs, relative to the config file, of paths not to lint.', ...STRINGS },
      rules: {
        description: 'Per rule: a severity, or a mapping of severity and options.',
        type: 'object',
        additionalProperties: false,
        properties: ruleProperties,
      },
      helm: {
        type: 'object',
        additionalProperties: false,
        properties: {
          values: {
            description: 'Values files for rendering Helm charts, relative to this file; --helm-values replaces them. No commas: helm splits at them.',
            type: 'array',
            items: { type: 'string', pattern: '^[^,]*$' },
          },
          valueSets: {
            description: 'Named sets of values files (dev, staging, prod), relative to this file: each chart is rendered and linted once per set, after `values`; a finding in several sets is reported once, naming them. --helm-values-set replaces them.',
            type: 'object',
            propertyNames: { pattern: VALUE_SET_NAME.source },
            additionalProperties: { type: 'array', items: { type: 'string', pattern: '^[^,]*$' } },
          },
          releaseName: {
            description: 'Release name for helm template (default "release"): lowercase letters, digits, "-" and ".".',
            type: 'string',
            pattern: RELEASE_NAME.pattern.source,
            maxLength: RELEASE_NAME.maxLength,
          },
          namespace: {
            description: 'Namespace for helm template: lowercase letters, digits and "-".',
            type: 'string',
            pattern: NAMESPACE.pattern.source,
            maxLength: NAMESPACE.maxLength,
          },
        },
      },
    },
  };
}
