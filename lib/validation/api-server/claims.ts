import { dns1123Subdomain } from '../../rules';
import { asArray, asRecord } from '../objects';
import { labelSelector, oneOf, ruled } from './check';
import type { Check } from './check';
import { claimResources } from './resources';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** A PersistentVolumeClaim spec (`ValidatePersistentVolumeClaimSpec`): access modes, storage request, class, volume mode, selector. */
export function claimSpec(check: Check, path: string, value: unknown): void {
  const spec = asRecord(value);
  const modes = asArray(spec.accessModes);
  if (modes.length === 0) {
    check.error(`${path}/accessModes`, 'claim/access-modes', 'at least one access mode is required');
  }
  modes.forEach((m, i) => oneOf(check, `${path}/accessModes/${i}`, 'claim/access-modes', m, ACCESS_MODES, false));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    check.error(`${path}/accessModes`, 'claim/access-modes', 'ReadWriteOncePod may not be used with other access modes');
  }
  claimResources(check, `${path}/resources`, spec.resources);
  if (typeof spec.storageClassName === 'string' && spec.storageClassName !== '') {
    ruled(check, `${path}/storageClassName`, 'claim/storage-class', spec.storageClassName, dns1123Subdomain(spec.storageClassName), 'storageClassName');
  }
  oneOf(check, `${path}/volumeMode`, 'claim/volume-mode', spec.volumeMode, ['Block', 'Filesystem'], false);
  labelSelector(check, `${path}/selector`, 'claim/selector', spec.selector);
}
