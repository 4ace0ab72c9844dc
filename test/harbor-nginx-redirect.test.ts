import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { HarborExposure, HarborStack } from '../lib/harbor';
import { httpsRedirectServer } from '../lib/harbor/config/nginx';
import { find } from './support/manifests';
import { testWith } from './support/tools';

// Harbor's nginx answers plain HTTP with a redirect to HTTPS on the port clients use for HTTPS.
// The server block the stack writes runs here in Debian's nginx on a free loopback port.


/** The nginx.conf of a stack with this exposure. */
function nginxConf(exposure: HarborExposure): string {
  const stack = new HarborStack(Testing.app(), 'harbor', { exposure });
  return find(stack.toJson(), 'ConfigMap', 'harbor-nginx-config').data['nginx.conf'];
}

test.each([
  ['NodePort', HarborExposure.nodePort({ host: 'node1.example.com', tls: { secretName: 'tls' } }), 30003],
  ['NodePort, own ports', HarborExposure.nodePort({ host: 'node1.example.com', tls: { secretName: 'tls' }, httpPort: 31080, httpsPort: 31443 }), 31443],
  ['LoadBalancer on 8443', HarborExposure.loadBalancer({ host: 'harbor.example.com', tls: { secretName: 'tls' }, httpsPort: 8443 }), 8443],
  ['LoadBalancer on 443', HarborExposure.loadBalancer({ host: 'harbor.example.com', tls: { secretName: 'tls' } }), 443],
])('%s: the HTTP server of nginx.conf redirects to the HTTPS port clients use', (_name, exposure, port) => {
  const expected = httpsRedirectServer(8080, port, true).map(l => `  ${l}`).join('\n');
  expect(nginxConf(exposure)).toContain(expected);
  expect(expected).toContain(port === 443 ? 'return 301 https://$host$request_uri;' : `return 301 https://$host:${port}$request_uri;`);
});

async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function get(port: number, host: string, pathAndQuery: string): Promise<{ status?: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { Host: host } }, res => {
      res.resume();
      resolve({ status: res.statusCode, location: res.headers.location });
    }).on('error', reject);
  });
}

testWith('nginx')('real nginx: http://node:30002/... redirects to https://node:30003/... (path and query kept); 443 needs no port', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harbor-nginx-'));
  const [nodePortListen, lbListen] = [await freePort(), await freePort()];
  const indent = (lines: string[]) => lines.map(l => `  ${l}`).join('\n');
  fs.writeFileSync(path.join(dir, 'nginx.conf'), [
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
    indent(httpsRedirectServer(nodePortListen, 30003, false)),
    indent(httpsRedirectServer(lbListen, 443, false)),
    '}',
  ].join('\n'));
  const nginx = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], { stdio: 'ignore' });
  try {
    let r: { status?: number; location?: string } | undefined;
    for (let i = 0; i < 100 && !r; i++) {
      r = await get(nodePortListen, 'node1.example.com:30002', '/v2/library/app/manifests/1.0?x=1').catch(() => undefined);
      if (!r) await new Promise(res => setTimeout(res, 50));
    }
    expect(r).toEqual({ status: 301, location: 'https://node1.example.com:30003/v2/library/app/manifests/1.0?x=1' });
    expect(await get(lbListen, 'harbor.example.com', '/api/v2.0/ping')).toEqual({ status: 301, location: 'https://harbor.example.com/api/v2.0/ping' });
  } finally {
    nginx.kill('SIGTERM');
    await new Promise(res => nginx.once('exit', res));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
