/**
 * A user's construct on the library's base: a 3-node ZooKeeper ensemble whose members list every
 * peer, as `server.<id>=<pod DNS name>:2888:3888;2181` entries known before the StatefulApp exists.
 * `publishNotReadyAddresses` lets the members find each other before they are ready (they become
 * ready only once a quorum has formed), and `Parallel` starts them together for the same reason.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvValue, Probe, StatefulApp } from '../lib';

/** Props of {@link Ensemble}. */
export interface EnsembleProps {
  /** Members; an odd number keeps a majority through one failure. @default 3 */
  readonly members?: number;
  /** ZooKeeper image. @default 'zookeeper:3.9.3' */
  readonly image?: string;
}

/** A ZooKeeper ensemble: every member's config lists all peers. */
export class Ensemble extends StatefulApp {
  /** The peer entries every member's config holds. */
  public readonly peers: readonly string[];

  constructor(scope: Construct, id: string, props: EnsembleProps = {}) {
    const members = props.members ?? 3;
    const namespace = Chart.of(scope).namespace;
    const peers = Array.from({ length: members }, (_, n) =>
      `server.${n + 1}=${StatefulApp.podDnsName({ name: id, ordinal: n, namespace })}:2888:3888;2181`);
    super(scope, id, {
      replicas: members,
      podManagementPolicy: 'Parallel',
      appName: 'zookeeper',
      component: 'coordination',
      container: {
        name: 'zookeeper',
        image: props.image ?? 'zookeeper:3.9.3',
        env: {
          ZOO_SERVERS: EnvValue.fromValue(peers.join(' ')),
          ZOO_CFG_EXTRA: EnvValue.fromValue('quorumListenOnAllIPs=true'),
        },
        ports: [{ name: 'client', port: 2181 }, { name: 'peer', port: 2888 }, { name: 'election', port: 3888 }],
        readinessProbe: Probe.tcp('client', { periodSeconds: 5 }),
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      },
      volumeClaims: [{ name: 'data', size: '1Gi', mountPath: '/data' }],
      headlessService: { publishNotReadyAddresses: true },
      clientService: { name: `${id}-client`, ports: ['client'] },
      disruptionBudget: { maxUnavailable: 1 },
      antiAffinity: 'hard',
    });
    this.peers = peers;
  }
}

/** The example app: a 3-node ensemble in its own namespace. */
export function buildEnsembleApp(app: App = new App()): App {
  const chart = new Chart(app, 'coordination', { namespace: 'zk' });
  new Ensemble(chart, 'zk');
  return app;
}
