// Kubernetes `Status` errors, with the codes, reasons and messages the real apiserver uses.
import type { FieldError, ResourceDef } from './types.js';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** A failed API call; `toStatus()` is the body sent to the client. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** The `Status` object the apiserver would send. */
  toStatus(): Record<string, unknown> {
    return statusObject('Failure', this.code, this.reason, this.message, this.details);
  }
}

/** Builds a meta/v1 Status object. */
export function statusObject(
  status: 'Success' | 'Failure',
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status,
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
}

/** `pods` or `deployments.apps`, as in apiserver messages. */
export function qualifiedResource(def: ResourceDef): string {
  return def.group ? `${def.resource}.${def.group}` : def.resource;
}

function qualifiedKind(def: ResourceDef): string {
  return def.group ? `${def.kind}.${def.group}` : def.kind;
}

/** 404 `pods "x" not found`. */
export function notFound(def: ResourceDef, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(def)} "${name}" not found`, {
    name,
    group: def.group,
    kind: def.resource,
  });
}

/** 404 for a path that names no resource. */
export function routeNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 AlreadyExists. */
export function alreadyExists(def: ResourceDef, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(def)} "${name}" already exists`, {
    name,
    group: def.group,
    kind: def.resource,
  });
}

/** 409 Conflict, e.g. `Operation cannot be fulfilled on pods "x": Precondition failed: ...`. */
export function conflict(def: ResourceDef, name: string, cause: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(def)} "${name}": ${cause}`,
    {
      name,
      group: def.group,
      kind: def.resource,
    },
  );
}

/** 409 for a stale resourceVersion in an update. */
export function staleObject(def: ResourceDef, name: string): ApiError {
  return conflict(
    def,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}

/** Renders one field error like field.Error.Error(). */
export function formatFieldError(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `${e.field}: Forbidden: ${e.detail}`;
    case 'FieldValueNotSupported':
      return `${e.field}: Unsupported value: ${JSON.stringify(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    default:
      return `${e.field}: Invalid value: ${JSON.stringify(e.value)}: ${e.detail}`;
  }
}

/** 422 Invalid: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: ...`. */
export function invalid(def: ResourceDef, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map(formatFieldError);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(def)} "${name}" is invalid: ${summary}`, {
    name,
    group: def.group,
    kind: def.kind,
    causes: errors.map((e, i) => ({
      reason: e.type,
      message: (parts[i] ?? '').slice(e.field.length + 2),
      field: e.field,
    })),
  });
}

/** 422 without a field (e.g. a JSON patch that cannot be applied), as the patch handler sends. */
export function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

/** 400 BadRequest (undecodable body, name mismatch, bad query parameter). */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(contentType: string | undefined): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json${contentType ? ` (got ${contentType})` : ''}`,
  );
}

/** 429 TooManyRequests, e.g. an eviction the disruption budget refuses; a positive delay adds Retry-After. */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
  causes: StatusDetails['causes'],
): ApiError {
  return new ApiError(429, 'TooManyRequests', message, {
    ...(causes ? { causes } : {}),
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

/** 403 Forbidden: `poddisruptionbudgets.policy "x" is forbidden: <why>`. */
export function forbidden(qualified: string, name: string, why: string): ApiError {
  const [kind = qualified, group = ''] = qualified.split(/\.(.*)/);
  return new ApiError(403, 'Forbidden', `${qualified} "${name}" is forbidden: ${why}`, { name, group, kind });
}

/** 401 Unauthorized (bad or missing bearer token). */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}
