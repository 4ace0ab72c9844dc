import type { Construct } from 'constructs';
import { checkDnsLabel } from '../common/checks';
import { Release } from '../release/release';
import type { ReleaseProps } from '../release/release';
import type { WordPressProps } from './props';
import { WordPress } from './wordpress';

/** Props of a {@link WordPressStack}: the release's (namespace, labels, chart version) and the WordPress's. */
export interface WordPressStackProps extends ReleaseProps, WordPressProps {
  /** Namespace of every object (`helm -n`). @default 'wordpress' */
  readonly namespace?: string;
  /**
   * Create the Namespace in this release (`--create-namespace`). Set it to `false` when the namespace
   * exists or another chart of the app creates it (e.g. the database's, in the same namespace).
   * @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * One WordPress release (a {@link Release}: one file in `dist/`, a Helm chart, a review page, its
 * own secret generator), as the default app writes it: the Namespace, when `createNamespace` is not
 * false, then a {@link WordPress}. The chart id is the release name.
 */
export class WordPressStack extends Release {
  /** The WordPress. */
  public readonly wordpress: WordPress;

  constructor(scope: Construct, id: string, props: WordPressStackProps = {}) {
    const namespace = props.namespace ?? 'wordpress';
    super(scope, id, {
      namespace, labels: props.labels, disableResourceNameHashes: props.disableResourceNameHashes,
      chartVersion: props.chartVersion, appVersion: props.appVersion, createNamespace: props.createNamespace ?? true,
    });
    checkDnsLabel(this, 'namespace', namespace);
    this.wordpress = new WordPress(this, 'wordpress', props);
  }
}
