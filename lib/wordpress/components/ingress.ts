import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { DeploymentApp } from '../../deployment-app/deployment-app';
import type { WordPressIngress } from '../settings';

/** The Ingress `ingress` of `scope`, named `name`, in front of the site's Service. */
export function createWordPressIngress(scope: Construct, name: string, opts: WordPressIngress, site: DeploymentApp): k8s.KubeIngress {
  const annotations = opts.annotations;
  return new k8s.KubeIngress(scope, 'ingress', {
    metadata: { name, labels: site.labels, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: {
      ingressClassName: opts.className,
      tls: opts.tlsSecretName ? [{ hosts: [opts.host], secretName: opts.tlsSecretName }] : undefined,
      rules: [{
        host: opts.host,
        http: {
          paths: [{
            path: opts.path,
            pathType: opts.pathType,
            backend: { service: { name: site.service!.name, port: { name: 'http' } } },
          }],
        },
      }],
    },
  });
}
