import { dns1123Label, itemPath } from '../../rules';
import { asArray, asRecord } from '../objects';
import { countSet, isInt, isSet, oneOf, ruled, str } from './check';
import type { Check } from './check';
import { fieldRef, resourceFieldRef } from './container';
import { claimSpec } from './claims';
import { parseQuantity } from '../../rules';

/** Every volume source of the core API (`validateVolumeSource`): a volume may have at most one. */
const VOLUME_SOURCES = new Set([
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
]);
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const PROJECTION_SOURCES = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'];
const MAX_MODE = 0o777;

function mode(check: Check, path: string, value: unknown): void {
  if (isInt(value) && (value < 0 || value > MAX_MODE)) {
    check.error(path, 'pod/volume', `mode ${value} must be a number between 0 and 0777 (octal, 511 decimal), both inclusive`);
  }
}

function keyToPaths(check: Check, path: string, items: unknown): void {
  asArray(items).forEach((item, i) => {
    const { key, path: p, mode: m } = asRecord(item);
    const at = `${path}/${i}`;
    if (typeof key !== 'string' || key === '') {
      check.error(`${at}/key`, 'pod/volume', 'key is required');
    }
    if (typeof p !== 'string' || p === '') {
      check.error(`${at}/path`, 'pod/volume', 'path is required');
    } else {
      ruled(check, `${at}/path`, 'pod/volume', p, itemPath(p), 'path');
    }
    mode(check, `${at}/mode`, m);
  });
}

function downwardItems(check: Check, path: string, items: unknown): void {
  asArray(items).forEach((item, i) => {
    const it = asRecord(item);
    const at = `${path}/${i}`;
    if (typeof it.path !== 'string' || it.path === '') {
      check.error(`${at}/path`, 'pod/volume', 'path is required');
    } else {
      ruled(check, `${at}/path`, 'pod/volume', it.path, itemPath(it.path), 'path');
    }
    mode(check, `${at}/mode`, it.mode);
    const n = countSet(it, ['fieldRef', 'resourceFieldRef']);
    if (n !== 1) {
      check.error(at, 'pod/volume', n === 0 ? 'one of fieldRef and resourceFieldRef is required' : 'only one of fieldRef and resourceFieldRef may be given');
    } else if (isSet(it.fieldRef)) {
      fieldRef(check, `${at}/fieldRef`, asRecord(it.fieldRef), true);
    } else {
      resourceFieldRef(check, `${at}/resourceFieldRef`, asRecord(it.resourceFieldRef));
    }
  });
}

/** One pod volume (`ValidateVolumes`): a DNS-1123 label name and at most one valid source. Returns whether it is a claim or ephemeral volume. */
export function volume(check: Check, path: string, v: Record<string, any>): boolean {
  const name = v.name;
  if (typeof name !== 'string' || name === '') {
    check.error(`${path}/name`, 'pod/volume', 'volume name is required');
  } else {
    ruled(check, `${path}/name`, 'pod/volume', name, dns1123Label(name), 'volume name');
  }
  let sources: string[] | undefined;
  let source: string | undefined;
  for (const key in v) {
    if (VOLUME_SOURCES.has(key) && isSet(v[key])) {
      if (source === undefined) {
        source = key;
      } else {
        (sources ??= [source]).push(key);
      }
    }
  }
  if (sources) {
    check.error(`${path}/${sources[1]}`, 'pod/volume', `a volume may have only one source (it has ${sources.join(' and ')})`);
    return false;
  }
  if (source === undefined) {
    return false;
  }
  const body = asRecord(v[source]);
  const at = `${path}/${source}`;
  switch (source) {
    case 'configMap':
      if (str(body.name) === undefined) {
        check.error(`${at}/name`, 'pod/volume', 'configMap.name is required');
      }
      mode(check, `${at}/defaultMode`, body.defaultMode);
      keyToPaths(check, `${at}/items`, body.items);
      break;
    case 'secret':
      mode(check, `${at}/defaultMode`, body.defaultMode);
      keyToPaths(check, `${at}/items`, body.items);
      break;
    case 'hostPath':
      if (str(body.path) === undefined) {
        check.error(`${at}/path`, 'pod/volume', 'hostPath.path is required');
      }
      oneOf(check, `${at}/type`, 'pod/volume', body.type, HOST_PATH_TYPES);
      break;
    case 'emptyDir': {
      const limit = body.sizeLimit;
      const q = typeof limit === 'string' || typeof limit === 'number' ? parseQuantity(limit) : undefined;
      if (q && q.nanos < 0n) {
        check.error(`${at}/sizeLimit`, 'pod/volume', `sizeLimit ${JSON.stringify(limit)} must not be negative`);
      }
      break;
    }
    case 'persistentVolumeClaim':
      if (str(body.claimName) === undefined) {
        check.error(`${at}/claimName`, 'pod/volume', 'persistentVolumeClaim.claimName is required');
      }
      return true;
    case 'nfs':
      if (str(body.server) === undefined) {
        check.error(`${at}/server`, 'pod/volume', 'nfs.server is required');
      }
      if (str(body.path) === undefined) {
        check.error(`${at}/path`, 'pod/volume', 'nfs.path is required');
      }
      break;
    case 'downwardAPI':
      mode(check, `${at}/defaultMode`, body.defaultMode);
      downwardItems(check, `${at}/items`, body.items);
      break;
    case 'projected':
      mode(check, `${at}/defaultMode`, body.defaultMode);
      projected(check, `${at}/sources`, body.sources);
      break;
    case 'ephemeral': {
      const template = asRecord(body.volumeClaimTemplate);
      if (!isSet(body.volumeClaimTemplate)) {
        check.error(`${at}/volumeClaimTemplate`, 'pod/volume', 'ephemeral.volumeClaimTemplate is required');
      } else {
        claimSpec(check, `${at}/volumeClaimTemplate/spec`, template.spec);
      }
      return true;
    }
  }
  return false;
}

function projected(check: Check, path: string, sources: unknown): void {
  asArray(sources).forEach((s, i) => {
    const source = asRecord(s);
    const at = `${path}/${i}`;
    const kinds = PROJECTION_SOURCES.filter(k => isSet(source[k]));
    if (kinds.length > 1) {
      check.error(`${at}/${kinds[1]}`, 'pod/volume', `a projected source may have only one kind (it has ${kinds.join(' and ')})`);
      return;
    }
    const body = asRecord(source[kinds[0]]);
    switch (kinds[0]) {
      case 'configMap':
      case 'secret':
        keyToPaths(check, `${at}/${kinds[0]}/items`, body.items);
        break;
      case 'downwardAPI':
        downwardItems(check, `${at}/downwardAPI/items`, body.items);
        break;
      case 'serviceAccountToken': {
        const seconds = body.expirationSeconds;
        if (isInt(seconds) && seconds < 600) {
          check.error(`${at}/serviceAccountToken/expirationSeconds`, 'pod/volume', `expirationSeconds ${seconds} must be at least 600 (10 minutes)`);
        } else if (isInt(seconds) && seconds > 2 ** 32) {
          check.error(`${at}/serviceAccountToken/expirationSeconds`, 'pod/volume', `expirationSeconds ${seconds} must be at most 2^32`);
        }
        if (str(body.path) === undefined) {
          check.error(`${at}/serviceAccountToken/path`, 'pod/volume', 'serviceAccountToken.path is required');
        } else {
          ruled(check, `${at}/serviceAccountToken/path`, 'pod/volume', body.path, itemPath(body.path), 'path');
        }
        break;
      }
    }
  });
}
