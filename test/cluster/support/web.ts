/**
 * HTTP requests from this machine with a method, a form body and the headers a browser sends
 * (Host, Cookie), for the WordPress checks; redirects are never followed, so a check sees them.
 */
import * as http from 'http';

/** An HTTP answer. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The Set-Cookie names of the answer. */
  readonly cookieNames: string[];
  /** Name=value pairs of the Set-Cookie headers, for a later Cookie header (never printed). */
  readonly cookies: string;
}

/** A request to `url`; `form` is sent url-encoded as a POST. */
export function request(url: string, options: { headers?: Record<string, string>; form?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body === undefined ? 'GET' : 'POST', headers, timeout: options.timeoutMs ?? 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const set = res.headers['set-cookie'] ?? [];
        const pairs = set.map((c) => c.split(';')[0]);
        resolve({
          status: res.statusCode ?? 0,
          body: text,
          headers: res.headers,
          cookieNames: pairs.map((p) => p.split('=')[0]),
          cookies: pairs.join('; '),
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
