import { children, pemToDer, readElement, type Element } from './der/der-reader.js';
import { InputError } from './errors.js';

const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const INTEGER = 0x02;

function readTime(der: Buffer, element: Element): Date {
  const text = der.subarray(element.contentStart, element.end).toString('latin1');
  const match = element.tag === UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) throw new Error(`unreadable time ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  // RFC 5280: a two-digit year from 50 on is 19YY, below it 20YY.
  const year = element.tag === UTC_TIME ? ((y as number) >= 50 ? 1900 + (y as number) : 2000 + (y as number)) : (y as number);
  return new Date(Date.UTC(year, (mo as number) - 1, d, h, mi, s));
}

/** When a CRL was made and when its issuer promised the next one (RFC 5280 TBSCertList). */
export function crlDates(pem: string, where = 'the CRL'): { thisUpdate: Date; nextUpdate: Date | undefined } {
  try {
    const der = pemToDer(pem);
    const tbs = children(der, readElement(der, 0))[0] as Element;
    const fields = children(der, tbs);
    const at = fields[0]?.tag === INTEGER ? 1 : 0; // the optional version
    const thisUpdate = fields[at + 2];
    const next = fields[at + 3];
    if (!thisUpdate || (thisUpdate.tag !== UTC_TIME && thisUpdate.tag !== GENERALIZED_TIME)) throw new Error('no thisUpdate');
    const hasNext = next !== undefined && (next.tag === UTC_TIME || next.tag === GENERALIZED_TIME);
    return { thisUpdate: readTime(der, thisUpdate), nextUpdate: hasNext ? readTime(der, next) : undefined };
  } catch (error) {
    throw new InputError(`failed to read ${where}: not a DER CRL (${(error as Error).message})`);
  }
}
