import { describeCause, DockauthError } from '../errors.js';
import type { KeyType } from '../keys/key-type.js';
import type { CaStore } from './ca-store.js';
import type { PostgresInventory } from './postgres-inventory.js';
import { SIGNING_WAIT_MS } from './signing-forwarder.js';

export interface SigningService {
  /** Requests answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

/**
 * The CA host's side of forwarded requests: on each notice (and every few seconds),
 * takes pending requests (FOR UPDATE SKIP LOCKED: two services never sign one twice),
 * signs each with the client profile, and records certificate and answer in one
 * transaction. A bad name or key is refused with the reason; a request older than a
 * login node waits is refused, so no certificate is made that nobody will install.
 */
export async function startSigningService(store: CaStore, inventory: PostgresInventory, log: (line: string) => void, now: () => Date): Promise<SigningService> {
  await store.assertCanSign();
  let answered = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const batch = async (): Promise<number> =>
    inventory.withTransaction(async (client, tx) => {
      const pending = await client.query(`SELECT * FROM signing_requests WHERE state = 'pending' ORDER BY id LIMIT 32 FOR UPDATE SKIP LOCKED`);
      for (const row of pending.rows) {
        const answer = async (state: 'signed' | 'refused', serial: string | null, error: string | null): Promise<void> => {
          await client.query(`UPDATE signing_requests SET state = $1, serial = $2, error = $3, answered_at = $4 WHERE id = $5`, [state, serial, error, now().getTime(), row.id]);
          answered++;
        };
        if (now().getTime() - Number(row.requested_at) > SIGNING_WAIT_MS + 5000) {
          await answer('refused', null, 'the request waited too long (was the CA host down?): run the command again');
          continue;
        }
        try {
          const issued = await store.signForRequest({
            user: row.user,
            groups: JSON.parse(row.groups_json) as string[],
            publicKeyFrom: { publicKeyPem: row.public_key_pem, keyType: row.key_type as KeyType },
            ...(row.duration_ms === null ? {} : { durationMs: Number(row.duration_ms) }),
            ...(row.destination === null ? {} : { destination: row.destination }),
          });
          if (!(await tx.insert(issued.record))) throw new Error('serial already taken; ask again');
          await answer('signed', issued.record.serial, null);
          log(`signed ${issued.record.serial} for ${row.user}, asked by ${row.requested_by} on ${row.host}`);
        } catch (error) {
          if (!(error instanceof DockauthError)) throw error;
          await answer('refused', null, describeCause(error));
          log(`refused a request for ${row.user} by ${row.requested_by} on ${row.host}: ${describeCause(error)}`);
        }
      }
      return pending.rows.length;
    });

  const drain = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          while (!closed && (await batch()) > 0);
        } catch (error) {
          log(`failed to answer signing requests: ${describeCause(error)}; retrying`);
        }
      } while (again && !closed);
    })().finally(() => (running = undefined));
    return running;
  };

  const listener = await inventory.listen('dockauth_signing_requests', () => void drain());
  // A notice can be missed while reconnecting: look every few seconds too.
  const timer = setInterval(() => void drain(), 3000);
  await drain();
  log(`signing requests from login nodes in ${inventory.where}`);
  return {
    get answered() {
      return answered;
    },
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
      await listener.end().catch(() => undefined);
    },
  };
}
