import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultCredentialProvider, fromSdkCredentials } from '#adapters/eks/credentials.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('credentials', () => {
  it('keeps only the fields remedy uses from an SDK identity', () => {
    // Prepare
    const expiration = new Date('2026-11-25T13:00:00Z');
    const sdk = {
      accessKeyId: 'ASIA1',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration,
      accountId: '1234',
    };

    // Act
    const creds = fromSdkCredentials(sdk);

    // Assess
    expect(creds).toEqual({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration });
    expect(Object.keys(fromSdkCredentials({ accessKeyId: 'AKIA1', secretAccessKey: 's' }))).toEqual([
      'accessKeyId',
      'secretAccessKey',
    ]);
  });

  it('the default provider reads the environment first, as on Lambda', async () => {
    // Prepare
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token-from-env');

    // Act
    const creds = await defaultCredentialProvider()();

    // Assess
    expect(creds).toEqual({
      accessKeyId: 'ASIAFROMENV',
      secretAccessKey: 'secret-from-env',
      sessionToken: 'token-from-env',
    });
  });
});
