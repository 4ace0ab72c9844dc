import { podOptionsOf } from '../../common/placement';
import { k8s } from 'cdk8s-plus-28';
import { recommendedLabels } from '../../common/labels';
import { Probe } from '../../common/probe';
import { AppVolume } from '../../common/volume';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import { CORE_PATHS, NGINX_CERT_DIR, proxyNginxConf } from '../config/nginx';
import { CONTAINER_SECURITY, HARBOR_POD_SECURITY, HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';
import type { HarborExposure } from '../exposure';
import type { HarborComponentOptions } from '../props';

/** Harbor's nginx proxy and the Service in front of it. */
export interface NginxComponent {
  /** The nginx Deployment. */
  readonly app: DeploymentApp;
  /** The ClusterIP, NodePort or LoadBalancer Service. */
  readonly service: k8s.KubeService;
}

function exposureLabels(ctx: HarborContext, component: string): Record<string, string> {
  return recommendedLabels({ name: 'harbor', instance: ctx.name, component, partOf: 'harbor', version: ctx.version });
}

/** Harbor's nginx proxy (`goharbor/nginx-photon`) behind the exposure's Service. */
export function createNginx(ctx: HarborContext, exposure: HarborExposure, options: HarborComponentOptions): NginxComponent {
  const component = 'nginx';
  const { options: o, service: spec } = exposure.nginx!;
  const tls = o.tls !== undefined;
  if (tls) ctx.secrets.useWhole(o.tls!.secretName, ['tls.crt', 'tls.key'], component, 'TLS certificate and key of the external host (kubernetes.io/tls)');
  const probePort = tls ? 'https' : 'http';
  const probeTiming = { periodSeconds: 10, ...(tls ? { scheme: 'HTTPS' as const } : {}) };
  const app = new DeploymentApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.nginx,
    ...ctx.labels(component),
    replicas: options.replicas ?? 1,
    service: false,
    configMaps: [{ name: 'config', files: { 'nginx.conf': proxyNginxConf(ctx, tls, exposure.httpsPublicPort) } }],
    volumes: tls ? [AppVolume.secret('certificate', o.tls!.secretName)] : [],
    container: {
      name: component,
      image: ctx.image('nginx-photon'),
      ports: [
        { name: 'http', port: HARBOR_PORTS.nginxHttp },
        ...(tls ? [{ name: 'https', port: HARBOR_PORTS.nginxHttps }] : []),
      ],
      volumeMounts: [
        { volume: 'config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
        ...(tls ? [{ volume: 'certificate', mountPath: NGINX_CERT_DIR, readOnly: true }] : []),
      ],
      // Liveness stays local: '/' is proxied to the portal, whose outage must not restart nginx.
      livenessProbe: Probe.tcp(probePort, { periodSeconds: 10 }),
      readinessProbe: Probe.http('/', probePort, probeTiming),
      resources: options.resources ?? { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '256Mi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: HARBOR_POD_SECURITY,
  });
  const ports: k8s.ServicePort[] = [{
    name: 'http', port: spec.httpPort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP', nodePort: spec.httpNodePort,
  }];
  if (tls) {
    ports.push({ name: 'https', port: spec.httpsPort, targetPort: k8s.IntOrString.fromString('https'), protocol: 'TCP', nodePort: spec.httpsNodePort });
  }
  const service = new k8s.KubeService(ctx.scope, 'exposure-service', {
    metadata: {
      name: o.serviceName ?? ctx.name,
      labels: exposureLabels(ctx, component),
      annotations: o.annotations && Object.keys(o.annotations).length ? o.annotations : undefined,
    },
    spec: {
      type: spec.type,
      selector: app.selectorLabels,
      ports,
      loadBalancerSourceRanges: spec.sourceRanges?.length ? [...spec.sourceRanges] : undefined,
    },
  });
  return { app, service };
}

/**
 * The Ingress: `/api/`, `/service/`, `/v2/` and `/c/` to core's Service, `/` to portal's, all
 * `pathType: Prefix`, with the IngressClass always set.
 */
export function createIngress(ctx: HarborContext, exposure: HarborExposure): k8s.KubeIngress {
  const o = exposure.ingressOptions!;
  if (o.tls) ctx.secrets.useWhole(o.tls.secretName, ['tls.crt', 'tls.key'], 'ingress', 'TLS certificate and key of the external host (kubernetes.io/tls)');
  const defaults: Record<string, string> = {
    'nginx.ingress.kubernetes.io/proxy-body-size': '0',
    ...(o.tls ? { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' } : {}),
  };
  const backend = (service: string, port: number): k8s.IngressBackend => ({ service: { name: service, port: { number: port } } });
  const path = (p: string, service: string, port: number): k8s.HttpIngressPath => ({ path: p, pathType: 'Prefix', backend: backend(service, port) });
  return new k8s.KubeIngress(ctx.scope, 'ingress', {
    metadata: { name: ctx.names.ingress, labels: exposureLabels(ctx, 'ingress'), annotations: { ...defaults, ...(o.annotations ?? {}) } },
    spec: {
      ingressClassName: o.className,
      tls: o.tls ? [{ secretName: o.tls.secretName, hosts: [o.hosts.core] }] : undefined,
      rules: [{
        host: o.hosts.core,
        http: {
          paths: [
            ...CORE_PATHS.map(p => path(p, ctx.names.core, HARBOR_PORTS.core)),
            path('/', ctx.names.portal, HARBOR_PORTS.portal),
          ],
        },
      }],
    },
  });
}
