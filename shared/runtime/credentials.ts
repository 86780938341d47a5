import { type CredentialProvider, defaultCredentialProvider } from '#adapters/eks/credentials.js';
import { environmentCredentials } from './config.js';

/**
 * The function role's credentials, for every AWS call remedy signs itself (DynamoDB, SSM, SQS, EKS, Amazon
 * Managed Prometheus): from the environment on Lambda (what the SDK's chain would answer first, without
 * loading it), the SDK's chain (loaded on first use) elsewhere. Call once per container and share the provider.
 */
export const functionCredentials = (): CredentialProvider => {
  const environment = environmentCredentials();
  return environment ? async () => environment : defaultCredentialProvider();
};
