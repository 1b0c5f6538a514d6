import { readFileSync } from 'node:fs';
import { actionAllowed, effectiveRules, parsePolicy, PolicyError } from '@dockauth/authz';
import { renderPolicy } from '@dockauth/profile-d';

// What profile-d writes, authz must read: the bundled template and the generated sections.
const template = readFileSync(new URL('../templates/policy.yaml', import.meta.url), 'utf8');

describe('the bundled policy', () => {
  test('the template parses, and its base allows the everyday actions and nothing that reaches the host', () => {
    const policy = parsePolicy(renderPolicy(template), 'policy.yaml');
    const rules = effectiveRules(policy, 'alice', []);
    for (const action of ['container.create', 'container.start', 'exec.start', 'image.pull', 'volume.create']) expect([action, actionAllowed(rules, action)]).toEqual([action, true]);
    for (const action of ['container.archive.write', 'container.commit', 'image.tag', 'image.import', 'plugin', 'swarm', 'container.prune', 'system.auth', 'distribution.inspect']) {
      expect([action, actionAllowed(rules, action)]).toEqual([action, false]);
    }
    expect(rules).toMatchObject({ runAs: 'self', noNewPrivileges: true, hostNetwork: false, privilegedPorts: false, mounts: ['~'], build: false });
    expect(rules.limits).toMatchObject({ shmSize: 1024 ** 3, tmpfsSize: 1024 ** 3, pids: 4096, logMaxSize: 100 * 1024 ** 2, logMaxFile: 5 });
    expect([...rules.restartPolicies].filter(Boolean)).toEqual(['no']);
    expect(rules.images.allow.some((pattern) => pattern.test('docker.io/alice/tool:1'))).toBe(true);
    expect(rules.images.allow.some((pattern) => pattern.test('docker.io/bob/tool:1'))).toBe(false);
    expect(rules.images.allow.some((pattern) => pattern.test('docker.io/library/busybox:1.36'))).toBe(true);
  });

  test('generated group and user sections accumulate in order: base, groups, user', () => {
    const text = renderPolicy(template, {
      groups: { gpu: { devices: ['gpus'], mounts: ['/scratch'] }, staff: { allow: ['image.tag'] } },
      users: { alice: { images: { allow: ["^registry\\.example\\.org/alice/"] }, run_as: 'any' } },
    });
    const policy = parsePolicy(text, 'policy.yaml');
    const rules = effectiveRules(policy, 'alice', ['gpu']);
    expect(rules.sections).toEqual(['base', 'groups.gpu', 'users.alice']);
    expect(rules.mounts).toEqual(['~', '/scratch']);
    expect([...rules.devices]).toEqual(['gpus']);
    expect(rules.runAs).toBe('any');
    expect(rules.images.allow.some((pattern) => pattern.test('registry.example.org/alice/tool:1'))).toBe(true);
    expect(actionAllowed(effectiveRules(policy, 'bob', ['staff']), 'image.tag')).toBe(true);
    expect(actionAllowed(effectiveRules(policy, 'bob', []), 'image.tag')).toBe(false);
  });

  test('a value with quotes or YAML syntax stays a value', () => {
    const text = renderPolicy(template, { users: { alice: { mounts: ["/srv/it's: [weird]"] } } });
    expect(effectiveRules(parsePolicy(text, 'p'), 'alice', []).mounts).toContain("/srv/it's: [weird]");
    expect(() => renderPolicy(template, { users: { 'bad name': {} } })).toThrow(/not a valid name/);
  });

  test.each([
    ['a YAML syntax error', 'version: 1\nbase:\n  allow: [system.ping\n', /p\.yaml:\d+:\d+: /],
    ['an unknown setting', 'version: 1\nbase:\n  alow: [system.ping]\n', /p\.yaml:3:3: unknown setting "alow" in base/],
    ['a bad regular expression', "version: 1\nbase:\n  images:\n    allow: ['(']\n", /p\.yaml:4:5: base\.images\.allow: "\(" is not a regular expression/],
    ['a wrong version', 'version: 2\nbase: {}\n', /version must be 1/],
    ['a bad run_as', 'version: 1\nusers:\n  bob:\n    run_as: root\n', /p\.yaml:4:13: users\.bob\.run_as must be "self" or "any"/],
    ['a duplicate key', 'version: 1\nbase: {}\nbase: {}\n', /p\.yaml:3:1: /],
    ['a limit that is not a size', 'version: 1\nbase:\n  limits:\n    shm_size: lots\n', /p\.yaml:4:15: base\.limits\.shm_size must be a size/],
    ['an unknown limit', 'version: 1\nbase:\n  limits:\n    cpus: 2\n', /p\.yaml:4:5: unknown limit "cpus"/],
    ['an unknown restart policy', 'version: 1\nbase:\n  restart_policies: [sometimes]\n', /"sometimes" is not a restart policy/],
  ])('%s is refused with its line and column', (_case, text, message) => {
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(PolicyError);
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(message);
  });
});
