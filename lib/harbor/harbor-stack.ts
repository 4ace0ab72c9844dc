import type { Construct } from 'constructs';
import { checkDnsLabel } from '../common/checks';
import { recommendedLabels } from '../common/labels';
import { Release } from '../release/release';
import type { ReleaseProps } from '../release/release';
import { DEFAULT_HARBOR_VERSION, Harbor } from './harbor';
import type { HarborProps } from './props';

/** Props of a {@link HarborStack}: the release's (namespace, labels, chart version) and the Harbor's. */
export interface HarborStackProps extends ReleaseProps, HarborProps {
  /** Namespace of every object (`helm -n`). @default 'harbor' */
  readonly namespace?: string;
  /** Create the Namespace in this release (`--create-namespace`); `false` when it exists or another chart creates it. @default true */
  readonly createNamespace?: boolean;
}

/**
 * One Harbor release (a {@link Release}: one file in `dist/`, a Helm chart, a review page, its own
 * secret generator), as the default app writes it: the Namespace, unless `createNamespace: false`,
 * then a {@link Harbor}. The chart id is the release name.
 */
export class HarborStack extends Release {
  /** The Harbor. */
  public readonly harbor: Harbor;

  constructor(scope: Construct, id: string, props: HarborStackProps) {
    const namespace = props.namespace ?? 'harbor';
    super(scope, id, {
      namespace, labels: props.labels, disableResourceNameHashes: props.disableResourceNameHashes,
      chartVersion: props.chartVersion, appVersion: props.appVersion, createNamespace: props.createNamespace ?? true,
    });
    checkDnsLabel(this, 'namespace', namespace);
    const labels = recommendedLabels({ name: 'harbor', instance: props.name ?? 'harbor', partOf: 'harbor', version: props.version ?? DEFAULT_HARBOR_VERSION });
    for (const [key, value] of Object.entries(labels)) this.namespaceObject?.metadata.addLabel(key, value);
    this.harbor = new Harbor(this, 'harbor', props);
  }
}
