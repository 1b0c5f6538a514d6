import { hostname } from 'node:os';
import { InputError, OperationError } from '../errors.js';
import { DEFAULT_KEY_TYPE } from '../keys/key-type.js';
import { exportPrivateKeyPem, generateKeyPair } from '../keys/key-pair.js';
import { validateGroupName, validateLoginName } from '../names.js';
import type { ClientRequest, Issued, SignedBatch } from './issuance.js';
import type { PostgresInventory } from './postgres-inventory.js';

/** How long a login node waits for the CA host; the CA host refuses what is older (nobody waits for it). */
export const SIGNING_WAIT_MS = 30_000;

/**
 * A login node's way to client certificates without the CA key: it makes each key
 * pair here (the private key never leaves), queues the user's name and public key
 * in the shared inventory, and waits for the CA host (`dockauth ca serve`) to sign
 * and record them. Its database role needs INSERT on signing_requests, nothing more.
 */
export class SigningForwarder {
  constructor(
    private readonly inventory: PostgresInventory,
    private readonly now: () => Date,
    private readonly waitMs = Number(process.env.DOCKAUTH_SIGNING_WAIT_MS ?? SIGNING_WAIT_MS),
  ) {}

  /** This host may queue requests (its role's privilege), checked before anything is made. */
  async assertCanForward(): Promise<void> {
    const result = await this.inventory.query(`SELECT has_table_privilege('signing_requests', 'INSERT') AS can`);
    if (result.rows[0].can !== true) {
      throw new InputError(`failed to issue: this host has no CA key, and its role may not queue signing requests in ${this.inventory.where}`, {
        hint: 'run it on the CA host, or grant this login node INSERT on signing_requests (docs/multi-host.md)',
      });
    }
  }

  async signClients(requests: readonly ClientRequest[], onSigned: () => void = () => undefined): Promise<SignedBatch> {
    const prepared = await Promise.all(
      requests.map(async (request) => {
        const keyPair = await generateKeyPair(request.keyType ?? DEFAULT_KEY_TYPE);
        return {
          request,
          user: validateLoginName(request.user),
          groups: (request.groups ?? []).map((group) => validateGroupName(group)),
          keyType: keyPair.type,
          publicKeyPem: keyPair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          privateKeyPem: exportPrivateKeyPem(keyPair.privateKey),
        };
      }),
    );
    let answered = (): void => undefined;
    const listener = await this.inventory.listen('dockauth_signing_answers', () => answered());
    try {
      const ids = await this.inventory.withTransaction(async (client) => {
        const queued: string[] = [];
        for (const item of prepared) {
          const result = await client.query(
            `INSERT INTO signing_requests (requested_at, requested_by, host, "user", groups_json, public_key_pem, key_type, duration_ms, destination, state)
             VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING id`,
            [this.now().getTime(), hostname(), item.user, JSON.stringify(item.groups), item.publicKeyPem, item.keyType, item.request.durationMs ?? null, item.request.destination ?? null],
          );
          queued.push(String(result.rows[0].id));
        }
        return queued;
      });
      const answers = await this.waitForAnswers(ids, (wake) => (answered = wake));
      const items = [];
      for (const [index, id] of ids.entries()) {
        const answer = answers.get(id)!;
        if (answer.state === 'refused') throw new InputError(`failed to issue for ${prepared[index]!.user}: the CA host refused: ${answer.error}`);
        const record = await this.inventory.find(answer.serial);
        if (!record) throw new OperationError(`failed to issue for ${prepared[index]!.user}: the CA host answered with serial ${answer.serial}, which the inventory lacks`);
        const issued: Issued = { record, certificatePem: record.certificatePem, clampedToCa: false };
        items.push({ issued, privateKeyPem: prepared[index]!.privateKeyPem });
        onSigned();
      }
      return { items, recorded: true };
    } finally {
      await listener.end().catch(() => undefined);
    }
  }

  /** Until every request is answered (a notice, or a look every half second), or the wait runs out. */
  private async waitForAnswers(ids: string[], onNotice: (wake: () => void) => void): Promise<Map<string, { state: string; serial: string; error: string }>> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const result = await this.inventory.query(`SELECT id, state, serial, error FROM signing_requests WHERE id = ANY($1::bigint[]) AND state <> 'pending'`, [ids]);
      if (result.rows.length === ids.length) return new Map(result.rows.map((row) => [String(row.id), row]));
      if (Date.now() >= deadline) {
        throw new OperationError(`failed to issue: the CA host did not sign within ${this.waitMs / 1000} s (${ids.length - result.rows.length} of ${ids.length} requests unanswered in ${this.inventory.where})`, {
          hint: 'is `dockauth ca serve` running on the CA host? The CA host refuses requests nobody waits for any more; run the command again once it is up',
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        onNotice(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
