// Every rule, in the order `probe-lint rules` lists them. Add new rules here by hand.
import type { AnyRule } from '../src/rule.js';
import invalidYaml from './invalid-yaml.js';
import livenessChecksDependencies from './liveness-checks-dependencies.js';
import livenessEqualsReadiness from './liveness-equals-readiness.js';
import livenessProbeMissing from './liveness-probe-missing.js';
import livenessStricterThanReadiness from './liveness-stricter-than-readiness.js';
import prestopHookMissing from './prestop-hook-missing.js';
import probeFailureWindowShort from './probe-failure-window-short.js';
import probeForbidden from './probe-forbidden.js';
import probeInvalid from './probe-invalid.js';
import probePortMissing from './probe-port-missing.js';
import probePortUndeclared from './probe-port-undeclared.js';
import probeRemoteHost from './probe-remote-host.js';
import probeTimeoutExceedsPeriod from './probe-timeout-exceeds-period.js';
import probeTimeoutShort from './probe-timeout-short.js';
import readinessPortNotServed from './readiness-port-not-served.js';
import readinessProbeMissing from './readiness-probe-missing.js';
import renderFailed from './render-failed.js';
import startupProbePreferred from './startup-probe-preferred.js';
import terminationGraceTooShort from './termination-grace-too-short.js';
import unusedSuppression from './unused-suppression.js';

export const RULES: readonly AnyRule[] = [
  invalidYaml,
  probeInvalid,
  probeForbidden,
  probePortMissing,
  probePortUndeclared,
  readinessProbeMissing,
  probeTimeoutShort,
  probeFailureWindowShort,
  livenessEqualsReadiness,
  livenessChecksDependencies,
  livenessStricterThanReadiness,
  probeRemoteHost,
  startupProbePreferred,
  probeTimeoutExceedsPeriod,
  prestopHookMissing,
  terminationGraceTooShort,
  readinessPortNotServed,
  livenessProbeMissing,
  renderFailed,
  unusedSuppression,
];
