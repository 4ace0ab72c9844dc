import type { IConstruct } from 'constructs';
import { checkCidr, checkDnsSubdomain, checkHost, checkInteger, checkPort } from '../common/checks';
import { check, InvalidPropError } from '../common/errors';
import { checkSecretRef } from '../common/secret';
import type { SecretKeyRef } from '../common/secret';

/** How Harbor is reached from outside the cluster. */
export type HarborExposureType = 'ingress' | 'clusterIP' | 'nodePort' | 'loadBalancer';

/** A TLS certificate for the external host: a `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`) the operator or cert-manager creates. */
export interface HarborExposureTls {
  /** Name of the TLS Secret in the stack's namespace. */
  readonly secretName: string;
  /**
   * The CA certificate that signed it (harbor-helm `caSecretName`), e.g. key `ca.crt` of the same
   * Secret as cert-manager writes it: core mounts it at `/etc/core/ca/ca.crt`, so the portal offers
   * "Registry Certificate" for download and `/api/v2.0/systeminfo/getcert` serves it.
   * @default - none: Harbor hides the download (getcert answers 404)
   */
  readonly ca?: SecretKeyRef;
}

/** Options of {@link HarborExposure.ingress}. */
export interface HarborIngressExposureOptions {
  /** IngressClass of the controller that serves the Ingress (always written to `spec.ingressClassName`). */
  readonly className: string;
  /** Host names. */
  readonly hosts: {
    /** Host name of the UI, API and registry, e.g. `registry.example.com`. */
    readonly core: string;
  };
  /** Terminate TLS at the Ingress with this certificate. @default - no TLS at the Ingress */
  readonly tls?: HarborExposureTls;
  /**
   * Extra annotations, merged over the defaults (ingress-nginx `proxy-body-size: "0"` so large
   * layers can be pushed, and `ssl-redirect: "true"` with TLS).
   * @default {}
   */
  readonly annotations?: Record<string, string>;
  /**
   * TLS is terminated in front of the Ingress controller (e.g. by a cloud load balancer), so the
   * external URL is `https://` although the Ingress has no TLS section.
   * @default false
   */
  readonly tlsTerminatedUpstream?: boolean;
  /**
   * The port clients reach the Ingress controller on, when it is not the standard one (e.g. the
   * node port of a bare-metal ingress-nginx): the external URL carries it.
   * @default - 443 with `tls`, else 80
   */
  readonly controllerPort?: number;
}

/** Options shared by the exposures that go through Harbor's own nginx proxy. */
export interface HarborNginxExposureOptions {
  /**
   * Host name (or IP) clients use to reach the Service, used to derive `externalURL`.
   * @default - none: set `externalURL` on the stack
   */
  readonly host?: string;
  /** Serve HTTPS from nginx with this certificate (HTTP then redirects to HTTPS). @default - plain HTTP */
  readonly tls?: HarborExposureTls;
  /** TLS is terminated in front of nginx, so the external URL is `https://` although nginx serves HTTP. @default false */
  readonly tlsTerminatedUpstream?: boolean;
  /** Name of the Service. @default - the stack name, e.g. `harbor` */
  readonly serviceName?: string;
  /** Annotations of the Service (e.g. for a cloud load balancer). @default {} */
  readonly annotations?: Record<string, string>;
}

/** Options of {@link HarborExposure.clusterIP}. */
export interface HarborClusterIPExposureOptions extends HarborNginxExposureOptions {
  /** Service port for HTTP. @default 80 */
  readonly httpPort?: number;
  /** Service port for HTTPS (with `tls`). @default 443 */
  readonly httpsPort?: number;
}

/** Options of {@link HarborExposure.nodePort}. */
export interface HarborNodePortExposureOptions extends HarborNginxExposureOptions {
  /** Node port for HTTP. @default 30002 */
  readonly httpPort?: number;
  /** Node port for HTTPS (with `tls`). @default 30003 */
  readonly httpsPort?: number;
}

/** Options of {@link HarborExposure.loadBalancer}. */
export interface HarborLoadBalancerExposureOptions extends HarborNginxExposureOptions {
  /** Service port for HTTP. @default 80 */
  readonly httpPort?: number;
  /** Service port for HTTPS (with `tls`). @default 443 */
  readonly httpsPort?: number;
  /** Client CIDRs the load balancer admits. @default - all */
  readonly sourceRanges?: string[];
}

/** The Service in front of nginx, normalised. */
export interface HarborNginxServiceSpec {
  /** Service type. */
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Service port for HTTP (80 for NodePort, whose node port is `httpNodePort`). */
  readonly httpPort: number;
  /** Service port for HTTPS. */
  readonly httpsPort: number;
  /** Node port for HTTP (NodePort only). */
  readonly httpNodePort?: number;
  /** Node port for HTTPS (NodePort only). */
  readonly httpsNodePort?: number;
  /** Load balancer source ranges. */
  readonly sourceRanges?: readonly string[];
}

/**
 * How Harbor is exposed: an Ingress that routes straight to core and portal, or Harbor's nginx
 * proxy behind a ClusterIP, NodePort or LoadBalancer Service.
 */
export class HarborExposure {
  /** An Ingress: `/api/`, `/service/`, `/v2/` and `/c/` go to core, everything else to portal. No nginx is deployed. */
  public static ingress(options: HarborIngressExposureOptions): HarborExposure {
    return new HarborExposure('ingress', options, undefined);
  }

  /** Harbor's nginx behind a ClusterIP Service (reach it through your own proxy or a port-forward). */
  public static clusterIP(options: HarborClusterIPExposureOptions = {}): HarborExposure {
    return new HarborExposure('clusterIP', undefined, {
      options,
      service: { type: 'ClusterIP', httpPort: options.httpPort ?? 80, httpsPort: options.httpsPort ?? 443 },
    });
  }

  /** Harbor's nginx behind a NodePort Service. */
  public static nodePort(options: HarborNodePortExposureOptions = {}): HarborExposure {
    return new HarborExposure('nodePort', undefined, {
      options,
      service: {
        type: 'NodePort', httpPort: 80, httpsPort: 443,
        httpNodePort: options.httpPort ?? 30002, httpsNodePort: options.httpsPort ?? 30003,
      },
    });
  }

  /** Harbor's nginx behind a LoadBalancer Service. */
  public static loadBalancer(options: HarborLoadBalancerExposureOptions = {}): HarborExposure {
    return new HarborExposure('loadBalancer', undefined, {
      options,
      service: { type: 'LoadBalancer', httpPort: options.httpPort ?? 80, httpsPort: options.httpsPort ?? 443, sourceRanges: options.sourceRanges },
    });
  }

  private constructor(
    /** Kind of exposure. */
    public readonly type: HarborExposureType,
    /** The Ingress options (ingress only). */
    public readonly ingressOptions: HarborIngressExposureOptions | undefined,
    /** The nginx options and Service (all but ingress). */
    public readonly nginx: { readonly options: HarborNginxExposureOptions; readonly service: HarborNginxServiceSpec } | undefined,
  ) {}

  /** Whether Harbor's nginx proxy is deployed. */
  public get usesNginx(): boolean {
    return this.nginx !== undefined;
  }

  /** Whether clients reach Harbor over HTTPS. */
  public get https(): boolean {
    const o = this.ingressOptions ?? this.nginx!.options;
    return o.tls !== undefined || o.tlsTerminatedUpstream === true;
  }

  /** The port clients reach nginx's HTTPS on: the node port with NodePort, else the Service's HTTPS port (nginx exposures only). */
  public get httpsPublicPort(): number {
    const service = this.nginx!.service;
    return service.type === 'NodePort' ? service.httpsNodePort! : service.httpsPort;
  }

  /**
   * The port clients connect to: the Ingress controller's, or nginx's Service or node port for the
   * scheme clients use. Undefined when TLS ends upstream: the port of that load balancer is not known.
   */
  public get clientPort(): number | undefined {
    if (this.ingressOptions) {
      const o = this.ingressOptions;
      return o.tlsTerminatedUpstream ? undefined : o.controllerPort ?? (o.tls ? 443 : 80);
    }
    const { options, service } = this.nginx!;
    if (options.tlsTerminatedUpstream) return undefined;
    if (service.type === 'NodePort') return options.tls ? service.httpsNodePort : service.httpNodePort;
    return options.tls ? service.httpsPort : service.httpPort;
  }

  /** The TLS certificate, when Harbor terminates TLS (at the Ingress or in nginx). */
  public get tls(): HarborExposureTls | undefined {
    return (this.ingressOptions ?? this.nginx!.options).tls;
  }

  /** The host clients use, when known. */
  public get host(): string | undefined {
    return this.ingressOptions?.hosts.core ?? this.nginx?.options.host;
  }

  /** Checks the options, naming `prop` in errors. */
  public check(scope: IConstruct, prop: string): void {
    const ca = this.tls?.ca;
    if (ca !== undefined) checkSecretRef(scope, `${prop}.tls.ca`, ca);
    if (this.ingressOptions) {
      const o = this.ingressOptions;
      checkDnsSubdomain(scope, `${prop}.className`, o.className);
      checkDnsSubdomain(scope, `${prop}.hosts.core`, o.hosts?.core);
      if (o.tls) checkDnsSubdomain(scope, `${prop}.tls.secretName`, o.tls.secretName);
      check(!(o.tls && o.tlsTerminatedUpstream), scope, `${prop}.tlsTerminatedUpstream`, true, 'cannot be combined with tls');
      if (o.controllerPort !== undefined) {
        checkPort(scope, `${prop}.controllerPort`, o.controllerPort);
        check(!o.tlsTerminatedUpstream, scope, `${prop}.controllerPort`, o.controllerPort,
          'cannot be combined with tlsTerminatedUpstream: clients reach the upstream load balancer, whose port is in externalURL');
      }
      return;
    }
    const { options: o, service } = this.nginx!;
    if (o.host !== undefined) checkHost(scope, `${prop}.host`, o.host);
    if (o.tls) checkDnsSubdomain(scope, `${prop}.tls.secretName`, o.tls.secretName);
    check(!(o.tls && o.tlsTerminatedUpstream), scope, `${prop}.tlsTerminatedUpstream`, true, 'cannot be combined with tls');
    if (o.serviceName !== undefined) checkDnsSubdomain(scope, `${prop}.serviceName`, o.serviceName);
    if (service.type === 'NodePort') {
      // The API server only allocates node ports from its --service-node-port-range (30000-32767 by default).
      checkInteger(scope, `${prop}.httpPort`, service.httpNodePort!, 30000, 32767);
      checkInteger(scope, `${prop}.httpsPort`, service.httpsNodePort!, 30000, 32767);
      check(service.httpNodePort !== service.httpsNodePort, scope, `${prop}.httpsPort`, service.httpsNodePort, 'must differ from httpPort');
    } else {
      checkPort(scope, `${prop}.httpPort`, service.httpPort);
      checkPort(scope, `${prop}.httpsPort`, service.httpsPort);
      check(service.httpPort !== service.httpsPort, scope, `${prop}.httpsPort`, service.httpsPort, 'must differ from httpPort');
    }
    (service.sourceRanges ?? []).forEach((range, i) => checkCidr(scope, `${prop}.sourceRanges[${i}]`, range));
  }

  /** The external URL this exposure implies, or undefined when it cannot know the host. */
  public deriveExternalURL(): string | undefined {
    const scheme = this.https ? 'https' : 'http';
    const name = this.host;
    if (name === undefined) return undefined;
    const host = name.includes(':') ? `[${name}]` : name;
    const port = this.clientPort;
    return port === undefined || port === defaultPort(scheme) ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;
  }
}

function defaultPort(scheme: string): number {
  return scheme === 'https' ? 443 : 80;
}

const WHY = 'a wrong externalURL makes every docker login and push fail with 401 Unauthorized';

/**
 * The external URL of the stack: `explicit` after checking it against the exposure, or the one
 * the exposure implies. Errors name `externalURL` and say what it must match.
 */
export function resolveExternalURL(scope: IConstruct, exposure: HarborExposure, explicit: string | undefined): string {
  const derived = exposure.deriveExternalURL();
  if (explicit === undefined) {
    if (derived === undefined) {
      throw new InvalidPropError(scope, 'externalURL', undefined,
        `is required with HarborExposure.${exposure.type}() unless the exposure names a host (HarborExposure.${exposure.type}({ host: ... })); Harbor must know the URL clients use`);
    }
    return derived;
  }
  let url: URL;
  try {
    url = new URL(explicit);
  } catch {
    throw new InvalidPropError(scope, 'externalURL', explicit, 'must be an absolute URL such as "https://registry.example.com"');
  }
  check(url.protocol === 'http:' || url.protocol === 'https:', scope, 'externalURL', explicit, 'must use http:// or https://');
  check(url.username === '' && url.password === '', scope, 'externalURL', explicit, 'must not carry credentials');
  check((url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '', scope, 'externalURL', explicit,
    'must be scheme://host[:port] without a path, query or fragment (Harbor serves at the root of its host)');
  const scheme = url.protocol.slice(0, -1);
  const expectedScheme = exposure.https ? 'https' : 'http';
  const what = exposure.type === 'ingress' ? 'the Ingress' : `HarborExposure.${exposure.type}()`;
  check(scheme === expectedScheme, scope, 'externalURL', explicit,
    `must use ${expectedScheme}:// because ${what} ${exposure.https ? 'serves HTTPS' : 'has no TLS (set tls or tlsTerminatedUpstream for https)'}; ${WHY}`);
  const host = exposure.host;
  const urlHost = url.hostname.replace(/^\[|\]$/g, '');
  if (host !== undefined) {
    check(urlHost === host.toLowerCase(), scope, 'externalURL', explicit,
      `must have the host "${host}" of ${exposure.type === 'ingress' ? 'the Ingress (hosts.core)' : `HarborExposure.${exposure.type}({ host })`}, not "${urlHost}"; ${WHY}`);
  }
  const port = exposure.clientPort;
  const urlPort = url.port === '' ? defaultPort(scheme) : Number(url.port);
  if (port !== undefined) {
    check(urlPort === port, scope, 'externalURL', explicit,
      `must use port ${port}, not ${urlPort}: ${portOwner(exposure)} listens on ${port}, and a token realm on another port points at nothing; ${WHY}${portHint(exposure)}`);
  }
  return `${scheme}://${url.host}`;
}

/** What listens on {@link HarborExposure.clientPort}, in words. */
function portOwner(exposure: HarborExposure): string {
  if (exposure.type === 'ingress') {
    return exposure.ingressOptions!.controllerPort === undefined ? 'the Ingress controller' : 'the Ingress controller (controllerPort)';
  }
  const port = exposure.tls !== undefined ? 'httpsPort' : 'httpPort';
  return exposure.type === 'nodePort' ? `the node port (${port}) of HarborExposure.nodePort()` : `the Service (${port}) of HarborExposure.${exposure.type}()`;
}

/** How to say that the Ingress controller listens elsewhere. */
function portHint(exposure: HarborExposure): string {
  return exposure.type === 'ingress' && exposure.ingressOptions!.controllerPort === undefined
    ? ' (if your Ingress controller listens on another port, set HarborExposure.ingress({ controllerPort }))'
    : '';
}

