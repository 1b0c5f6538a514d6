import { parseFlags } from './flags.js';
import { csvFields } from './mounts.js';
import { parseNormalizedNamed } from './reference.js';
import { encodeQuery, goMapJson, goPathEscape, goQueryEscape } from './request.js';
import { parseInteger, parseRestartPolicy, ramInBytes } from './units.js';

describe('sizes as units.RAMInBytes reads them', () => {
  test.each([
    ['0', 0], ['100', 100], ['5b', 5], ['5B', 5], ['64k', 65536], ['64KiB', 65536], ['1 kb', 1024], ['512m', 512 * 1024 ** 2],
    ['10MB', 10 * 1024 ** 2], ['1.5g', 1.5 * 1024 ** 3], ['2GB', 2 * 1024 ** 3], ['1t', 1024 ** 4], ['1p', 1024 ** 5], ['1.9', 1],
  ])('%s is %d bytes', (text, bytes) => {
    expect(ramInBytes('--memory', text)).toBe(bytes);
  });

  test.each(['', 'm', 'abc', '1x', '1kbb', '1bb', '1mib2', '-1', '1kB ', '1.2.3m'])('%j is not a size', (text) => {
    expect(() => ramInBytes('--memory', text)).toThrow(/not a size/);
  });
});

describe('numbers and restart policies as the CLI reads them', () => {
  test.each([['100', 100], ['-1', -1], ['0x10', 16], ['010', 8], ['0o10', 8], ['0b11', 3], ['0', 0]])('%s is %d', (text, value) => {
    expect(parseInteger('--pids-limit', text)).toBe(value);
  });

  test.each(['', '1.5', 'ten', '1e3', '08'])('%j is not a whole number', (text) => {
    expect(() => parseInteger('--pids-limit', text)).toThrow(/not a whole number/);
  });

  test.each([
    ['always', { Name: 'always', MaximumRetryCount: 0 }],
    ['on-failure:3', { Name: 'on-failure', MaximumRetryCount: 3 }],
    ['unless-stopped', { Name: 'unless-stopped', MaximumRetryCount: 0 }],
  ])('--restart %s', (text, policy) => {
    expect(parseRestartPolicy(text)).toEqual(policy);
  });

  test('a restart policy without a name or with a bad count is refused', () => {
    expect(() => parseRestartPolicy(':3')).toThrow(/no policy provided before colon/);
    expect(() => parseRestartPolicy('on-failure:x')).toThrow(/must be an integer/);
  });
});

describe('flags as pflag reads them', () => {
  const spec = { command: 'run', values: ['memory m', 'network|net'], booleans: ['detach d', 'interactive i', 'tty t', 'rm'], stopAtPositional: true };

  test.each([
    [['-dit', 'alpine'], [['detach', 'true'], ['interactive', 'true'], ['tty', 'true']], ['alpine']],
    [['-m512m', '-m=1g', '-m', '2g', 'alpine'], [['memory', '512m'], ['memory', '1g'], ['memory', '2g']], ['alpine']],
    [['-dm', '64m', 'alpine'], [['detach', 'true'], ['memory', '64m']], ['alpine']],
    [['--rm=false', '-d=0', 'alpine'], [['rm', 'false'], ['detach', 'false']], ['alpine']],
    [['--net', 'a', '--network=b', 'alpine'], [['network', 'a'], ['network', 'b']], ['alpine']],
    [['alpine', '-d', '--rm'], [], ['alpine', '-d', '--rm']],
    [['--', '-d'], [], ['-d']],
    [['-', 'x'], [], ['-', 'x']],
  ])('%j', (args, flags, positional) => {
    expect(parseFlags(args, spec)).toEqual({ flags, positional });
  });

  test('flags may follow the positional words of a command that allows it', () => {
    expect(parseFlags(['v', '-d', 'nfs'], { command: 'volume create', values: ['driver d'], booleans: [] })).toEqual({ flags: [['driver', 'nfs']], positional: ['v'] });
  });

  test('an unknown flag, or a shorthand of another command, is refused', () => {
    expect(() => parseFlags(['-x'], spec)).toThrow(/does not know the flag -x of docker run: use --request FILE/);
    expect(() => parseFlags(['--volume-driver', 'x'], spec)).toThrow(/does not know the flag --volume-driver/);
    expect(() => parseFlags(['-m'], spec)).toThrow(/flag needs an argument: -m/);
  });
});

describe('what the Go client writes', () => {
  test('url.QueryEscape and the path escaping of url.URL', () => {
    expect(goQueryEscape('a b/c:d@e~f_g.h-i!*()\'é')).toBe('a+b%2Fc%3Ad%40e~f_g.h-i%21%2A%28%29%27%C3%A9');
    expect(goPathEscape('/images/reg:5000/a@sha256:1 ?#')).toBe('/images/reg:5000/a@sha256:1%20%3F%23');
  });

  test('url.Values.Encode sorts keys bytewise and keeps every value of one in order', () => {
    expect(encodeQuery([['t', 'b'], ['Z', '1'], ['a', 'x'], ['t', 'a']])).toBe('Z=1&a=x&t=b&t=a');
  });

  test('json.Marshal of a map sorts keys as strings and escapes HTML', () => {
    expect(goMapJson(new Map<string, unknown>([['9', 'x'], ['10', null], ['a', '<&>']]))).toBe('{"10":null,"9":"x","a":"\\u003c\\u0026\\u003e"}');
  });

  test('encoding/csv fields', () => {
    expect(csvFields('type=bind,"src=/a,b",dst=/c')).toEqual(['type=bind', 'src=/a,b', 'dst=/c']);
    expect(csvFields('"a""b",')).toEqual(['a"b', '']);
    expect(() => csvFields('a"b')).toThrow(/bare "/);
  });
});

describe('image names as reference.ParseNormalizedNamed reads them', () => {
  test.each([
    ['busybox', { name: 'docker.io/library/busybox', tag: undefined, digest: undefined }],
    ['busybox:1.36', { name: 'docker.io/library/busybox', tag: '1.36', digest: undefined }],
    ['alice/tool', { name: 'docker.io/alice/tool', tag: undefined, digest: undefined }],
    ['index.docker.io/alice/tool:2', { name: 'docker.io/alice/tool', tag: '2', digest: undefined }],
    ['localhost/app', { name: 'localhost/app', tag: undefined, digest: undefined }],
    // An upper-case first component names a registry.
    ['Registry/app', { name: 'Registry/app', tag: undefined, digest: undefined }],
    ['reg.example.org:5000/team/app:2', { name: 'reg.example.org:5000/team/app', tag: '2', digest: undefined }],
    [`busybox:1@sha256:${'0'.repeat(64)}`, { name: 'docker.io/library/busybox', tag: '1', digest: `sha256:${'0'.repeat(64)}` }],
  ])('%s', (reference, parsed) => {
    expect(parseNormalizedNamed(reference)).toEqual(parsed);
  });

  test.each(['alice/Tool', '0'.repeat(64), 'busybox:', 'a//b'])('%j is not a reference the CLI takes', (reference) => {
    expect(() => parseNormalizedNamed(reference)).toThrow();
  });
});
