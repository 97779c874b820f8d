import { deployment } from '../src/doc-examples.js';
import { describeProbe, failureWindow, probeHandler, settingSpan, windowText } from '../src/facts.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'probe-timeout-exceeds-period',
  severity: 'info',
  fixable: 'none',
  options: {},
  docs: {
    summary: '`timeoutSeconds` is greater than `periodSeconds`: the probe cannot keep the configured rhythm.',
    why:
      'Kubelet does not start a check while the previous one is still running, so a slow check stretches the period to the timeout. The probe then reacts more slowly than its settings suggest: the real failure window is `failureThreshold × timeoutSeconds`. Usually the period was meant to be longer, or the timeout was raised without looking at it.',
    fix: 'Make `periodSeconds` at least `timeoutSeconds`, or lower the timeout.',
    failing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  periodSeconds: 5
  timeoutSeconds: 10
  failureThreshold: 3
`),
    passing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  periodSeconds: 10
  timeoutSeconds: 10
  failureThreshold: 3
`),
  },
  checkContainer(container, ctx) {
    for (const probe of Object.values(container.probes)) {
      if (!probeHandler(probe)) continue;
      const { timeoutSeconds: timeout, periodSeconds: period } = probe;
      if (timeout.value <= period.value) continue;
      ctx.report({
        span: settingSpan(timeout, probe),
        probe: probe.type,
        message: `${describeProbe(probe)} waits up to ${timeout.value}s for an answer but is due every ${period.value}s: kubelet skips checks while one runs, so slow checks come every ${timeout.value}s and the failure window is ${windowText(failureWindow(probe))}, not ${probe.failureThreshold.value * period.value}s`,
      });
    }
  },
});
