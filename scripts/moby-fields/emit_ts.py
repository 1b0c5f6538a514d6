import json, sys
sys.path.insert(0, '/tmp/fieldtool')
from merge import merge, label_presence, since_until, ORDER
from routes_data import ROUTES, MISSING

ALL3 = ['20.10', '26.1', '28.5']
KIND_MAP = {'string': 'string', 'bool': 'bool', 'int': 'int', 'number': 'number', 'object': 'object',
            'array': 'array', 'map': 'map', 'strslice': 'strslice', 'any': 'any', 'custom': 'any'}


import re as _re
HC = r'(^HostConfig|^CreateBody(\.HostConfig)?)'
NC = r'(^NetworkingConfig|^CreateBody\.NetworkingConfig)\.EndpointsConfig\{\}'
CF = r'(^Config|^CreateBody)'
SINCE_OVERRIDE = [
  (CF + r'\.StopTimeout$', '1.25', None),
  (HC + r'\.AutoRemove$', '1.25', None),
  (HC + r'\.CpuCount$', '1.25', None),
  (r'^UpdateConfig\.NanoCpus$', '1.28', 'update support documented in 1.28 (the struct field existed since 1.25)'),
  (r'^UpdateConfig\.PidsLimit$', '1.40', None),
]
FIELD_NOTES = [
  (HC + r'\.AutoRemove$', 'create forces false when the request API version is < 1.25'),
  (HC + r'\.KernelMemory$', 'ignored (zeroed) by 26.1/28.5 when the request API version is >= 1.42; honoured by 20.10 (cgroup v1 only)'),
  (HC + r'\.KernelMemoryTCP$', 'zeroed when the request API version is < 1.40; deprecated in 1.51'),
  (HC + r'\.IpcMode$', 'request API < 1.40: empty means "shareable"'),
  (HC + r'\.CgroupnsMode$', 'request API < 1.41 on cgroup v1 hosts: empty means "host"'),
  (HC + r'\.Annotations$', 'cleared when the request API version is < 1.43'),
  (HC + r'\.ConsoleSize$', 'cleared on Linux when the request API version is < 1.42 (26.1/28.5)'),
  (HC + r'\.PidsLimit$', '0 or negative = unlimited'),
  (HC + r'\.Sysctls$', '28.5: net.<x>.<y>.eth<N>.<z> keys are migrated into the primary endpoint DriverOpts["com.docker.network.endpoint.sysctls"] for request API 1.46/1.47 and rejected for > 1.47'),
  (HC + r'\.Mounts\[\]\.BindOptions\.NonRecursive$', 'zeroed when the request API version is < 1.40'),
  (HC + r'\.Mounts\[\]\.BindOptions\.CreateMountpoint$', 'zeroed when the request API version is < 1.42'),
  (HC + r'\.Mounts\[\]\.BindOptions\.ReadOnlyForceRecursive$', 'rejected when the request API version is < 1.44'),
  (HC + r'\.Mounts\[\]\.VolumeOptions\.Subpath$', 'rejected when the request API version is < 1.45'),
  (HC + r'\.Mounts\[\]\.ImageOptions$', 'Type "image" mounts are rejected when the request API version is < 1.48'),
  (HC + r'\.Mounts\[\]\.(VolumeOptions|TmpfsOptions)$', 'set on a mount of another Type: silently dropped for request API < 1.42, rejected for >= 1.42'),
  (HC + r'\.Mounts\[\]\.BindOptions$', 'set on a mount whose Type is not "bind": rejected for request API >= 1.42 (kept below)'),
  (CF + r'\.Healthcheck\.StartInterval$', 'cleared when the request API version is < 1.44'),
  (CF + r'\.MacAddress$', 'container-wide MAC: request API < 1.44 -> moved to the endpoint of NetworkMode; >= 1.44 deprecated, migrated with a warning (must equal the endpoint MacAddress)'),
  (NC + r'\.MacAddress$', 'create: discarded when the request API version is < 1.44 (unless migrated from Config.MacAddress)'),
  (NC + r'\.GwPriority$', 'create: zeroed when the request API version is < 1.48'),
  (NC + r'\.DriverOpts$', 'key "com.docker.network.endpoint.sysctls" (API 1.46+, 28.5) sets per-interface sysctls (comma-separated, IFNAME placeholder)'),
  (r'(^NetworkingConfig|^CreateBody\.NetworkingConfig)\.EndpointsConfig$', 'map key = network name/id; more than one entry is rejected when the request API version is < 1.44; key "default" is renamed to the default network'),
  (r'^ExecCreate\.ConsoleSize$', 'cleared when the request API version is < 1.42'),
  (r'^ExecStart\.ConsoleSize$', 'cleared when the request API version is < 1.42 or Tty is false'),
  (r'^UpdateConfig\.PidsLimit$', 'ignored when the request API version is < 1.40; 0 or negative = unlimited'),
  (r'^UpdateConfig\.KernelMemory$', 'zeroed by 26.1/28.5 when the request API version is >= 1.42'),
  (r'^NetworkCreate\.EnableIPv4$', 'cleared when the request API version is < 1.48'),
  (r'^NetworkCreate\.CheckDuplicate$', '20.10: false allows a duplicate network name (libnetwork check skipped); 26.1/28.5: ignored, names are always checked (deprecated 1.44)'),
  (r'^VolumeCreate\.ClusterVolumeSpec$', 'only used when the request API version is >= 1.42 and the daemon is a swarm manager; otherwise a local volume is created'),
  (r'^VolumeCreate\.DriverOpts$', 'driver "local": type/device/o are mount(8) arguments, e.g. {"type":"none","o":"bind","device":"/etc"} bind-mounts a host path; nfs/cifs also possible'),
  (r'^NetworkConnect\.EndpointConfig\.MacAddress$', 'honoured on connect by 26.1/28.5'),
  (r'^CheckpointCreate\.CheckpointDir$', 'host directory written by the daemon'),
]
def apply_overrides(path, out):
    for rx, since, note in SINCE_OVERRIDE:
        if _re.search(rx, path):
            if 'since' not in out or tuple(map(int, out['since'].split('.'))) < tuple(map(int, since.split('.'))):
                out['since'] = since
    notes = [n for rx, n in FIELD_NOTES if _re.search(rx, path)]
    if notes:
        out['notes'] = '; '.join(([out['notes']] if out.get('notes') else []) + notes)

dropped = []      # fields decoded by none of the three engines
gonames = []      # json key != Go field name
kindchanges = []

def js(s):
    return json.dumps(s, ensure_ascii=False)

def key(k):
    import re
    return k if re.match(r'^[A-Za-z_$][A-Za-z0-9_$]*$', k) else js(k)

def spec(node, parent_pres, path, parent_engines=None):
    """node: merged node (has presence). returns dict FieldSpec (python) or None if no target engine decodes it."""
    s, u, gap, engines = since_until(node, parent_pres)
    if not engines:
        dropped.append((path, s, u))
        return None
    out = {}
    kinds = set(k for _, k, _ in node['kinds'])
    # restrict kind changes to those seen in the target engines
    out['kind'] = KIND_MAP[node['kind']]
    if len(kinds) > 1:
        kindchanges.append((path, node['kinds']))
    if s: out['since'] = s
    if u: out['until'] = u
    if engines != (parent_engines or ALL3): out['engines'] = engines
    if node.get('goName') and node['goName'] != path.split('.')[-1].split('[')[0]:
        out['goName'] = node['goName']
        gonames.append((path, node['goName']))
    notes = []
    if gap: notes.append('not continuously present across API versions')
    if node.get('custom') == 'base64 []byte': notes.append('[]byte: JSON string, base64 (std encoding)')
    if node.get('len'): notes.append('fixed-length array of %d' % node['len'])
    pres = node['presence']
    if node['kind'] == 'object':
        out['fields'] = fields_of(node, pres, path, engines)
    elif node['kind'] == 'array':
        e = node.get('elem')
        if e:
            if e['kind'] == 'object':
                out['fields'] = fields_of(e, e['presence'], path + '[]', engines)
            else:
                    out['items'] = spec_inner(e, path + '[]', engines)
    elif node['kind'] == 'map':
        v = node.get('val')
        if v:
            out['values'] = spec_inner(v, path + '{}', engines)
    if notes: out['notes'] = '; '.join(notes)
    apply_overrides(path, out)
    out = reorder(out)
    return out

def reorder(o):
    order = ['kind','since','until','engines','goName','fields','items','values','notes']
    return {k: o[k] for k in order if k in o}

def spec_inner(node, path, engines=None):
    # array element / map value: same presence as parent container, no since/until
    out = {'kind': KIND_MAP[node['kind']]}
    if node.get('custom') == 'base64 []byte': out['notes'] = '[]byte: JSON string, base64'
    if node['kind'] == 'object':
        out['fields'] = fields_of(node, node['presence'], path, engines)
    elif node['kind'] == 'array' and node.get('elem'):
        e = node['elem']
        if e['kind'] == 'object': out['fields'] = fields_of(e, e['presence'], path + '[]', engines)
        else: out['items'] = spec_inner(e, path + '[]', engines)
    elif node['kind'] == 'map' and node.get('val'):
        out['values'] = spec_inner(node['val'], path + '{}', engines)
    return out

def fields_of(node, pres, path, engines=None):
    res = {}
    for k, v in (node.get('fields') or {}).items():
        sp = spec(v, pres, path + '.' + k, engines)
        if sp is not None:
            res[k] = sp
    return res

def label_fields(label, root_path=()):
    m = merge(label, root_path)
    return fields_of(m, m['presence'] if root_path else label_presence(label), label)

def ts_value(v, ind=0, refs=None):
    pad = '  ' * ind
    if isinstance(v, dict):
        if refs is not None:
            c = json.dumps(v, sort_keys=True)
            if c in refs: return refs[c]
        if not v: return '{}'
        parts = []
        for k, x in v.items():
            parts.append('%s  %s: %s,' % (pad, key(k), ts_value(x, ind + 1, refs)))
        return '{\n' + '\n'.join(parts) + '\n' + pad + '}'
    if isinstance(v, list):
        return '[' + ', '.join(ts_value(x, ind, refs) for x in v) + ']'
    if isinstance(v, bool): return 'true' if v else 'false'
    return js(v)

# --------------------------------------------------------------------------- bodies
HOST_CONFIG = label_fields('HostConfig')
CONTAINER_CONFIG = label_fields('Config')
NETWORKING_CONFIG = label_fields('NetworkingConfig')
CREATE = label_fields('CreateBody')

# annotate create-body keys
for k, v in CREATE.items():
    _prev = v.get('notes')
    if k in CONTAINER_CONFIG:
        continue
    if k in ('HostConfig', 'NetworkingConfig'):
        continue
    if k == 'Cpuset':
        v['notes'] = 'legacy wrapper field (20.10/26.1 only): copied into HostConfig.CpusetCpus when that is empty'
    elif k in ('Memory', 'MemorySwap', 'CpuShares', 'CpusetCpus', 'VolumeDriver'):
        v['notes'] = ('legacy top-level HostConfig field (20.10/26.1 only): used as the whole HostConfig when no "HostConfig" key (or HostConfig:null) is sent; '
                      'when "HostConfig" is also sent, this top-level value is still copied into HostConfig.%s if that is zero/empty' % k)
    else:
        v['notes'] = 'legacy top-level HostConfig field (20.10/26.1 only): honoured when the body has no "HostConfig" key (or "HostConfig": null); ignored when "HostConfig" is present'
    if _prev and v.get('notes') != _prev:
        v['notes'] = v['notes'] + '; ' + _prev

ENDPOINT = None

BODIES = [
  ('CONTAINER_CONFIG', 'container.Config: the Config keys that sit at the top level of a create/commit body', CONTAINER_CONFIG),
  ('HOST_CONFIG', 'container.HostConfig (incl. the embedded Resources) as decoded under "HostConfig" of a create body', HOST_CONFIG),
  ('NETWORKING_CONFIG', 'network.NetworkingConfig ("NetworkingConfig" of a create body)', NETWORKING_CONFIG),
  ('CONTAINER_CREATE_BODY', 'Top-level keys of POST /containers/create (configWrapper / container.CreateRequest)', CREATE),
  ('EXEC_CREATE_BODY', 'POST /containers/{name}/exec (types.ExecConfig -> container.ExecOptions)', label_fields('ExecCreate')),
  ('EXEC_START_BODY', 'POST /exec/{id}/start (types.ExecStartCheck -> container.ExecStartOptions)', label_fields('ExecStart')),
  ('CONTAINER_UPDATE_BODY', 'POST /containers/{name}/update (container.UpdateConfig = Resources + RestartPolicy)', label_fields('UpdateConfig')),
  ('VOLUME_CREATE_BODY', 'POST /volumes/create (volume.VolumeCreateBody -> volume.CreateOptions)', label_fields('VolumeCreate')),
  ('VOLUME_UPDATE_BODY', 'PUT /volumes/{name} (volume.UpdateOptions; 26.1/28.5 only)', label_fields('VolumeUpdate')),
  ('NETWORK_CREATE_BODY', 'POST /networks/create (types.NetworkCreateRequest -> network.CreateRequest)', label_fields('NetworkCreate')),
  ('NETWORK_CONNECT_BODY', 'POST /networks/{id}/connect (types.NetworkConnect -> network.ConnectOptions)', label_fields('NetworkConnect')),
  ('NETWORK_DISCONNECT_BODY', 'POST /networks/{id}/disconnect (types.NetworkDisconnect -> network.DisconnectOptions)', label_fields('NetworkDisconnect')),
  ('CHECKPOINT_CREATE_BODY', 'POST /containers/{name}/checkpoints (experimental)', label_fields('CheckpointCreate')),
  ('CONTAINER_COPY_BODY_LEGACY', 'POST /containers/{name}/copy (20.10 only, request API < 1.24)', label_fields('CopyConfig')),
  ('AUTH_BODY', 'registry AuthConfig: body of POST /auth; body of POST /images/{name}/push on 20.10/26.1 when X-Registry-Auth is absent', label_fields('AuthConfig')),
  ('SWARM_INIT_BODY', 'POST /swarm/init', label_fields('SwarmInit')),
  ('SWARM_JOIN_BODY', 'POST /swarm/join', label_fields('SwarmJoin')),
  ('SWARM_SPEC_BODY', 'POST /swarm/update', label_fields('SwarmSpec')),
  ('SWARM_UNLOCK_BODY', 'POST /swarm/unlock', label_fields('SwarmUnlock')),
  ('SERVICE_SPEC_BODY', 'POST /services/create, POST /services/{id}/update', label_fields('ServiceSpec')),
  ('NODE_SPEC_BODY', 'POST /nodes/{id}/update', label_fields('NodeSpec')),
  ('SECRET_SPEC_BODY', 'POST /secrets/create, POST /secrets/{id}/update', label_fields('SecretSpec')),
  ('CONFIG_SPEC_BODY', 'POST /configs/create, POST /configs/{id}/update (API 1.30+)', label_fields('ConfigSpec')),
]

# references: replace identical sub-objects by constant names
refs = {}
def addref(name, fields):
    refs[json.dumps({'kind': 'object', 'fields': fields}, sort_keys=True)] = "{ kind: 'object', fields: %s }" % name

out = []
w = out.append
w('''/**
 * Every input dockerd reads, per route, for the engines dockauth supports:
 * dockerd 20.10 (API 1.41, tag v20.10.24), 26.1 (API 1.45, tag v26.1.5), 28.5 (API 1.51, tag v28.5.2).
 *
 * GENERATED from moby's source (api/server/router/**, api/server/httputils, api/types/**): the JSON body
 * tables were produced by reflecting over the actual Go types of the engine release that first shipped each
 * API version (1.24 = v1.12.0 ... 1.51 = v28.3.0) with a port of encoding/json's field-resolution rules, so
 * embedded structs, json tags and name conflicts resolve exactly as dockerd resolves them. See NOTES.md.
 *
 * Semantics of since / until (both are API versions, `until` is EXCLUSIVE):
 *  - A body field with `since: X` is decoded by every engine whose own (maximum) API version is >= X,
 *    WHATEVER API version the client puts in the URL: decoding is never version-gated. Only the handler
 *    resets a few fields for old request versions (field `notes`; NOTES.md section 4).
 *    A field without `since` exists in API 1.24 (the oldest version 26.1/28.5 accept) or earlier.
 *  - `until: Y` = no longer decoded by engines whose API version is >= Y.
 *  - `engines` (when present) lists which of the three target engines decode the key; absent = same as the
 *    parent (top level: all three).
 *    Keys decoded by none of the three engines are left out (see NOTES.md for the list).
 *  - A nested field's since/until is relative to its parent's own range (intersect them).
 *  - Query parameters: `since` = API version that introduced the parameter; `gated: true` means the handler
 *    reads it only when the REQUEST's API version (/vX.Y prefix, or the engine default when unversioned)
 *    is >= since (or < until); without `gated` the engine reads it whenever it has the code.
 *
 * JSON decoding facts that apply to every body here (Go encoding/json):
 *  - object keys match struct fields CASE-INSENSITIVELY (exact match preferred) with Unicode simple folding:
 *    "privileged", "PRIVILEGED", and keys using U+017F (long s) for "s" or U+212A (Kelvin) for "k" all hit the field;
 *  - duplicate keys: the last one wins for scalars, but objects (structs, maps, pointers to structs) are MERGED
 *    into the value decoded so far -> {"HostConfig":{"Privileged":true},"HostConfig":{}} keeps Privileged=true;
 *  - unknown keys are ignored; null is a no-op for a non-pointer scalar/struct field (it KEEPS an earlier
 *    duplicate's value: {"Privileged":true,"Privileged":null} -> true) and sets pointers, maps and slices to nil;
 *  - int kinds reject fractions, exponents and strings; bool accepts only true/false.
 */

export type QueryKind = 'string' | 'bool' | 'int' | 'filters' | 'json' | 'repeated';
export type EngineVersion = '20.10' | '26.1' | '28.5';

export interface QueryParam {
  kind: QueryKind;
  since?: string;
  until?: string;
  /** Handler reads it only when the request's API version is >= since (or < until). */
  gated?: boolean;
  /** Read from r.URL.Query() only: a form body cannot supply or override it. */
  queryOnly?: boolean;
  /** dockerd's value when the parameter is absent (only listed when not the zero value). */
  default?: string;
  required?: boolean;
  notes?: string;
}

export type BodyKind = 'none' | 'json' | 'tar' | 'raw';

export interface RouteInputs {
  method: string;
  /** moby's route path without the /v{version} prefix; {name} = moby's {name:.*} (may contain '/'). */
  path: string;
  query: Record<string, QueryParam>;
  body: BodyKind;
  /**
   * r.Form includes a form body: the handler calls httputils.ParseForm (or r.FormValue first), so for
   * POST/PUT an application/x-www-form-urlencoded body is parsed and its values come BEFORE the query's
   * (r.Form.Get returns the body value). The body is never forwarded to the authz plugin (not JSON).
   */
  parseForm: boolean;
  /** r.FormValue runs before any ParseForm: a multipart/form-data body is also merged (after the query values). */
  multipart?: boolean;
  /** When parseForm differs per engine. */
  parseFormEngines?: EngineVersion[];
  /** Name of the exported FieldSpec table for a JSON body. */
  bodyType?: string;
  contentType?: string;
  /** Connection is hijacked / upgraded: later bytes never reach the authz plugin. */
  hijack?: boolean;
  headers?: string[];
  experimental?: boolean;
  engines?: EngineVersion[];
  since?: string;
  until?: string;
  /** A body accepted only on some engines / old request versions. */
  legacyBody?: { engines: EngineVersion[]; until?: string; kind: BodyKind; bodyType: string };
  notes?: string;
}

export interface FieldSpec {
  since?: string;
  until?: string;
  kind: 'string' | 'bool' | 'int' | 'number' | 'object' | 'array' | 'map' | 'strslice' | 'any';
  /** Keys of an object; for an array of objects, the keys of each item. */
  fields?: Record<string, FieldSpec>;
  /** Element of an array whose items are not objects. */
  items?: FieldSpec;
  /** Value of a map (keys are always strings). */
  values?: FieldSpec;
  engines?: EngineVersion[];
  /** Go field name when it differs from the JSON key (matching is case-insensitive anyway). */
  goName?: string;
  notes?: string;
}
''')

# ROUTE_INPUTS
def route_ts(r):
    d = dict(r)
    return d
w('export const ROUTE_INPUTS: RouteInputs[] = ' + ts_value([route_ts(r) for r in ROUTES]) + ';\n')
w('/** Routes the three engines serve that routes.ts does not match (or matches although the engine lacks them). */')
w('export const ROUTES_MISSING_FROM_TABLE: RouteInputs[] = ' + ts_value(MISSING) + ';\n')

# bodies with references
emitted_refs = {}
for name, doc, fields in BODIES:
    if name == 'CONTAINER_CREATE_BODY':
        r2 = dict(refs)
        r2[json.dumps({'kind': 'object', 'fields': HOST_CONFIG}, sort_keys=True)] = "{ kind: 'object', fields: HOST_CONFIG }"
        r2[json.dumps({'kind': 'object', 'fields': NETWORKING_CONFIG}, sort_keys=True)] = "{ kind: 'object', fields: NETWORKING_CONFIG }"
        # Config keys: spread CONTAINER_CONFIG if identical
        cfg_part = {k: v for k, v in fields.items() if k in CONTAINER_CONFIG}
        same = json.dumps(cfg_part, sort_keys=True) == json.dumps(CONTAINER_CONFIG, sort_keys=True)
        rest = {k: v for k, v in fields.items() if k not in CONTAINER_CONFIG}
        w('/** %s.\n *  = every CONTAINER_CONFIG key, plus "HostConfig" and "NetworkingConfig", plus (20.10/26.1 only, until 1.46)\n *  every HostConfig key and "Cpuset" at the top level. */' % doc)
        body = ts_value(rest, 0, r2)
        if same:
            w('export const %s: Record<string, FieldSpec> = {\n  ...CONTAINER_CONFIG,\n%s;\n' % (name, body[2:] if body.startswith('{\n') else body))
        else:
            w('export const %s: Record<string, FieldSpec> = %s;\n' % (name, ts_value(fields, 0, r2)))
            print('WARNING: create body config part differs from CONTAINER_CONFIG', file=sys.stderr)
        if json.dumps(fields['HostConfig'], sort_keys=True) != json.dumps({'kind': 'object', 'fields': HOST_CONFIG}, sort_keys=True):
            print('WARNING: CreateBody.HostConfig differs from HOST_CONFIG', file=sys.stderr)
        continue
    w('/** %s. */' % doc)
    w('export const %s: Record<string, FieldSpec> = %s;\n' % (name, ts_value(fields, 0)))

w('''/** POST /containers/{name}/start on 20.10 for request API < 1.24: a HostConfig, either under "HostConfig" or as top-level keys (same wrapper as create; Config keys are decoded but ignored). */
export const CONTAINER_START_BODY_LEGACY: Record<string, FieldSpec> = Object.fromEntries(
  Object.entries(CONTAINER_CREATE_BODY)
    .filter(([k, v]) => !(k in CONTAINER_CONFIG) && k !== 'NetworkingConfig' && (!v.engines || v.engines.includes('20.10')))
    .map(([k, v]) => [k, { ...v, engines: ['20.10'] as EngineVersion[], until: '1.24', notes: 'applied at start by 20.10 for request API < 1.24' }]),
);

/**
 * POST /commit: decoded with the same decoder as create (DecodeConfig), so every create-body key is
 * ACCEPTED; only the container.Config keys take effect (merged over the container's config), HostConfig /
 * NetworkingConfig / legacy top-level HostConfig keys are decoded, validated and discarded.
 */
export const COMMIT_BODY: Record<string, FieldSpec> = Object.fromEntries(
  Object.entries(CONTAINER_CREATE_BODY).map(([k, v]) =>
    [k, k in CONTAINER_CONFIG ? v : { ...v, notes: 'accepted (decoded and validated) but discarded by commit' }]),
);

/** POST /plugins/pull and /plugins/{name}/upgrade: JSON array of accepted privileges. */
export const PLUGIN_PRIVILEGES_BODY: FieldSpec = {
  kind: 'array',
  fields: { Name: { kind: 'string' }, Description: { kind: 'string' }, Value: { kind: 'array', items: { kind: 'string' } } },
};

/** POST /plugins/{name}/set: JSON array of "KEY=VALUE" strings (env, "<mount>.source", "<device>.path", args). */
export const PLUGIN_SET_BODY: FieldSpec = { kind: 'array', items: { kind: 'string' } };
''')

open('/work/scratch-moby/route-inputs.ts', 'w').write('\n'.join(out))
json.dump({'dropped': dropped, 'gonames': gonames, 'kindchanges': kindchanges}, open('/tmp/fieldtool/emit_meta.json', 'w'), indent=1)
print('dropped', len(dropped), 'gonames', len(gonames), 'kindchanges', len(kindchanges))
