import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel } from '../common/checks';
import { createNamespaceObject } from '../common/namespace';
import { WordPressProps } from './props';
import { WordPress } from './wordpress';

/** Props of a {@link WordPressChart}: the chart's (namespace, labels) and the WordPress's. */
export interface WordPressChartProps extends ChartProps, WordPressProps {
  /** Namespace of every object (`helm -n`). @default 'wordpress' */
  readonly namespace?: string;
  /**
   * Write the Namespace object first (`--create-namespace`). Set it to `false` when the namespace
   * exists or another chart of the app creates it (e.g. the database's, in the same namespace).
   * @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * One WordPress release as its own chart (one file in `dist/`), as the default app writes it: the
 * Namespace, when `createNamespace` is not false, then a {@link WordPress}.
 */
export class WordPressChart extends Chart {
  /** The Namespace object, unless `createNamespace: false`. */
  public readonly namespaceObject?: k8s.KubeNamespace;
  /** The WordPress. */
  public readonly wordpress: WordPress;

  constructor(scope: Construct, id: string, props: WordPressChartProps = {}) {
    const namespace = props.namespace ?? 'wordpress';
    super(scope, id, { namespace, labels: props.labels, disableResourceNameHashes: props.disableResourceNameHashes });
    checkDnsLabel(this, 'namespace', namespace);
    if (props.createNamespace ?? true) this.namespaceObject = createNamespaceObject(this, namespace);
    this.wordpress = new WordPress(this, 'wordpress', props);
  }
}
