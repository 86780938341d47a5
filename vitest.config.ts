import { defineConfig } from 'vitest/config';

// Two projects: unit tests never open a socket; integration tests (*.int.test.ts) talk to real local servers
// (DynamoDB Local, the sandbox Kubernetes API, Alertmanager), started once by the global setup.
export default defineConfig({
  test: {
    // Node 20 is supported by the AWS SDK until early 2027; the notice is known and not a test failure.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts', 'test/e2e/**/*.int.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // The servers are shared; files run in parallel but each uses its own tables and ports.
          fileParallelism: true,
        },
      },
    ],
  },
});
