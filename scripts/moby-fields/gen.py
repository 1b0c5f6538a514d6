import os, re, sys
tag, root = sys.argv[1], sys.argv[2]
R = os.path.join(root, 'api/server/router')
def imports_of(src):
    m = {}
    block = re.search(r'import \((.*?)\)', src, re.S)
    lines = block.group(1).split('\n') if block else []
    for line in lines + re.findall(r'^import (.*)$', src, re.M):
        mm = re.match(r'\s*(\w+)?\s*"([^"]+)"', line)
        if mm:
            path = mm.group(2).replace('github.com/docker/engine-api/types', 'github.com/docker/docker/api/types')
            alias = mm.group(1) or path.split('/')[-1]
            m[alias] = path
    return m
# (label, handler file, regex capturing alias.Type)
specs = [
 ('ExecCreate', 'container/exec.go', r'execConfig := &(\w+)\.(\w+)\{\}'),
 ('ExecStart', 'container/exec.go', r'(?:execStartCheck|options) := &(\w+)\.(\w+)\{\}'),
 ('UpdateConfig', 'container/container_routes.go', r'var updateConfig (\w+)\.(\w+)'),
 ('VolumeCreate', 'volume/volume_routes.go', r'func \(v \*volumeRouter\) postVolumesCreate.*?var req (\w+)\.(\w+)'),
 ('VolumeUpdate', 'volume/volume_routes.go', r'func \(v \*volumeRouter\) putVolumesUpdate.*?var req (\w+)\.(\w+)'),
 ('NetworkCreate', 'network/network_routes.go', r'var create (\w+)\.(\w+)'),
 ('NetworkConnect', 'network/network_routes.go', r'var connect (\w+)\.(\w+)'),
 ('NetworkDisconnect', 'network/network_routes.go', r'var disconnect (\w+)\.(\w+)'),
 ('CheckpointCreate', 'checkpoint/checkpoint_routes.go', r'var options (\w+)\.(\w+)'),
 ('CopyConfig', 'container/copy.go', r'cfg := (\w+)\.(\w+)\{\}'),
 ('PluginPrivileges', 'plugin/plugin_routes.go', r'var privileges (\w+)\.(\w+)'),
 ('AuthConfig', 'system/system_routes.go', r'var config \*(\w+)\.(\w+)'),
 ('SwarmInit', 'swarm/cluster_routes.go', r'initCluster.*?var req (\w+)\.(\w+)'),
 ('SwarmJoin', 'swarm/cluster_routes.go', r'joinCluster.*?var req (\w+)\.(\w+)'),
 ('SwarmSpec', 'swarm/cluster_routes.go', r'updateCluster.*?var swarm (\w+)\.(\w+)'),
 ('SwarmUnlock', 'swarm/cluster_routes.go', r'unlockCluster.*?var req (\w+)\.(\w+)'),
 ('ServiceSpec', 'swarm/cluster_routes.go', r'createService.*?var service (\w+)\.(\w+)'),
 ('NodeSpec', 'swarm/cluster_routes.go', r'updateNode.*?var node (\w+)\.(\w+)'),
 ('SecretSpec', 'swarm/cluster_routes.go', r'createSecret.*?var secret (\w+)\.(\w+)'),
 ('ConfigSpec', 'swarm/cluster_routes.go', r'createConfig.*?var config (\w+)\.(\w+)'),
]
imports = {}
entries = []
found = []
for label, f, rx in specs:
    p = os.path.join(R, f)
    if not os.path.exists(p): continue
    src = open(p).read()
    m = re.search(rx, src, re.S)
    if not m: continue
    alias, name = m.group(1), m.group(2)
    imp = imports_of(src)
    if alias not in imp: 
        print('noimport', label, alias, file=sys.stderr); continue
    path = imp[alias]
    a2 = 'i_' + re.sub(r'\W', '_', path.split('docker/docker/')[-1])
    imports[a2] = path
    entries.append('\t\t"%s": reflect.TypeOf(%s.%s{}),' % (label, a2, name))
    found.append('%s=%s.%s' % (label, path.split('/')[-1], name))
legacy = os.path.exists(os.path.join(root, 'runconfig/config_unix.go'))
imports['p_container'] = 'github.com/docker/docker/api/types/container'
imports['p_network'] = 'github.com/docker/docker/api/types/network'
if legacy:
    wrapper = '''type createWrapper struct {
	*p_container.Config
	InnerHostConfig       *p_container.HostConfig      `json:"HostConfig,omitempty"`
	Cpuset                string                       `json:",omitempty"`
	NetworkingConfig      *p_network.NetworkingConfig  `json:"NetworkingConfig,omitempty"`
	*p_container.HostConfig
}'''
else:
    wrapper = '''type createWrapper struct {
	*p_container.Config
	HostConfig       *p_container.HostConfig      `json:"HostConfig,omitempty"`
	NetworkingConfig *p_network.NetworkingConfig  `json:"NetworkingConfig,omitempty"`
}'''
entries += ['\t\t"CreateBody": reflect.TypeOf(createWrapper{}),',
            '\t\t"Config": reflect.TypeOf(p_container.Config{}),',
            '\t\t"HostConfig": reflect.TypeOf(p_container.HostConfig{}),',
            '\t\t"NetworkingConfig": reflect.TypeOf(p_network.NetworkingConfig{}),']
src = open('/tmp/fieldtool/describe.go.tmpl').read()
src = src.replace('import (\n', 'import (\n' + ''.join('\t%s "%s"\n' % (a, p) for a, p in sorted(imports.items())), 1)
src += '\n' + wrapper + '\n\nfunc main() {\n\temit(map[string]reflect.Type{\n' + '\n'.join(entries) + '\n\t})\n}\n'
os.makedirs(os.path.join(root, 'zzfields'), exist_ok=True)
open(os.path.join(root, 'zzfields/main.go'), 'w').write(src)
print(tag, 'legacy' if legacy else 'new', ' '.join(found))
