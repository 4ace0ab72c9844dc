/** A network endpoint another construct connects to: a stable DNS name and a port. */
export interface Endpoint {
  /** Host name (a Service or pod DNS name). */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/** `host:port` form of an endpoint. */
export function endpointAddress(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
