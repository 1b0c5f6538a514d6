import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { untilStopped } from '../interruption.js';
import { openStore } from '../store-access.js';

/** On the CA host of a shared inventory: signs login nodes' requests until SIGTERM or SIGINT. */
export async function caServeCommand(context: Context, options: GlobalOptions): Promise<CommandResult> {
  const store = await openStore(context, options);
  try {
    const service = await store.startSigningService((line) => process.stderr.write(`dockauth ca serve: ${line}\n`));
    await untilStopped();
    await service.close();
    return { changed: false, stopped: true, answered: service.answered };
  } finally {
    await store.close();
  }
}
