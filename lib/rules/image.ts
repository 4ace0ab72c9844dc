/** Image reference rules, as pure functions (`undefined`: valid). */

const PINNED_IMAGE = /^[a-z0-9][a-z0-9._\-/:]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** What the API server asks of a container image: not empty, no leading or trailing white space. */
export function containerImage(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  return value.trim() !== value ? 'must not have leading or trailing white space' : undefined;
}

/** An image pinned to a tag or a digest, never an implicit or explicit `latest` (the library's policy). */
export function pinnedImage(value: string): string | undefined {
  return PINNED_IMAGE.test(value) && !value.endsWith(':latest') ? undefined
    : 'must name a pinned tag or digest, e.g. "mysql:8.4.6" or "mysql@sha256:<digest>" (no implicit or explicit "latest")';
}
