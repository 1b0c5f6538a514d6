import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../../support/dockauth.js';
import { IMAGE, type AttackContext } from './context.js';
import { hex, runAsync, sleep, type Run } from './run.js';

/** Class 5: identity edge cases (forged or empty certificate names, revocation). */
export function describeCertificates(ctx: AttackContext): void {
  const { self, as, running, expectNoNewContainer, expectRefusedByPlugin, auditLines, auditSince } = ctx;
  describe('5. identity edge cases', () => {
    /** A client certificate signed with the dockauth CA's own key by openssl, never recorded in the inventory. */
    const forge = (subject: string): string => {
      const dir = mkdtempSync(join(ctx.temp.dir, 'forged-'));
      const ext = join(dir, 'ext.cnf');
      writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
      const openssl = (args: string[]): void => {
        const result = spawnSync('openssl', args, { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
      };
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-subj', subject, '-out', join(dir, 'req.csr')]);
      openssl(['x509', '-req', '-in', join(dir, 'req.csr'), '-CA', join(ctx.state, 'ca.pem'), '-CAkey', join(ctx.state, 'ca-key.pem'), '-set_serial', `0x${hex(12)}`, '-days', '2', '-extfile', ext, '-out', join(dir, 'cert.pem')]);
      copyFileSync(join(ctx.ssl, 'ca.pem'), join(dir, 'ca.pem'));
      return dir;
    };
    /** The docker CLI with a certificate directory, run as root (only the certificate names anyone to dockerd). */
    const dockerWith = (certDir: string, args: string): Promise<Run> =>
      runAsync('sh', ['-c', `docker ${args}`], {
        env: { ...process.env, DOCKER_HOST: ctx.engine.dockerHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir, DOCKER_CONTEXT: '', DOCKER_CONFIG: join(certDir, 'config') },
      });

    test('a certificate signed by the dockauth CA with no CN (the user is "") is refused for every request, and audited', async () => {
      const dir = forge('/O=dockauth');
      const mark = auditLines().length;
      const list = await dockerWith(dir, 'ps -a');
      const info = await dockerWith(dir, 'info');
      const create = await expectNoNewContainer(() => dockerWith(dir, `create --privileged -v /:/host ${IMAGE} true`));
      const records = auditSince(mark);
      expect({ records: records.length > 0, allowed: records.filter((record) => record.decision !== 'deny').map((record) => `${record.method} ${record.endpoint}`) }).toEqual({ records: true, allowed: [] });
      for (const result of [list, info, create]) expectRefusedByPlugin(result);
    });

    test.each([
      ['/CN=CAROL', 'a local user with no certificate'],
      ['/CN=ALICE', 'alice, forged'],
      ['/CN=root', 'root'],
    ])('a certificate with CN %s (%s) that the inventory does not hold is refused, no container', async (subject) => {
      const dir = forge(subject.replace('CAROL', ctx.carol.name).replace('ALICE', ctx.alice.name));
      const list = await dockerWith(dir, 'ps -a');
      const create = await expectNoNewContainer(() => dockerWith(dir, `create -u ${ctx.alice.uid}:${ctx.alice.gid} --security-opt no-new-privileges -v /:/host ${IMAGE} true`));
      expectRefusedByPlugin(list);
      expectRefusedByPlugin(create);
    });

    test('a container that would outlive a revocation (docker run -d --restart always) is refused, no container', async () => {
      const result = await expectNoNewContainer(() => as(ctx.dave, `docker run -d --restart always ${self(ctx.dave)} ${IMAGE} sleep 300`));
      expectRefusedByPlugin(result);
    });

    test('after dockauth user revoke, the user\'s running containers are stopped (and stay stopped)', async () => {
      const name = `${ctx.dave.name}-job-${hex()}`;
      const started = await as(ctx.dave, `docker run -d --name ${name} ${self(ctx.dave)} ${IMAGE} sleep 300`);
      expect(started.status).toBe(0);
      expect(running(name)).toBe('true');
      // Any DOCKER_HOST the command looks at names this engine's root socket.
      const revoked = dockauth(['--dir', ctx.state, 'user', 'revoke', ctx.dave.name, '--reason', 'keyCompromise'], { env: { DOCKER_HOST: `unix://${ctx.engine.rootSocket}` } });
      expect(revoked.status).toBe(0);
      const stopped = (): boolean => running(name) !== 'true';
      const end = Date.now() + 15_000;
      while (!stopped() && Date.now() < end) await sleep(250);
      await sleep(1500);
      expect({ runningAfterRevoke: running(name) === 'true' }).toEqual({ runningAfterRevoke: false });
      expectRefusedByPlugin(await as(ctx.dave, `docker start ${name}`));
    }, 40_000);
  });
}
