// Test-only EKS token maker: presigns STS GetCallerIdentity with @smithy/signature-v4 (the AWS SDK's own
// signer, an independent reference for the verifier), following reference/contracts.md §3.3; plus helpers to
// take a token apart and put a tampered one back together.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { uriEncode } from '../../../infra/local/aws/sigv4-canonical.js';

/** A presign request for {@link makeEksToken}. */
export interface TokenSpec {
  clusterName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  now: Date;
  /** Default sts.<region>.amazonaws.com. */
  host?: string;
  /** X-Amz-Expires; default 60, as aws-iam-authenticator and `aws eks get-token` use. */
  expiresIn?: number;
  /** false leaves the x-k8s-aws-id header out of the signature. */
  signClusterId?: boolean;
  /** Extra query parameters, signed with the rest. */
  extraQuery?: Record<string, string>;
}

/** `k8s-aws-v1.` + base64url (no padding) of a presigned GetCallerIdentity URL. */
export async function makeEksToken(spec: TokenSpec): Promise<string> {
  return tokenFromUrl(await presignCallerIdentity(spec));
}

/** The presigned `https://sts…/?Action=GetCallerIdentity&…` URL. */
export async function presignCallerIdentity(spec: TokenSpec): Promise<string> {
  const hostname = spec.host ?? `sts.${spec.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region: spec.region,
    credentials: spec.credentials,
    sha256: NodeSha256,
  });
  const headers: Record<string, string> = { host: hostname };
  if (spec.signClusterId !== false) headers['x-k8s-aws-id'] = spec.clusterName;
  const request: HttpRequest = {
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15', ...spec.extraQuery },
    headers,
  };
  const signed = await signer.presign(request, { expiresIn: spec.expiresIn ?? 60, signingDate: spec.now });
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(String(value))}`)
    .join('&');
  return `https://${hostname}/?${query}`;
}

/** Wraps a URL as a token. */
export function tokenFromUrl(url: string): string {
  return `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`;
}

/** The URL inside a token. */
export function urlFromToken(token: string): string {
  return Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
}

/** The same token with its URL rewritten. */
export function rewriteToken(token: string, edit: (url: string) => string): string {
  return tokenFromUrl(edit(urlFromToken(token)));
}

// @smithy/signature-v4 wants a hash constructor (SHA-256, or HMAC-SHA-256 when given a secret).
class NodeSha256 {
  readonly #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined || typeof secret === 'string' ? secret : toBytes(secret);
    this.#hash = this.#fresh();
  }
  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.#fresh();
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
