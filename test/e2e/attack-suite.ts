import { describeBinds } from './attacks/binds.js';
import { describeBounds } from './attacks/bounds.js';
import { describeCertificates } from './attacks/certificates.js';
import { useAttackContext } from './attacks/context.js';
import { describeFetches } from './attacks/fetches.js';
import { describeIdentity } from './attacks/identity.js';
import { describeInputs } from './attacks/inputs.js';
import { describeLegitimateWork } from './attacks/legitimate.js';
import { describeObjects } from './attacks/objects.js';
import { describeRequestLevel } from './attacks/request-level.js';
import { e2eSkipReason } from './engine.js';
import { engineBuild } from './engines.js';

/*
 * The attacks an ordinary user with nothing but a valid `dockauth user add` certificate and the
 * bundled policy can make on a real dockerd, replayed as tests. Every test asserts on what dockerd
 * did (no container made, an image ID unchanged, a secret not read, a listener never reached) and
 * that the request was refused — loosely ("authorization denied by plugin", a non-zero exit or an
 * HTTP error), never on the exact wording. Raw requests go through curl run as the user with their
 * own certificate, so the bytes are exactly what an attacker would send.
 *
 * One file under attacks/ per class of attack; attacks/context.ts holds the engine, the users
 * and the helpers they share.
 */

export function describeAttacks(suite: string, via: 'plugin' | 'gateway' = 'plugin'): void {
  const build = engineBuild(suite);
  const label = via === 'gateway' ? `dockerd ${build.name} via the gateway` : `dockerd ${build.name}`;
  const skip = e2eSkipReason(build);
  if (skip && process.env.DOCKAUTH_E2E === 'required') {
    test(`${label}: the attack suite can run (DOCKAUTH_E2E=required)`, () => {
      throw new Error(`the attack suite cannot run on ${label} (Debian ${build.suite}): ${skip}`);
    });
    return;
  }
  if (skip) {
    test.skip(`${label}: attacks on a real dockerd (skipped: ${skip})`, () => undefined);
    return;
  }
  describe(`${label}: attacks by an ordinary user with a valid certificate`, () => {
    const ctx = useAttackContext(build, label, via);
    describeInputs(ctx);
    describeIdentity(ctx);
    describeBinds(ctx);
    describeObjects(ctx);
    describeCertificates(ctx);
    describeFetches(ctx);
    describeBounds(ctx);
    describeRequestLevel(ctx);
    describeLegitimateWork(ctx);
  });
}
