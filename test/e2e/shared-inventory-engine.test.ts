import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { describeWithPostgres, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, removeUser, type LocalUser } from '../support/users.js';
import { asUser, dockauthOk, e2eSkipReason, startEngine, type Engine } from './engine.js';
import { engineBuild } from './engines.js';

/**
 * A real dockerd on a docker host that joined a shared inventory (a read-only role, no key):
 * a user onboarded on the CA host runs docker; revoked on the CA host, the real docker CLI is
 * refused through that dockerd, without touching the docker host. The time is reported.
 */
const build = engineBuild('bookworm');
const skip = e2eSkipReason(build);
const describeEngine = (title: string, body: () => void): void => {
  if (skip && process.env.DOCKAUTH_E2E === 'required') {
    test(`${title}: the engine can run (DOCKAUTH_E2E=required)`, () => {
      throw new Error(`cannot run on dockerd ${build.name}: ${skip}`);
    });
  } else if (skip) {
    test.skip(`${title} (skipped: ${skip})`, () => undefined);
  } else {
    describeWithPostgres(title, body);
  }
};

describeEngine(`dockerd ${build.name} on a docker host of a shared inventory`, () => {
  let db: TestPostgres;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let user: LocalUser;
  let caDir: string;
  let profile: string;

  beforeAll(async () => {
    db = await startTestPostgres();
    temp = makeTempDir('dapg-');
    chmodSync(temp.dir, 0o755);
    caDir = join(temp.dir, 'ca-host');
    const ca = dockauthOk(caDir);
    ca(['ca', 'init', '--cn', 'E2E Fleet CA', '--inventory', db.owner.url, '--inventory-password-file', db.owner.passwordFile]);
    ca(['server', 'issue', '--host', 'localhost', '--ip', '127.0.0.1', '--out', join(temp.dir, 'ssl')]);
    ca(['authz', 'init']);
    const dockerHost = join(temp.dir, 'docker-host');
    dockauthOk(dockerHost)(['ca', 'init', '--join', '--inventory', db.reader.url, '--inventory-password-file', db.reader.passwordFile]);
    user = createUser('e2p');
    ca(['user', 'add', user.name]);
    engine = await startEngine({ build, dir: temp.dir, state: dockerHost, policyText: readFileSync(join(caDir, 'policy.yaml'), 'utf8'), label: 'shared' });
    ca(['profile-d', '--out', join(temp.dir, 'profile.d'), '--docker-host', engine.dockerHost]);
    profile = join(temp.dir, 'profile.d', 'dockauth.sh');
  }, 240_000);

  afterAll(async () => {
    await engine?.stop();
    if (user) removeUser(user);
    await db?.cleanup();
    temp?.cleanup();
  }, 120_000);

  test('the user runs docker; revoked on the CA host, the real docker CLI is refused through this dockerd', async () => {
    expect(asUser(user.name, profile, 'docker ps -q', {}, build)).toMatchObject({ status: 0 });
    const revoked = dockauth(['--dir', caDir, 'user', 'revoke', user.name, '--docker-socket', 'none']);
    expect([revoked.status, revoked.stderr]).toEqual([0, '']);
    const admin = await db.admin();
    const revokedAt = Number((await admin.query(`SELECT max(revoked_at) AS at FROM certificates WHERE "user" = $1`, [user.name])).rows[0].at);
    await admin.end();
    let refused: { status: number; stderr: string } | undefined;
    for (let attempt = 0; attempt < 100 && !refused; attempt++) {
      const result = asUser(user.name, profile, 'docker ps -q', {}, build);
      if (result.status !== 0) refused = result;
    }
    const took = Date.now() - revokedAt;
    expect(refused?.stderr).toMatch(/authorization denied by plugin dockauth-e2e-[0-9a-f]+: certificate [0-9a-f]+ was revoked/);
    console.log(`dockerd ${build.name}: the revoked user's docker ps refused ${took} ms after the CA host's revocation timestamp (su + docker CLI included)`);
  });
});
