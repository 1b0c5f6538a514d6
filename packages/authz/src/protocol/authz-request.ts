/** An AuthZReq/AuthZRes as dockerd sends it (moby pkg/authorization Request), decoded. */
export interface AuthzRequest {
  user: string | undefined;
  authMethod: string | undefined;
  method: string;
  uri: string;
  /** The body, when dockerd forwarded it (JSON content type, under 1 MiB). */
  body: Buffer | undefined;
  headers: Record<string, string>;
  /** The client's certificates, PEM, leaf first. */
  peerCertificates: string[];
}

export class ProtocolError extends Error {}

/**
 * Reads dockerd's JSON: Go encodes []byte as base64, so RequestBody is base64,
 * and each RequestPeerCertificates entry is base64 of a PEM block.
 */
export function decodeAuthzRequest(json: unknown): AuthzRequest {
  if (typeof json !== 'object' || json === null) throw new ProtocolError('request is not a JSON object');
  const value = json as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const found = value[key];
    if (found === undefined || found === null) return undefined;
    if (typeof found !== 'string') throw new ProtocolError(`${key} is not a string`);
    return found;
  };
  const headers: Record<string, string> = {};
  if (value.RequestHeaders !== undefined && value.RequestHeaders !== null) {
    if (typeof value.RequestHeaders !== 'object') throw new ProtocolError('RequestHeaders is not an object');
    for (const [key, header] of Object.entries(value.RequestHeaders as Record<string, unknown>)) headers[key] = String(header);
  }
  const certificates = value.RequestPeerCertificates ?? [];
  if (!Array.isArray(certificates)) throw new ProtocolError('RequestPeerCertificates is not a list');
  const body = text('RequestBody');
  return {
    user: text('User') || undefined,
    authMethod: text('UserAuthNMethod'),
    method: text('RequestMethod') ?? '',
    uri: text('RequestUri') ?? '',
    body: body === undefined ? undefined : Buffer.from(body, 'base64'),
    headers,
    peerCertificates: certificates.map((certificate) => decodedPem(String(certificate))),
  };
}

/** An AuthZRes: the request again, with what dockerd answered. */
export interface AuthzResponse extends AuthzRequest {
  statusCode: number;
  /** The response body, when dockerd forwarded it (JSON, under 1 MiB). */
  responseBody: Buffer | undefined;
}

export function decodeAuthzResponse(json: unknown): AuthzResponse {
  const request = decodeAuthzRequest(json);
  const value = json as Record<string, unknown>;
  const status = value.ResponseStatusCode;
  const body = value.ResponseBody;
  return {
    ...request,
    statusCode: typeof status === 'number' ? status : 0,
    responseBody: typeof body === 'string' ? Buffer.from(body, 'base64') : undefined,
  };
}

/** Each user sends the same certificate on every request: decoded once. */
const pems = new Map<string, string>();

function decodedPem(base64: string): string {
  let pem = pems.get(base64);
  if (pem === undefined) {
    pem = Buffer.from(base64, 'base64').toString('utf8');
    if (pems.size >= 4096) pems.clear();
    pems.set(base64, pem);
  }
  return pem;
}
