import type { Format } from 'ajv';
import { parseQuantity } from '../rules';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Every `format` used by the Kubernetes 1.28 definitions, plus `quantity` (which the vendored
 * definitions do not carry; {@link loadDefinitions} puts it on the Quantity type). `int64` and
 * `double` are known but need no check beyond the JSON type.
 */
export const K8S_FORMATS: Record<string, Format> = {
  'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX },
  'int64': true,
  'double': true,
  'byte': { type: 'string', validate: (s: string) => BASE64.test(s) },
  'date-time': { type: 'string', validate: (s: string) => RFC3339.test(s) },
  // As the server's decoder parses quantities (`lib/rules/quantity.ts`): white space around is trimmed, `u` and `n` are suffixes.
  'quantity': { type: 'string', validate: (s: string) => parseQuantity(s) !== undefined },
};
