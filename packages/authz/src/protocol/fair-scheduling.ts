/**
 * One user must not hold up another's decision. Large decisions run one at a time per user
 * (a user's second request waits for their first, not in front of everyone else's),
 * and a request too large to judge within a few milliseconds is refused before it is
 * parsed: dockerd forwards bodies up to 1 MiB, whose decoding alone would hold the
 * plugin's one thread for tens of milliseconds.
 */

/** The largest AuthZReq (the body base64-encoded inside it) the plugin parses for a TLS user. */
export const MAX_AUTHZ_REQUEST_BYTES = 192 * 1024;

/**
 * Calls up to this size are decided at once, side by side: a decision on them costs about
 * a tenth of a millisecond, so they cannot hold anyone up (and a user's burst of them is
 * audited in one write). Larger ones, whose decoding takes milliseconds, queue per user.
 */
export const SMALL_AUTHZ_REQUEST_BYTES = 16 * 1024;

export interface PeekedRequest {
  /** dockerd named a TLS user (possibly "", a certificate without a CN). */
  tls: boolean;
  user: string;
  method: string;
  uri: string;
}

// Go's encoder writes the fields in order and omits the empty ones: User, UserAuthNMethod, RequestMethod, RequestUri.
const HEAD = /^\{(?:"User":"((?:[^"\\]|\\.)*)",)?(?:"UserAuthNMethod":"((?:[^"\\]|\\.)*)",)?(?:"RequestMethod":"([A-Z]*)",)?(?:"RequestUri":"((?:[^"\\]|\\.)*)")?/;

/** Who is asking, read from the head of an AuthZReq without parsing the rest; scheduling only, never the decision. */
export function peekRequest(raw: Buffer): PeekedRequest {
  const match = HEAD.exec(raw.subarray(0, 2048).toString('latin1'));
  const unescape = (text: string | undefined): string => {
    try {
      return text === undefined ? '' : (JSON.parse(`"${text}"`) as string);
    } catch {
      return '';
    }
  };
  return { tls: (match?.[2] ?? '') !== '' || (match?.[1] ?? '') !== '', user: unescape(match?.[1]), method: match?.[3] ?? '', uri: unescape(match?.[4]) };
}

/** Runs tasks one at a time per key, keys side by side. */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/** The client's certificate (PEM) from the end of an AuthZReq, where Go writes RequestPeerCertificates last. */
export function peekCertificate(tail: Buffer | undefined): string | undefined {
  const match = tail ? /"RequestPeerCertificates":\["([A-Za-z0-9+/=]+)"/.exec(tail.toString('latin1')) : null;
  return match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : undefined;
}
