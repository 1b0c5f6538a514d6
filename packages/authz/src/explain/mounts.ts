import { isAbsolute, resolve } from 'node:path';
import { DockerArgsError, cutPair } from './request.js';
import { ramInBytes } from './units.js';

/** One line of CSV as Go's encoding/csv reads it (quoted fields, "" for a quote inside one). */
export function csvFields(text: string): string[] {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    let field = '';
    if (text[at] === '"') {
      at++;
      for (;;) {
        const quote = text.indexOf('"', at);
        if (quote < 0) throw new DockerArgsError(`extraneous or missing " in quoted-field: ${text}`);
        field += text.slice(at, quote);
        at = quote + 1;
        if (text[at] === '"') {
          field += '"';
          at++;
        } else break;
      }
      if (at < text.length && text[at] !== ',') throw new DockerArgsError(`extraneous or missing " in quoted-field: ${text}`);
    } else {
      const comma = text.indexOf(',', at);
      field = comma < 0 ? text.slice(at) : text.slice(at, comma);
      if (field.includes('"')) throw new DockerArgsError(`bare " in non-quoted-field: ${text}`);
      at = comma < 0 ? text.length : comma;
    }
    fields.push(field);
    if (at >= text.length) return fields;
    at++; // the comma
  }
}

/** A relative host path the CLI makes absolute ("./data" → "$PWD/data"). */
function absoluteHostPath(path: string): string {
  return !isAbsolute(path) && path.startsWith('.') ? resolve(path) : path;
}

function parseBoolean(key: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new DockerArgsError(`invalid value for ${key}: ${value}`);
}

/** --mount as the CLI's opts.MountOpt reads it, into a HostConfig.Mounts entry. */
export function parseMount(spec: string): Record<string, any> {
  const mount: Record<string, any> = { Type: 'volume' };
  const volume = (): Record<string, any> => {
    mount.VolumeOptions ??= { Labels: {} };
    mount.VolumeOptions.DriverConfig ??= {};
    return mount.VolumeOptions;
  };
  const bind = (): Record<string, any> => (mount.BindOptions ??= {});
  const tmpfs = (): Record<string, any> => (mount.TmpfsOptions ??= {});
  for (const field of csvFields(spec)) {
    const hasValue = field.includes('=');
    const [rawKey, value] = cutPair(field);
    const key = rawKey.toLowerCase();
    if (!hasValue) {
      if (key === 'readonly' || key === 'ro') mount.ReadOnly = true;
      else if (key === 'volume-nocopy') volume().NoCopy = true;
      else if (key === 'bind-nonrecursive') bind().NonRecursive = true;
      else if (key === 'bind-create-src') bind().CreateMountpoint = true;
      else throw new DockerArgsError(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case 'type': mount.Type = value.toLowerCase(); break;
      case 'source': case 'src': mount.Source = absoluteHostPath(value); break;
      case 'target': case 'dst': case 'destination': mount.Target = value; break;
      case 'readonly': case 'ro': mount.ReadOnly = parseBoolean(key, value); break;
      case 'consistency': mount.Consistency = value.toLowerCase(); break;
      case 'bind-propagation': bind().Propagation = value.toLowerCase(); break;
      case 'bind-nonrecursive': bind().NonRecursive = parseBoolean(key, value); break;
      case 'bind-recursive':
        if (value === 'disabled') bind().NonRecursive = true;
        else if (value === 'writable') bind().ReadOnlyNonRecursive = true;
        else if (value === 'readonly') bind().ReadOnlyForceRecursive = true;
        else if (value !== 'enabled') throw new DockerArgsError(`invalid value for ${key}: ${value} (must be "enabled", "disabled", "writable", or "readonly")`);
        break;
      // docker 29's spelling; dockerd reads it as BindOptions.CreateMountpoint.
      case 'bind-create-src': bind().CreateMountpoint = parseBoolean(key, value); break;
      case 'volume-subpath': volume().Subpath = value; break;
      case 'volume-nocopy': volume().NoCopy = parseBoolean(key, value); break;
      case 'volume-label': { const [k, v] = cutPair(value); if (k !== '') volume().Labels[k] = v; break; }
      case 'volume-driver': volume().DriverConfig.Name = value; break;
      case 'volume-opt': { const [k, v] = cutPair(value); const config = volume().DriverConfig; config.Options ??= {}; if (k !== '') config.Options[k] = v; break; }
      case 'image-subpath': (mount.ImageOptions ??= {}).Subpath = value; break;
      case 'tmpfs-size': tmpfs().SizeBytes = ramInBytes('tmpfs-size', value); break;
      case 'tmpfs-mode':
        if (!/^[0-7]+$/.test(value)) throw new DockerArgsError(`invalid value for ${key}: ${value}`);
        tmpfs().Mode = parseInt(value, 8);
        break;
      default: throw new DockerArgsError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (mount.Type === '') throw new DockerArgsError('type is required');
  if (!mount.Target) throw new DockerArgsError('target is required');
  for (const [options, type] of [['VolumeOptions', 'volume'], ['ImageOptions', 'image'], ['BindOptions', 'bind'], ['TmpfsOptions', 'tmpfs']] as const) {
    if (mount[options] !== undefined && mount.Type !== type) throw new DockerArgsError(`cannot mix '${type}-*' options with mount type '${mount.Type}'`);
  }
  return mount;
}

/**
 * -v: a spec naming a source (a host path or a volume) is a bind, sent in HostConfig.Binds
 * (a relative host path made absolute); a lone container path is an anonymous volume,
 * sent in Config.Volumes.
 */
export function volumeSpec(spec: string): { bind: string } | { anonymous: string } {
  const [source, rest] = cutPair(spec, ':');
  if (!spec.includes(':')) return { anonymous: spec };
  const absolute = absoluteHostPath(source);
  return { bind: absolute === source ? spec : `${absolute}:${rest}` };
}

/** --tmpfs PATH[:OPTIONS] into HostConfig.Tmpfs. */
export function tmpfsEntry(spec: string): [string, string] {
  return cutPair(spec, ':');
}

/** -p [[IP:]HOST:]CONTAINER[/PROTO] into one PortBindings entry. */
export function portBinding(spec: string): [string, { HostIp: string; HostPort: string }] {
  const parts = spec.split(':');
  const containerPort = parts.pop() as string;
  const hostPort = parts.pop() ?? '';
  const key = containerPort.includes('/') ? containerPort : `${containerPort}/tcp`;
  return [key, { HostIp: parts.join(':'), HostPort: hostPort }];
}

/** --device HOST[:CONTAINER[:PERMISSIONS]]. */
export function deviceMapping(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host = '', container, permissions] = spec.split(':');
  if (container !== undefined && permissions === undefined && /^[rwm]+$/.test(container)) return { PathOnHost: host, PathInContainer: host, CgroupPermissions: container };
  return { PathOnHost: host, PathInContainer: container || host, CgroupPermissions: permissions ?? 'rwm' };
}
