// What helm is given from configs and flags: names and files it reads only as
// values (SPEC §9: a config in a pull request must not pass flags to helm).
export interface HelmOptions {
  values: string[];
  releaseName: string;
  namespace: string | null;
}

// What helm itself accepts (`helm template` checks the release name against
// this, at most 53 characters) and a namespace (a DNS-1123 label, at most 63).
// Neither can start with `-`, so a name that passes is never read as a flag.
// The JSON Schema states the same from these.
export const RELEASE_NAME = { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, maxLength: 53 };
export const NAMESPACE = { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, maxLength: 63 };

/** Why helm must not be given this release name; null when it is a valid one. */
export function releaseNameProblem(name: string): string | null {
  if (RELEASE_NAME.pattern.test(name) && name.length <= RELEASE_NAME.maxLength) return null;
  return `${JSON.stringify(name)} is not a valid release name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most ${RELEASE_NAME.maxLength} characters`;
}

/** Why helm must not be given this namespace; null when it is a valid one. */
export function namespaceProblem(namespace: string): string | null {
  if (NAMESPACE.pattern.test(namespace) && namespace.length <= NAMESPACE.maxLength) return null;
  return `${JSON.stringify(namespace)} is not a valid namespace: lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${NAMESPACE.maxLength} characters`;
}

/** Why helm must not be given this values file; null when it can be. */
export function valuesFileProblem(file: string): string | null {
  // helm splits --values at commas: "a.yaml,https://host/v.yaml" would make it fetch a URL.
  return file.includes(',') ? `${JSON.stringify(file)} cannot be a values file: helm splits values file names at a comma` : null;
}
