/**
 * A `kubectl get --watch` of pods running in the background, recording the order in which pods
 * were added, became Ready and were deleted: the order a user sees, exact where timestamps are
 * only to the second.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { cluster } from './kube';

/** One watch event of a pod. */
export interface PodEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly pod: string;
  readonly ready: boolean;
}

/** A running watch of the pods a selector picks. */
export class PodWatch {
  readonly events: PodEvent[] = [];
  private readonly child: ChildProcess;
  private buffer = '';

  constructor(namespace: string, selector: string) {
    const template = '{.type} {.object.metadata.name} {.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}';
    this.child = spawn(path.join(cluster().KUBERNETES_BIN, 'kubectl'), [
      '-n', namespace, 'get', 'pods', '-l', selector, '--watch', '--output-watch-events', '-o', `jsonpath=${template}`,
    ], { env: { ...process.env, KUBECONFIG: cluster().KUBECONFIG }, stdio: ['ignore', 'pipe', 'ignore'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [type, pod, ready] = line.trim().split(' ');
        if (type && pod) this.events.push({ type: type as PodEvent['type'], pod, ready: ready === 'True' });
      }
    });
  }

  /** Index of the first event matching, or -1. */
  indexOf(match: (e: PodEvent) => boolean): number {
    return this.events.findIndex(match);
  }

  /** Index of the first event that shows `pod` Ready, or -1. */
  firstReady(pod: string): number {
    return this.indexOf((e) => e.pod === pod && e.ready && e.type !== 'DELETED');
  }

  /** Index of the event that added `pod`, or -1. */
  added(pod: string): number {
    return this.indexOf((e) => e.pod === pod && e.type === 'ADDED');
  }

  /** Index of the event that deleted `pod`, or -1. */
  deleted(pod: string): number {
    return this.indexOf((e) => e.pod === pod && e.type === 'DELETED');
  }

  /** The events so far, one a line, for an error message. */
  toString(): string {
    return this.events.map((e) => `${e.type} ${e.pod}${e.ready ? ' Ready' : ''}`).join('\n');
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
