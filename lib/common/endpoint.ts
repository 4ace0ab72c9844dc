/** A network endpoint another construct connects to: a stable DNS name and a port. */
export interface Endpoint {
  /** Host name (a Service or pod DNS name). */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

