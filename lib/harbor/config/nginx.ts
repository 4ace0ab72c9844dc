import { HARBOR_PORTS } from '../context';
import type { HarborContext } from '../context';

/** Where nginx finds the TLS Secret's `tls.crt` and `tls.key`. */
export const NGINX_CERT_DIR = '/etc/nginx/cert';

/** The temp paths and pid file of an nginx that runs as a non-root user. */
const NON_ROOT_PATHS = [
  'client_body_temp_path /tmp/client_body_temp;',
  'proxy_temp_path /tmp/proxy_temp;',
  'fastcgi_temp_path /tmp/fastcgi_temp;',
  'uwsgi_temp_path /tmp/uwsgi_temp;',
  'scgi_temp_path /tmp/scgi_temp;',
];

function listen(ctx: HarborContext, port: number, ssl = false): string[] {
  const suffix = ssl ? ' ssl' : '';
  return [`listen ${port}${suffix};`, ...(ctx.listenIPv6 ? [`listen [::]:${port}${suffix};`] : [])];
}

function indent(lines: readonly string[], depth: number): string[] {
  return lines.map(l => (l ? '  '.repeat(depth) + l : l));
}

/** The portal's `nginx.conf`: serves the UI's static files on port 8080. */
export function portalNginxConf(ctx: HarborContext): string {
  return [
    'worker_processes auto;',
    'pid /tmp/nginx.pid;',
    'events {',
    '  worker_connections 1024;',
    '}',
    'http {',
    ...indent(NON_ROOT_PATHS, 1),
    '  server {',
    ...indent(listen(ctx, HARBOR_PORTS.portal), 2),
    '    server_name localhost;',
    '    root /usr/share/nginx/html;',
    '    index index.html index.htm;',
    '    include /etc/nginx/mime.types;',
    '    gzip on;',
    '    gzip_min_length 1000;',
    '    gzip_proxied expired no-cache no-store private auth;',
    '    gzip_types text/plain text/css application/json',
    '      application/javascript application/x-javascript text/javascript',
    '      text/xml application/xml application/xml+rss;',
    '    location /devcenter-api-2.0 {',
    '      try_files $uri $uri/ /swagger-ui-index.html;',
    '    }',
    '    location / {',
    '      try_files $uri $uri/ /index.html;',
    '    }',
    '    location = /index.html {',
    '      add_header Cache-Control "no-store, no-cache, must-revalidate";',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * The server that answers plain HTTP with a redirect to HTTPS on the port clients reach HTTPS on
 * (a NodePort such as 30003, or a load balancer's port): nginx's `$host` carries no port, so
 * `https://$host$request_uri` alone would send a NodePort client to 443, where nothing listens.
 */
export function httpsRedirectServer(listenPort: number, httpsPublicPort: number, ipv6: boolean): string[] {
  const port = httpsPublicPort === 443 ? '' : `:${httpsPublicPort}`;
  return [
    'server {',
    `  listen ${listenPort};`,
    ...(ipv6 ? [`  listen [::]:${listenPort};`] : []),
    `  return 301 https://$host${port}$request_uri;`,
    '}',
  ];
}

/** Paths nginx proxies to core; everything else goes to the portal. */
export const CORE_PATHS = ['/api/', '/service/', '/v2/', '/c/'] as const;

/**
 * The `nginx.conf` of Harbor's proxy (exposures other than Ingress): `/api/`, `/service/`, `/v2/`
 * and `/c/` to core, the rest to the portal, no body size limit, HTTPS on 8443 with `tls`
 * (HTTP on 8080 then redirects to `httpsPublicPort`, the port clients use for HTTPS).
 */
export function proxyNginxConf(ctx: HarborContext, tls: boolean, httpsPublicPort: number): string {
  const core = `${ctx.serviceHost(ctx.names.core)}:${HARBOR_PORTS.core}`;
  const portal = `${ctx.serviceHost(ctx.names.portal)}:${HARBOR_PORTS.portal}`;
  const forwarded = [
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $x_forwarded_proto;',
    'proxy_buffering off;',
    'proxy_request_buffering off;',
  ];
  const location = (path: string, upstream: string, extra: string[] = []) => [
    `location ${path} {`,
    `  proxy_pass http://${upstream}${path};`,
    '  proxy_set_header Host $http_host;',
    ...indent([...forwarded, ...extra], 1),
    '}',
  ];
  const cookie = (flags: string) => (tls ? [`proxy_cookie_path / "/; ${flags}";`] : []);
  const mainServer = [
    'server {',
    ...indent(tls ? listen(ctx, HARBOR_PORTS.nginxHttps, true) : listen(ctx, HARBOR_PORTS.nginxHttp), 1),
    '  server_tokens off;',
    ...(tls ? indent([
      `ssl_certificate ${NGINX_CERT_DIR}/tls.crt;`,
      `ssl_certificate_key ${NGINX_CERT_DIR}/tls.key;`,
      'ssl_protocols TLSv1.2 TLSv1.3;',
      'ssl_prefer_server_ciphers on;',
      'ssl_session_cache shared:SSL:10m;',
      'add_header Strict-Transport-Security',
      '  "max-age=31536000; includeSubdomains; preload";',
    ], 1) : []),
    '  # no limit: image layers can be gigabytes',
    '  client_max_body_size 0;',
    '  chunked_transfer_encoding on;',
    '  add_header X-Frame-Options DENY;',
    '  add_header Content-Security-Policy "frame-ancestors \'none\'";',
    ...indent(location('/', 'portal', cookie('HttpOnly; Secure')), 1),
    ...indent(location('/api/', 'core', cookie('Secure')), 1),
    ...indent(location('/c/', 'core', cookie('Secure')), 1),
    ...indent(location('/v2/', 'core', ['proxy_send_timeout 900;', 'proxy_read_timeout 900;']), 1),
    ...indent(location('/service/', 'core', cookie('Secure')), 1),
    '  location /v1/ {',
    '    return 404;',
    '  }',
    '  location /service/notifications {',
    '    return 404;',
    '  }',
    '}',
  ];
  const redirectServer = tls ? httpsRedirectServer(HARBOR_PORTS.nginxHttp, httpsPublicPort, ctx.listenIPv6) : [];
  return [
    'worker_processes auto;',
    'pid /tmp/nginx.pid;',
    'events {',
    '  worker_connections 3096;',
    '  use epoll;',
    '  multi_accept on;',
    '}',
    'http {',
    ...indent(NON_ROOT_PATHS, 1),
    '  tcp_nodelay on;',
    '  # needed to turn request buffering off',
    '  proxy_http_version 1.1;',
    '  upstream core {',
    `    server ${core};`,
    '  }',
    '  upstream portal {',
    `    server ${portal};`,
    '  }',
    '  log_format timed_combined',
    '    \'[$time_local]:$remote_addr - "$request" $status $body_bytes_sent \'',
    '    \'"$http_referer" "$http_user_agent" \'',
    '    \'$request_time $upstream_response_time $pipe\';',
    '  access_log /dev/stdout timed_combined;',
    '  map $http_x_forwarded_proto $x_forwarded_proto {',
    '    default $http_x_forwarded_proto;',
    '    "" $scheme;',
    '  }',
    ...indent(mainServer, 1),
    ...indent(redirectServer, 1),
    '}',
    '',
  ].join('\n');
}
