import { k8s } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { checkInteger } from './checks';
import { check } from './errors';

/** Timing of a probe. Kubernetes defaults apply to every field left unset. */
export interface ProbeTiming {
  /** Seconds after the container starts before the first probe. @default 0 */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. @default 10 */
  readonly periodSeconds?: number;
  /** Seconds after which one probe times out. @default 1 */
  readonly timeoutSeconds?: number;
  /** Consecutive failures that count as failed. @default 3 */
  readonly failureThreshold?: number;
  /** Consecutive successes that count as passed (must be 1 for liveness and startup). @default 1 */
  readonly successThreshold?: number;
}

/** A liveness, readiness or startup probe. */
export class Probe {
  /** Runs a command in the container; exit code 0 passes. Prefer a script file over an inline shell. */
  public static exec(command: string[], timing: ProbeTiming = {}): Probe {
    return new Probe({ exec: { command } }, timing);
  }

  /** Opens a TCP connection to a port (number or container port name). */
  public static tcp(port: number | string, timing: ProbeTiming = {}): Probe {
    return new Probe({ tcpSocket: { port: intOrString(port) } }, timing);
  }

  /** Issues an HTTP GET (with `headers`, if any); 200-399 passes. */
  public static http(path: string, port: number | string,
    timing: ProbeTiming & { scheme?: 'HTTP' | 'HTTPS'; headers?: Record<string, string> } = {}): Probe {
    const { scheme, headers, ...rest } = timing;
    const httpHeaders = headers ? Object.entries(headers).map(([name, value]) => ({ name, value })) : undefined;
    return new Probe({ httpGet: { path, port: intOrString(port), ...(scheme ? { scheme } : {}), ...(httpHeaders ? { httpHeaders } : {}) } }, rest);
  }

  private constructor(private readonly action: k8s.Probe, public readonly timing: ProbeTiming) {}

  /** The port an HTTP or TCP probe connects to (a number or a container port name); undefined for exec. */
  public get port(): number | string | undefined {
    return (this.action.httpGet ?? this.action.tcpSocket)?.port.value;
  }

  /** The command of an exec probe; undefined for HTTP and TCP probes. */
  public get command(): readonly string[] | undefined {
    return this.action.exec?.command;
  }

  /** Renders the probe. */
  public toProbe(): k8s.Probe {
    return { ...this.action, ...this.timing };
  }
}

function intOrString(port: number | string): k8s.IntOrString {
  return typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port);
}

/** The kinds of probe a container has. */
export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/**
 * Checks a probe as the API server does: an exec probe runs a command, timings are whole numbers
 * (initialDelaySeconds from 0, the others from 1), and a liveness or startup probe passes on one success.
 */
export function checkProbe(scope: IConstruct, prop: string, kind: ProbeKind, probe: Probe): void {
  const command = probe.command;
  check(command === undefined || command.length > 0, scope, `${prop}.command`, command, 'must name a command to run: an exec probe without one never passes');
  const t = probe.timing;
  if (t.initialDelaySeconds !== undefined) checkInteger(scope, `${prop}.initialDelaySeconds`, t.initialDelaySeconds, 0);
  for (const field of ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
    if (t[field] !== undefined) checkInteger(scope, `${prop}.${field}`, t[field]!, 1);
  }
  if (kind !== 'readinessProbe' && t.successThreshold !== undefined) {
    check(t.successThreshold === 1, scope, `${prop}.successThreshold`, t.successThreshold,
      `must be 1 for a ${kind === 'livenessProbe' ? 'liveness' : 'startup'} probe: one success already counts as passed`);
  }
}
