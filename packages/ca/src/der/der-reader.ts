/** Walks DER without an object model: just enough to lift fields out of a certificate. */
export interface Element {
  tag: number;
  /** Offsets in the buffer: the whole element, and its content. */
  start: number;
  contentStart: number;
  end: number;
}

export function readElement(der: Buffer, offset: number): Element {
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[offset + 2 + i] as number);
    contentStart += count;
  }
  return { tag, start: offset, contentStart, end: contentStart + length };
}

export function children(der: Buffer, parent: Element): Element[] {
  const found: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(der, offset);
    found.push(child);
    offset = child.end;
  }
  return found;
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** The n-th field of a certificate's TBSCertificate after the optional [0] version, DER, as it stands. */
function tbsField(certificateDer: Buffer, index: number): Buffer {
  const tbs = children(certificateDer, readElement(certificateDer, 0))[0] as Element;
  const fields = children(certificateDer, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const field = fields[offset + index] as Element;
  return certificateDer.subarray(field.start, field.end);
}

/** A certificate's subject Name, DER, as it stands (the issuer field of what it signs). */
export function certificateSubject(certificateDer: Buffer): Buffer {
  return tbsField(certificateDer, 4);
}

/** A certificate's SubjectPublicKeyInfo, DER, as it stands. */
export function certificateSpki(certificateDer: Buffer): Buffer {
  return tbsField(certificateDer, 5);
}
