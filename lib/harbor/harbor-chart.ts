import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel } from '../common/checks';
import { recommendedLabels } from '../common/labels';
import { createNamespaceObject } from '../common/namespace';
import { DEFAULT_HARBOR_VERSION, Harbor } from './harbor';
import { HarborProps } from './props';

/** Props of a {@link HarborChart}: the chart's (namespace, labels) and the Harbor's. */
export interface HarborChartProps extends ChartProps, HarborProps {
  /** Namespace of every object (`helm -n`). @default 'harbor' */
  readonly namespace?: string;
  /** Write the Namespace object first (`--create-namespace`); `false` when it exists or another chart creates it. @default true */
  readonly createNamespace?: boolean;
}

/**
 * One Harbor release as its own chart (one file in `dist/`), as the default app writes it: the
 * Namespace, unless `createNamespace: false`, then a {@link Harbor}.
 */
export class HarborChart extends Chart {
  /** The Namespace object, unless `createNamespace: false`. */
  public readonly namespaceObject?: k8s.KubeNamespace;
  /** The Harbor. */
  public readonly harbor: Harbor;

  constructor(scope: Construct, id: string, props: HarborChartProps) {
    const namespace = props.namespace ?? 'harbor';
    super(scope, id, { namespace, labels: props.labels, disableResourceNameHashes: props.disableResourceNameHashes });
    checkDnsLabel(this, 'namespace', namespace);
    if (props.createNamespace ?? true) {
      this.namespaceObject = createNamespaceObject(this, namespace,
        recommendedLabels({ name: 'harbor', instance: props.name ?? 'harbor', partOf: 'harbor', version: props.version ?? DEFAULT_HARBOR_VERSION }));
    }
    this.harbor = new Harbor(this, 'harbor', props);
  }
}
