import { Finding } from '../problem';
import { KubernetesVersion } from '../versions';

/** Runs the API server's per-object rules over `objects`, appending to `findings`. */
export function addApiServerFindings(objects: readonly any[], version: KubernetesVersion, findings: Finding[]): void {
  void objects; void version; void findings;
}
