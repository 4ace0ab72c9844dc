import type { IConstruct } from 'constructs';

/** Which of the two a {@link Backend} is: a bundled server the construct deploys, or an existing one it connects to. */
export type BackendKind = 'builtIn' | 'external';

/**
 * The one shape of every backend choice of this library (`WordPressDatabase`, `HarborDatabase`,
 * `HarborRedis`): built in, with the options of the bundled server, or external, with a connection
 * handle and the options of the connection. Each subclass has `builtIn(options)` and
 * `external(handle, options)` and checks itself with {@link check}.
 */
export abstract class Backend<BuiltInOptions, Handle, ExternalOptions> {
  protected constructor(
    /** Options of the bundled server (builtIn only). */
    public readonly builtInOptions: BuiltInOptions | undefined,
    /** The connection handle (external only). */
    public readonly handle: Handle | undefined,
    /** Options of the external connection. */
    public readonly externalOptions: ExternalOptions,
  ) {}

  /** Whether the bundled server is deployed. */
  public get isBuiltIn(): boolean {
    return this.builtInOptions !== undefined;
  }

  /** Which of the two this is. */
  public get kind(): BackendKind {
    return this.isBuiltIn ? 'builtIn' : 'external';
  }

  /** Checks the options and the handle, naming `prop` of `scope` in errors (e.g. `database` of the WordPress). */
  public abstract check(scope: IConstruct, prop: string): void;
}
