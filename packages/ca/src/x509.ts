// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the
// reflect polyfill loaded first; every module of ours imports x509 from here.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

export * from '@peculiar/x509';

/** The native WebCrypto implementation, passed explicitly to every x509 call. */
export const nativeCrypto = webcrypto as unknown as Crypto;
