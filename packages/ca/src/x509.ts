// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the
// reflect polyfill loaded first; every module of ours imports x509 from here.
// Loaded only on the paths that build or parse certificates with it (issuing, CSRs):
// it is the heaviest thing dockauth loads, and most commands never need it.
import 'reflect-metadata';

export * from '@peculiar/x509';
export { nativeCrypto } from './native-crypto.js';
