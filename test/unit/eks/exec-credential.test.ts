import { describe, expect, it } from 'vitest';
import { discoverApiVersion, EXEC_API, formatExecCredential } from '../../../shared/cli/exec-credential.js';
import { caseFor, tokenOf } from './golden.js';

describe('formatExecCredential', () => {
  it('reproduces the aws CLI v2 line: key order, Python separators, trailing newline', () => {
    // Prepare
    const captured = caseFor('us-east-1').stdout;

    // Act
    const line = formatExecCredential({
      apiVersion: EXEC_API.v1beta1,
      token: tokenOf(captured),
      expiresAt: new Date('2026-11-25T12:14:00.000Z'),
    });

    // Assess
    expect(line).toBe(captured);
    expect(line.endsWith('}}\n')).toBe(true);
  });

  it('escapes non-ASCII like Python json.dumps (ensure_ascii)', () => {
    // Act
    const line = formatExecCredential({ apiVersion: 'é\u007f😀', token: 't', expiresAt: new Date(0) });

    // Assess
    expect(line).toContain('"apiVersion": "\\u00e9\\u007f\\ud83d\\ude00"');
    expect(line).toContain('"expirationTimestamp": "1970-01-01T00:00:00Z"');
  });
});

describe('discoverApiVersion', () => {
  it.each([
    ['unset', undefined, EXEC_API.v1beta1, false],
    ['empty', '', EXEC_API.v1beta1, false],
    ['v1', JSON.stringify({ apiVersion: EXEC_API.v1, spec: { interactive: false } }), EXEC_API.v1, false],
    ['v1beta1', JSON.stringify({ apiVersion: EXEC_API.v1beta1 }), EXEC_API.v1beta1, false],
    ['v1alpha1 (deprecated)', JSON.stringify({ apiVersion: EXEC_API.v1alpha1 }), EXEC_API.v1alpha1, true],
    ['not JSON', '{', EXEC_API.v1beta1, true],
    ['a JSON array', '[]', EXEC_API.v1beta1, true],
    ['an unknown version', JSON.stringify({ apiVersion: 'x/v9' }), EXEC_API.v1beta1, true],
  ])('%s', (_name, raw, apiVersion, warns) => {
    // Act
    const choice = discoverApiVersion(raw);

    // Assess
    expect(choice.apiVersion).toBe(apiVersion);
    expect(choice.warning !== undefined).toBe(warns);
  });
});
