import { describeAttacks } from './attack-suite.js';
import { e2eSkipReason } from './engine.js';

// The attacks an ordinary user can make with a valid certificate, replayed on the system's dockerd.
const skip = e2eSkipReason();
const required = process.env.DOCKAUTH_E2E === 'required';
if (skip && required) {
  test('the attack suite can run (DOCKAUTH_E2E=required)', () => {
    throw new Error(`the attack suite cannot run: ${skip}`);
  });
} else if (skip) {
  test.skip(`attacks on a real dockerd (skipped: ${skip})`, () => undefined);
} else {
  describeAttacks('dockerd (system)');
}
