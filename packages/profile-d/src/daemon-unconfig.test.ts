import { mergeDaemonConfig } from './daemon-config.js';
import { unmergeDaemonConfig } from './daemon-unconfig.js';

const settings = { tlsCaCert: '/etc/docker/ssl/ca.pem', tlsCert: '/etc/docker/ssl/server-cert.pem', tlsKey: '/etc/docker/ssl/server-key.pem', hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376'], authz: true };

describe('unmergeDaemonConfig: dockauth\'s keys back out', () => {
  test.each<[string, Record<string, unknown>]>([
    ['no file before', {}],
    ['other keys', { debug: true, 'data-root': '/srv/docker' }],
    ['another plugin and hosts', { 'authorization-plugins': ['other'], hosts: ['fd://'] }],
    ['the site\'s own log bounds', { 'log-opts': { 'max-size': '50m' } }],
    ['a log option without bounds', { 'log-opts': { labels: 'x' } }],
    ['an older TLS setup', { tls: true, tlscert: '/old/cert.pem' }],
    ['a log driver that takes no bounds', { 'log-driver': 'journald' }],
  ])('configure then unconfigure is the identity: %s', (_name, before) => {
    const merged = mergeDaemonConfig(before, settings).config;
    expect(unmergeDaemonConfig(merged, before).config).toEqual(before);
  });

  test('what the site changed since stays; exactly dockauth\'s keys go (no backup: before is {})', () => {
    const merged = mergeDaemonConfig({ debug: true }, { ...settings, userNamespaceRemap: 'default' }).config;
    const edited = { ...merged, 'live-restore': true, 'authorization-plugins': ['dockauth', 'later'] };
    const { config, removedKeys } = unmergeDaemonConfig(edited);
    expect(config).toEqual({ debug: true, 'live-restore': true, 'authorization-plugins': ['later'] });
    expect(removedKeys.sort()).toEqual(['authorization-plugins', 'hosts', 'log-opts', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify', 'userns-remap']);
  });

  test('nothing of dockauth\'s: nothing removed', () => {
    expect(unmergeDaemonConfig({ debug: true })).toEqual({ config: { debug: true }, removedKeys: [] });
  });
});
