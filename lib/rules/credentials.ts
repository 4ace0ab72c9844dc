/** The rule against credentials written into manifests as literal env values, as a pure function. */

/** Credential-like names: passwords, secrets, tokens, keys and salts (`WORDPRESS_AUTH_KEY`, `NONCE_SALT`). */
const SECRET_NAME = /pass(word)?|secret|token|api[_-]?key|private[_-]?key|(^|_)(key|salt)$/i;
/** Names that point at a secret or name it, without holding it: `PASSWORD_FILE=/run/secrets/pw`, `SECRET_NAME=db`. */
const SECRET_REFERENCE_NAME = /_(FILE|PATH|DIR|NAME|USER|USERNAME)$/i;
/** Literal values that are switches, not secrets: `MYSQL_ALLOW_EMPTY_PASSWORD=yes`, `MYSQL_RANDOM_ROOT_PASSWORD=true`. */
const FLAG_VALUE = /^(true|false|yes|no|on|off|0|1)$/i;

/**
 * An env var with a literal value: `undefined` unless its name looks like a credential (and not
 * like a reference to one) and the value is not a switch; else the rule, in words. The value is
 * never part of the answer.
 */
export function literalCredential(name: string, value: string): string | undefined {
  return SECRET_NAME.test(name) && !SECRET_REFERENCE_NAME.test(name) && !FLAG_VALUE.test(value)
    ? 'looks like a credential but has a literal value, which would be written into the manifests'
    : undefined;
}
