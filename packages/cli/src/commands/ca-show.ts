import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { openStore } from '../store-access.js';
import { describeCa } from './describe.js';

export async function caShowCommand(context: Context, options: GlobalOptions): Promise<CommandResult> {
  const store = await openStore(context, options);
  try {
    const ca = await describeCa(store);
    const certificates = await store.count();
    const revoked = await store.count({ status: 'revoked' });
    context.out.say(`CA          ${ca.subject}`);
    context.out.say(`key type    ${ca.keyType}`);
    context.out.say(`serial      ${ca.serial}`);
    context.out.say(`valid       ${ca.notBefore} to ${ca.notAfter}`);
    context.out.say(`sha256      ${ca.sha256}`);
    context.out.say(`files       ${ca.certificate}, ${ca.key}`);
    context.out.say(`inventory   ${certificates} certificates, ${revoked} revoked (${store.inventoryWhere})`);
    return { changed: false, dir: context.dir, ca, inventory: { certificates, revoked } };
  } finally {
    await store.close();
  }
}
