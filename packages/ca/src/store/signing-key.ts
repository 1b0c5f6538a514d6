import { readFileSync } from 'node:fs';
import { assertKeyMatchesCertificate, assertUsableCa, type CertificateInfo } from '../ca-certificate.js';
import { OperationError } from '../errors.js';
import type { Issuer } from '../issue.js';
import { importPrivateKeyPem } from '../keys/key-pair.js';
import { assertPrivateKeyFile } from './permissions.js';

/**
 * Custody of the CA key: loaded once, on first use, only after checking that
 * the file is private, the CA usable today, and the key the certificate's own.
 */
export class SigningKey {
  private loading: Promise<Issuer> | undefined;

  constructor(
    private readonly keyPath: string,
    private readonly certificatePath: string,
    private readonly certificate: () => CertificateInfo,
    private readonly options: { passphrase?: string; readonly?: boolean; now: () => Date },
  ) {}

  /** The CA as an issuer; a refusal (permissions, passphrase) is not cached, so a retry reads again. */
  issuer(): Promise<Issuer> {
    if (this.options.readonly) throw new OperationError('failed to sign: the CA store was opened read-only');
    this.loading ??= (async () => {
      const certificate = this.certificate();
      assertUsableCa(certificate, this.certificatePath, this.options.now());
      assertPrivateKeyFile(this.keyPath);
      const keyPair = importPrivateKeyPem(readFileSync(this.keyPath, 'utf8'), { passphrase: this.options.passphrase, where: this.keyPath });
      assertKeyMatchesCertificate(certificate, keyPair, this.keyPath);
      return { certificate, keyPair };
    })();
    this.loading.catch(() => {
      this.loading = undefined;
    });
    return this.loading;
  }
}
