import { CredentialShape } from '../credentials/shapes';
import { MYSQL_SECRET_KEYS } from './props';

/**
 * The shape of each key of the MySQLReplication credentials Secret. Alphanumeric: no newline
 * (MariaDB keeps the replication password in `master.info`, one value a line, and the sidecar
 * refuses one), no quote or backslash to escape in option files and SQL strings.
 */
export const MYSQL_CREDENTIAL_SHAPES: Readonly<Record<string, CredentialShape>> = {
  [MYSQL_SECRET_KEYS.rootPassword]: CredentialShape.password({ length: 32 }),
  [MYSQL_SECRET_KEYS.replicationPassword]: CredentialShape.password({ length: 32 }),
  [MYSQL_SECRET_KEYS.userPassword]: CredentialShape.password({ length: 32 }),
  [MYSQL_SECRET_KEYS.exporterPassword]: CredentialShape.password({ length: 32 }),
};
