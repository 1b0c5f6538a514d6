import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_BYPASSES, PLUGIN_MIN_API_VERSION, bypassStatus, checkEngine, engineFindings, parseEngineVersion, readEngineVersion } from './doctor-engine.js';
import type { Finding } from './doctor.js';

const SOCKET = '/run/docker.sock';

/** id → status for every known bypass, for one version string as dockerd reports it. */
function statuses(version: string): Record<string, string> {
  const release = parseEngineVersion(version);
  if (!release) throw new Error(`test version ${version} does not parse`);
  return Object.fromEntries(KNOWN_BYPASSES.map((bypass) => [bypass.id, bypassStatus(bypass, release)]));
}

describe('which known authorization-plugin bypasses a dockerd version has', () => {
  test.each([
    // Docker's own builds: the upstream number is the whole story.
    ['18.09.9', 'not-yet', 'affected'],
    ['20.10.24', 'affected', 'affected'],
    ['23.0.14', 'affected', 'affected'],
    ['23.0.15', 'fixed', 'affected'],
    ['25.0.5', 'affected', 'affected'],
    ['25.0.6', 'fixed', 'affected'],
    ['25.0.16', 'fixed', 'fixed'],
    ['26.0.2', 'affected', 'affected'],
    ['26.1.4', 'affected', 'affected'],
    ['26.1.5', 'fixed', 'affected'],
    ['27.0.3', 'affected', 'affected'],
    ['27.1.0', 'affected', 'affected'],
    ['27.1.1', 'fixed', 'affected'],
    ['28.5.2', 'fixed', 'affected'],
    ['29.3.0', 'fixed', 'affected'],
    ['29.3.1', 'fixed', 'fixed'],
    ['29.4.0-rc.1', 'fixed', 'fixed'],
    // Debian's builds report "+dfsgN" but not the package revision that may carry a backport.
    ['20.10.24+dfsg1', 'ask-the-distribution', 'ask-the-distribution'],
    ['26.1.5+dfsg1', 'fixed', 'ask-the-distribution'],
    ['28.5.2+dfsg4', 'fixed', 'ask-the-distribution'],
  ])('%s: CVE-2024-41110 %s, CVE-2026-34040 %s', (version, cve2024, cve2026) => {
    expect(statuses(version)).toEqual({ 'CVE-2024-41110': cve2024, 'CVE-2026-34040': cve2026 });
  });

  test('an affected upstream build is a warning that names the fix and what the plugin does about it', () => {
    const findings = engineFindings({ version: '26.1.4', apiVersion: '1.45' }, SOCKET);
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', check: 'engine', message: expect.stringMatching(/^dockerd 26\.1\.4 \(API 1\.45\) has CVE-2024-41110: .*chunked.*dockauth denies any request whose body dockerd reads but did not forward/), fix: 'upgrade dockerd to 26.1.5 or later in the 26.1 series, or 27.1.1+' }),
      expect.objectContaining({ severity: 'warning', check: 'engine', message: expect.stringMatching(/has CVE-2026-34040: .*over 1 MiB/), fix: 'upgrade dockerd to 29.3.1 or later (or Debian 13 docker.io 26.1.5+dfsg1-9+deb13u1)' }),
    ]);
  });

  test('a distribution build is told which package fixed it and where to look', () => {
    const [finding] = engineFindings({ version: '28.5.2+dfsg4', apiVersion: '1.51' }, SOCKET);
    expect(finding).toMatchObject({ severity: 'warning', check: 'engine' });
    expect(finding?.message).toContain('CVE-2026-34040 (fixed in Debian unstable docker.io 28.5.2+dfsg4-2;');
    expect(finding?.fix).toMatch(/^check the package's changelog for CVE-2026-34040 \(Debian: zcat .*\); else upgrade dockerd to 29\.3\.1 or later/);
  });

  test('a fixed engine gets one ok finding naming what was checked', () => {
    expect(engineFindings({ version: '29.3.1', apiVersion: '1.54' }, SOCKET)).toEqual([
      { severity: 'ok', check: 'engine', message: 'dockerd 29.3.1 (API 1.54) has none of the known authorization-plugin bypasses (CVE-2024-41110, CVE-2026-34040)' },
    ]);
  });

  test('an engine older than the API the plugin checks is an error; a version doctor cannot read is a warning', () => {
    expect(engineFindings({ version: '18.09.9', apiVersion: '1.39' }, SOCKET)).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('older than the API 1.40 dockauth checks') }));
    expect(engineFindings({ version: 'master-dockerproject-2026' }, SOCKET)).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('which doctor cannot read') })]);
  });

  test('the API floor is the plugin\'s own (packages/authz MIN_API_VERSION)', () => {
    const source = readFileSync(new URL('../../../authz/src/decode/request-path.ts', import.meta.url), 'utf8');
    expect(/export const MIN_API_VERSION = '([\d.]+)'/.exec(source)?.[1]).toBe(PLUGIN_MIN_API_VERSION);
  });
});

describe('asking dockerd for its version over a unix socket', () => {
  let dir: string;
  let server: Server;
  let answer: (path: string | undefined) => [number, string];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-engine-'));
    server = createServer((req, res) => {
      const [status, body] = answer(req.url);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET /version is read as dockerd answers it', async () => {
    answer = (path) => (path === '/version' ? [200, JSON.stringify({ Version: '26.1.5+dfsg1', ApiVersion: '1.45', MinAPIVersion: '1.24', Os: 'linux' })] : [404, '{}']);
    await expect(readEngineVersion(join(dir, 'docker.sock'))).resolves.toEqual({ version: '26.1.5+dfsg1', apiVersion: '1.45', minApiVersion: '1.24' });
    const findings: Finding[] = [];
    await checkEngine(join(dir, 'docker.sock'), true, findings);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', check: 'engine', message: expect.stringContaining('dockerd 26.1.5+dfsg1 (API 1.45) is a distribution build of a release with CVE-2026-34040') })]);
  });

  test('an engine that does not answer as dockerd is a warning saying the bypasses were not checked', async () => {
    answer = () => [403, '{"message":"authorization denied by plugin x"}'];
    const findings: Finding[] = [];
    await checkEngine(join(dir, 'docker.sock'), true, findings);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', check: 'engine', message: expect.stringMatching(/could not ask dockerd on .*docker\.sock for its version \(GET \/version answered 403: .*\): known authorization-plugin bypasses were not checked/) })]);
  });

  test('no socket, no question', async () => {
    const findings: Finding[] = [];
    await expect(checkEngine(join(dir, 'none.sock'), false, findings)).resolves.toBeUndefined();
    expect(findings).toEqual([]);
  });
});
