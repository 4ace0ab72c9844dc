import { podOptionsOf } from '../../common/placement';
import { Probe } from '../../common/probe';
import { DeploymentApp } from '../../deployment-app/deployment-app';
import { portalNginxConf } from '../config/nginx';
import { CONTAINER_SECURITY, HARBOR_POD_SECURITY, HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';
import type { HarborComponentOptions } from '../props';

/** Portal: the web UI's static files, served by nginx on port 8080. */
export function createPortal(ctx: HarborContext, options: HarborComponentOptions): DeploymentApp {
  const component = 'portal';
  return new DeploymentApp(ctx.scope, component, {
    ...podOptionsOf(options),
    name: ctx.names.portal,
    ...ctx.labels(component),
    replicas: options.replicas ?? 1,
    configMaps: [{ name: 'config', files: { 'nginx.conf': portalNginxConf(ctx) } }],
    container: {
      name: component,
      image: ctx.image('harbor-portal'),
      ports: [{ name: 'http', port: HARBOR_PORTS.portal }],
      volumeMounts: [{ volume: 'config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true }],
      livenessProbe: Probe.http('/', 'http', { periodSeconds: 10 }),
      readinessProbe: Probe.http('/', 'http', { periodSeconds: 10 }),
      resources: options.resources ?? { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      securityContext: CONTAINER_SECURITY,
    },
    podSecurity: HARBOR_POD_SECURITY,
  });
}
