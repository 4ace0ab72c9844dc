import { dns1123Subdomain } from '../../rules';
import { asArray, asRecord } from '../objects';
import { isSet, labelSelector, oneOf, ruled } from './check';
import type { Check } from './check';
import { claimResources } from './resources';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/**
 * A PersistentVolumeClaim spec (`ValidatePersistentVolumeClaimSpec`): access modes, storage request, class, volume
 * mode, selector; a StatefulSet's claim template (`template`) also its data source, which the server validates there
 * as written (a PersistentVolumeClaim's own is dropped when unsupported before validation).
 */
export function claimSpec(check: Check, path: string, value: unknown, template = false): void {
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
  if (template) {
    dataSource(check, `${path}/dataSource`, spec.dataSource);
  }
}

/**
 * A claim template's `dataSource`: where AnyVolumeDataSource has graduated (1.35 on), the StatefulSet's
 * validation checks it instead of dropping what it does not support: a kind is required, and without an apiGroup only a
 * PersistentVolumeClaim can be the source. (1.28 accepts it and drops an unsupported one.)
 */
function dataSource(check: Check, path: string, value: unknown): void {
  if (!isSet(value) || !check.graduated('AnyVolumeDataSource')) {
    return;
  }
  const { kind, apiGroup } = asRecord(value);
  if (typeof kind !== 'string' || kind === '') {
    check.error(`${path}/kind`, 'claim/data-source', 'dataSource.kind is required');
  } else if ((typeof apiGroup !== 'string' || apiGroup === '') && kind !== 'PersistentVolumeClaim') {
    check.error(`${path}/kind`, 'claim/data-source', `dataSource kind ${JSON.stringify(kind)} needs an apiGroup: without one, only PersistentVolumeClaim can be the source`);
  }
}
