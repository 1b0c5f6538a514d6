import { webcrypto } from 'node:crypto';

/** The native WebCrypto implementation, passed explicitly to every crypto call. */
export const nativeCrypto = webcrypto as unknown as Crypto;
