import { compareQuantities, isWholeQuantity, parseQuantity, qualifiedName } from '../../rules';
import type { Quantity } from '../../rules';
import { asRecord } from '../objects';
import { pointer } from '../problem';
import type { Check } from './check';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const HUGEPAGES = 'hugepages-';
const BYTES = new Set(['memory', 'ephemeral-storage', 'storage']);

/** The quantity of a `requests` or `limits` entry, or undefined if it is no quantity (the schema reports those). */
function quantityOf(value: unknown): Quantity | undefined {
  return typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : undefined;
}

/** Whether a resource name is an extended resource: fully qualified, outside `kubernetes.io/` (except `requests.` forms). */
function isExtended(name: string): boolean {
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

/**
 * A container's `resources` (`ValidateResourceRequirements`): standard or fully qualified names,
 * no negative values, whole numbers for extended resources and hugepages multiples of the page,
 * requests no greater than limits, extended resources with requests equal to limits; a fraction of
 * a byte is a warning, as the server's.
 */
export function containerResources(check: Check, path: string, resources: unknown): void {
  const { limits, requests } = asRecord(resources);
  const limitMap = asRecord(limits);
  const requestMap = asRecord(requests);
  for (const [list, map] of [['limits', limitMap], ['requests', requestMap]] as const) {
    for (const name of Object.keys(map)) {
      const at = `${path}/${list}${pointer(name)}`;
      if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith(HUGEPAGES) && !(name.includes('/') && qualifiedName(name) === undefined)) {
        check.error(at, 'pod/resources', `resource name "${name}" must be cpu, memory, ephemeral-storage, hugepages-<size> or fully qualified (e.g. example.com/gpu)`);
        continue;
      }
      const q = quantityOf(map[name]);
      if (!q) {
        continue;
      }
      if (q.nanos < 0n) {
        check.error(at, 'pod/resources', `${name} ${JSON.stringify(map[name])} must be greater than or equal to 0`);
      } else if (isExtended(name) && !isWholeQuantity(q)) {
        check.error(at, 'pod/resources', `${name} ${JSON.stringify(map[name])} must be a whole number`);
      } else if (name.startsWith(HUGEPAGES)) {
        const page = parseQuantity(name.slice(HUGEPAGES.length));
        if (page && page.nanos > 0n && q.nanos % page.nanos !== 0n) {
          check.error(at, 'pod/resources', `${name} ${JSON.stringify(map[name])} must be a whole multiple of the page size ${name.slice(HUGEPAGES.length)}`);
        }
      } else if (BYTES.has(name) && !isWholeQuantity(q)) {
        check.warn(at, 'pod/fractional-bytes', `${name}: fractional byte value ${JSON.stringify(String(map[name]))} is invalid, must be an integer (did you mean Mi or M rather than m?)`);
      }
    }
  }
  for (const name of Object.keys(requestMap)) {
    const request = quantityOf(requestMap[name]);
    const limit = quantityOf(limitMap[name]);
    const at = `${path}/requests${pointer(name)}`;
    if (isExtended(name) && request && !limit && Object.prototype.hasOwnProperty.call(requestMap, name)) {
      check.error(`${path}/limits`, 'pod/resources', `${name} is requested without a limit; extended resources cannot be overcommitted: set limits.${name} equal to the request`);
    } else if (request && limit && (isExtended(name) || name.startsWith(HUGEPAGES)) && compareQuantities(request, limit) !== 0) {
      check.error(at, 'pod/resources', `${name} request ${JSON.stringify(requestMap[name])} must equal its limit ${JSON.stringify(limitMap[name])}`);
    } else if (request && limit && compareQuantities(request, limit) > 0) {
      check.error(at, 'pod/limit-below-request', `${name} request ${JSON.stringify(requestMap[name])} must be less than or equal to its limit ${JSON.stringify(limitMap[name])}`);
    }
  }
}

/** The resources of a claim: `requests.storage` given and above zero (`ValidatePersistentVolumeClaimSpec`). */
export function claimResources(check: Check, path: string, resources: unknown): void {
  const { requests, limits } = asRecord(resources);
  const storage = asRecord(requests).storage;
  if (storage === undefined || storage === null) {
    check.error(`${path}/requests`, 'claim/storage', 'requests.storage is required: the size of the volume');
  } else {
    const q = quantityOf(storage);
    if (q && q.nanos <= 0n) {
      check.error(`${path}/requests/storage`, 'claim/storage', `storage ${JSON.stringify(storage)} must be greater than zero`);
    } else if (q && !isWholeQuantity(q)) {
      check.warn(`${path}/requests/storage`, 'pod/fractional-bytes', `storage: fractional byte value ${JSON.stringify(String(storage))} is invalid, must be an integer (did you mean Mi or M rather than m?)`);
    }
  }
  for (const [list, map] of [['requests', asRecord(requests)], ['limits', asRecord(limits)]] as const) {
    for (const name of Object.keys(map)) {
      const q = quantityOf(map[name]);
      if (q && q.nanos < 0n) {
        check.error(`${path}/${list}${pointer(name)}`, 'claim/storage', `${name} ${JSON.stringify(map[name])} must be greater than or equal to 0`);
      }
    }
  }
}
