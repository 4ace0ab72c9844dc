import { k8s } from 'cdk8s-plus-28';

/** Options of a `RollingUpdate` StatefulSet update. */
export interface RollingUpdateOptions {
  /**
   * Only pods with an ordinal >= partition are updated; lower ones keep the old revision. Use it
   * for canaries: update the replicas first, the primary (ordinal 0) last. @default 0
   */
  readonly partition?: number;
  /**
   * Pods that may be unavailable at once during the update: a number or a percentage such as
   * `"25%"`. Only where the feature gate `MaxUnavailableStatefulSet` is on by default (Kubernetes 1.37;
   * off in 1.36 and from 1.35.4, and a server with default gates drops the field): rejected when the
   * context `cdk8s-stateful:kubernetesVersion` names a release where it is off.
   * @default - Kubernetes default (1)
   */
  readonly maxUnavailable?: number | string;
}

/** How a StatefulSet replaces its pods when the pod template changes. */
export class StatefulSetUpdateStrategy {
  /** Replace pods automatically, from the highest ordinal down. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): StatefulSetUpdateStrategy {
    return new StatefulSetUpdateStrategy('RollingUpdate', options);
  }

  /** Replace a pod only when someone deletes it: full manual control, as databases often want. */
  public static onDelete(): StatefulSetUpdateStrategy {
    return new StatefulSetUpdateStrategy('OnDelete', {});
  }

  private constructor(
    /** `RollingUpdate` or `OnDelete`. */
    public readonly type: 'RollingUpdate' | 'OnDelete',
    /** Rolling update options (empty for OnDelete). */
    public readonly options: RollingUpdateOptions,
  ) {}

  /** Renders the strategy. */
  public toStrategy(): k8s.StatefulSetUpdateStrategy {
    if (this.type === 'OnDelete') return { type: 'OnDelete' };
    const { partition, maxUnavailable } = this.options;
    const rollingUpdate = partition === undefined && maxUnavailable === undefined ? undefined : {
      partition,
      maxUnavailable: maxUnavailable === undefined ? undefined
        : typeof maxUnavailable === 'number' ? k8s.IntOrString.fromNumber(maxUnavailable) : k8s.IntOrString.fromString(maxUnavailable),
    };
    return { type: 'RollingUpdate', rollingUpdate };
  }
}
