// Picks the patch algorithm from the request's Content-Type.
import { badRequest, unprocessable, unsupportedMediaType } from '../errors.js';
import { applyJsonPatch, decodeJsonPatch, PatchError } from './jsonpatch.js';
import { applyMergePatch } from './mergepatch.js';
import { applyStrategicMergePatch } from './strategic.js';

export { applyJsonPatch, decodeJsonPatch, PatchError } from './jsonpatch.js';
export { applyMergePatch } from './mergepatch.js';
export { applyStrategicMergePatch } from './strategic.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** Applies `patch` (already JSON-decoded) to a copy of `doc`; errors become 400/415/422 ApiErrors. */
export function applyPatch(contentType: string | undefined, doc: unknown, patch: unknown): unknown {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  try {
    switch (type) {
      case 'application/json-patch+json':
        return applyJsonPatch(doc, decodeJsonPatch(patch));
      case 'application/merge-patch+json':
        return applyMergePatch(doc, patch);
      case 'application/strategic-merge-patch+json':
        return applyStrategicMergePatch(doc, patch);
      default:
        throw unsupportedMediaType(contentType);
    }
  } catch (e) {
    if (e instanceof PatchError) throw e.decode ? badRequest(e.message) : unprocessable(e.message);
    throw e;
  }
}
