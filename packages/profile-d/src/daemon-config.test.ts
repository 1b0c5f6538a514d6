import { checkListenUrl, mergeDaemonConfig, parseDockerHost, renderDaemonConfig } from './index.js';

const settings = {
  tlsCaCert: '/etc/docker/ssl/ca.pem',
  tlsCert: '/etc/docker/ssl/server-cert.pem',
  tlsKey: '/etc/docker/ssl/server-key.pem',
  hosts: ['fd://', 'tcp://0.0.0.0:2376'],
  authz: true,
};

describe('daemon.json merge', () => {
  test('keeps every other key and its order, adds ours, and reports what changed', () => {
    const existing = { 'data-root': '/srv/docker', 'log-driver': 'journald', tls: false, 'authorization-plugins': ['opa'] };
    const { config, changedKeys } = mergeDaemonConfig(existing, settings);
    expect(Object.keys(config).slice(0, 3)).toEqual(['data-root', 'log-driver', 'tls']);
    expect(config).toMatchObject({ 'data-root': '/srv/docker', 'log-driver': 'journald', tls: true, tlsverify: true, 'authorization-plugins': ['opa', 'dockauth'] });
    expect(changedKeys).toEqual(['tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey', 'hosts', 'authorization-plugins']);
    expect(mergeDaemonConfig({}, settings).changedKeys).toContain('log-opts');
    expect(mergeDaemonConfig(config, settings).changedKeys).toEqual([]);
  });

  test('each container\'s log is bounded by dockerd where the site set no bound; a site\'s own bound or driver is kept', () => {
    expect(mergeDaemonConfig({}, settings).config['log-opts']).toEqual({ 'max-size': '10m', 'max-file': '3' });
    expect(mergeDaemonConfig({ 'log-opts': { compress: 'true', 'max-file': '9' } }, settings).config['log-opts']).toEqual({ compress: 'true', 'max-file': '9', 'max-size': '10m' });
    expect(mergeDaemonConfig({ 'log-opts': { 'max-size': '1g' } }, settings).config['log-opts']).toEqual({ 'max-size': '1g' });
    // journald takes no max-size: dockerd would refuse to start.
    expect('log-opts' in mergeDaemonConfig({ 'log-driver': 'journald' }, settings).config).toBe(false);
  });

  test('--no-authz removes only our plugin, and the key when nothing is left', () => {
    expect(mergeDaemonConfig({ 'authorization-plugins': ['opa', 'dockauth'] }, { ...settings, authz: false }).config['authorization-plugins']).toEqual(['opa']);
    expect('authorization-plugins' in mergeDaemonConfig({ 'authorization-plugins': ['dockauth'] }, { ...settings, authz: false }).config).toBe(false);
  });

  test('userns-remap is written only when asked; output is JSON dockerd can read', () => {
    expect(mergeDaemonConfig({}, settings).config['userns-remap']).toBeUndefined();
    const text = renderDaemonConfig(mergeDaemonConfig({}, { ...settings, userNamespaceRemap: 'default' }).config);
    expect(JSON.parse(text)['userns-remap']).toBe('default');
    expect(text.endsWith('}\n')).toBe(true);
  });

  test.each([
    ['tcp://0.0.0.0:2376', undefined],
    ['tcp://[::1]:2376', undefined],
    ['tcp://0.0.0.0', /port written out/],
    ['tcp://host:99999', /out of range/],
    ['unix:///var/run/docker.sock', /tcp:\/\/ADDRESS:PORT/],
  ])('listen URL %s', (url, problem) => {
    const found = checkListenUrl(url);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  test('a DOCKER_HOST must carry its port', () => {
    expect(parseDockerHost('tcp://docker.example.org:2376')).toMatchObject({ host: 'docker.example.org', port: 2376 });
    expect(parseDockerHost('tcp://docker.example.org')).toMatch(/port is missing/);
    expect(parseDockerHost("tcp://x';id;':2376")).toMatch(/expected tcp:\/\/HOST:PORT/);
  });
});
