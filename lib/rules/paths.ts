/** Path rules of the API server for mounts and projected files, as pure functions (`undefined`: valid). */

/** A path without a '..' element (`validatePathNoBacksteps`; '\' counts as a separator too). */
export function noBacksteps(value: string): string | undefined {
  return value.split(/[/\\]/).includes('..') ? "must not contain '..'" : undefined;
}

/** A relative path that stays below its base (`validateLocalDescendingPath`): a subPath, a subPathExpr. */
export function descendingPath(value: string): string | undefined {
  if (value.startsWith('/')) {
    return 'must be a relative path';
  }
  return noBacksteps(value);
}

/** A file path of a configMap, secret, downwardAPI or projected item (`validateLocalNonReservedPath`): relative, no '..', not starting with '..'. */
export function itemPath(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  return descendingPath(value) ?? (value.startsWith('..') ? "must not start with '..'" : undefined);
}

/** An absolute path without a '..' element (what the library's constructs accept for mount paths). */
export function absolutePath(value: string): string | undefined {
  if (!value.startsWith('/')) {
    return "must be an absolute path (starting with '/')";
  }
  return noBacksteps(value);
}
