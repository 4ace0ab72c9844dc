import type { IConstruct } from 'constructs';
import { InvalidPropError } from './errors';

/**
 * Context key that points every image the library pins by default at one registry, for air-gapped
 * clusters: e.g. `'registry.internal:5000/mirror'` makes `mariadb:11.8.8` `registry.internal:5000/mirror/mariadb:11.8.8`
 * and `goharbor/harbor-core:v2.15.2` `registry.internal:5000/mirror/goharbor/harbor-core:v2.15.2` (the
 * image's own registry host, if it names one, is replaced; its repository path and tag are kept). Set it
 * on the app (or on a scope before its constructs are added). An image given in a prop is used as given.
 */
export const IMAGE_REGISTRY_CONTEXT = 'cdk8s-stateful:imageRegistry';

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/** `image`, a default the library pins, from the registry of {@link IMAGE_REGISTRY_CONTEXT} when the context at `scope` sets one. */
export function imageFromRegistry(scope: IConstruct, image: string): string {
  const registry: unknown = scope.node.tryGetContext(IMAGE_REGISTRY_CONTEXT);
  if (registry === undefined) return image;
  if (typeof registry !== 'string' || !REGISTRY.test(registry)) {
    throw new InvalidPropError(scope, `context ${IMAGE_REGISTRY_CONTEXT}`, registry,
      'must be a registry host with an optional port and path, e.g. "registry.internal:5000/mirror" (no scheme, no trailing "/")');
  }
  return image.startsWith(`${registry}/`) ? image : `${registry}/${repositoryPath(image)}`;
}

/** The image without its registry host (a first path part with a '.' or ':', or `localhost`), e.g. `library/mariadb:11.8.8` stays. */
function repositoryPath(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? image.slice(slash + 1) : image;
}
