// Every rule, in the order `probe-lint rules` lists them. Add new rules here by hand.
import type { AnyRule } from '../src/rule.js';
import invalidYaml from './invalid-yaml.js';
import livenessEqualsReadiness from './liveness-equals-readiness.js';
import prestopHookMissing from './prestop-hook-missing.js';
import probeFailureWindowShort from './probe-failure-window-short.js';
import probeInvalid from './probe-invalid.js';
import probeTimeoutShort from './probe-timeout-short.js';
import readinessProbeMissing from './readiness-probe-missing.js';

export const RULES: readonly AnyRule[] = [
  invalidYaml,
  probeInvalid,
  readinessProbeMissing,
  probeTimeoutShort,
  probeFailureWindowShort,
  livenessEqualsReadiness,
  prestopHookMissing,
];
