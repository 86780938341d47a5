import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/aws/local-account.js';
import type { Sandbox } from '../../infra/local/sandbox/index.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';
import { kubectl } from '../integration/sandbox/helpers.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';

const POLL_MS = 50;
const TIMEOUT_MS = 20_000;
const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
};

/**
 * A bad release, end to end with real parts: the real kubectl rolls out nginx:1.28 on the sandbox, Debian's
 * Alertmanager publishes HTTPErrorRateHigh to the local SNS endpoint, and the remediate handler, with the
 * shipped rollback-bad-release policy, rolls demo/web back to nginx:1.27.
 */
describe('kubectl set image → HTTPErrorRateHigh → SNS → remediate → rollout undo', () => {
  let stack: LocalStack;
  let sandbox: Sandbox;
  let am: RunningAlertmanager;
  let doc: DynamoDBDocumentClient;
  let home: string;

  const image = () => sandbox.store.get('deployments', 'demo', 'web')?.spec.template.spec.containers[0].image;
  const audit = async () =>
    (
      await doc.send(
        new QueryCommand({
          TableName: stack.tables.state,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'AUDIT#sandbox/demo/Deployment/web' },
        }),
      )
    ).Items ?? [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'remedy-e2e-rollback-'));
    stack = await startLocalStack({
      stateDir: home,
      ports: { sns: 0, kube: 0 },
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableSuffix: randomUUID().slice(0, 8),
    });
    if (!stack.sandbox) throw new Error('the local stack started without its sandbox');
    sandbox = stack.sandbox;
    am = await startAlertmanager({ snsUrl: stack.sns.url, topicArn: stack.topicArn });
    doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamodbEndpoint,
        region: 'us-east-1',
        credentials: { ...LOCAL_CREDENTIALS },
      }),
    );
  });
  afterAll(async () => {
    await am?.stop();
    await stack?.close();
  });

  it('rolls a fresh release back to the previous image, and the audit says from which to which', async () => {
    // Prepare: a release, as an engineer would ship it.
    await kubectl(sandbox, home, '-n', 'demo', 'set', 'image', 'deployment/web', 'web=nginx:1.28');
    await kubectl(sandbox, home, '-n', 'demo', 'rollout', 'status', 'deployment/web', '--timeout=20s');
    expect(image()).toBe('nginx:1.28');

    // Act: the error-rate alert fires for the Deployment.
    await am.postAlerts([
      {
        labels: {
          alertname: 'HTTPErrorRateHigh',
          severity: 'critical',
          namespace: 'demo',
          deployment: 'web',
        },
      },
    ]);

    // Assess
    const [record] = await waitFor('the rollback audit record', async () => {
      const items = await audit();
      return items.length > 0 ? items : undefined;
    });
    expect(record).toMatchObject({
      outcome: 'acted',
      code: 'rollbackDeployment',
      policy: 'rollback-bad-release',
      reason:
        'rolled back deployment demo/web in cluster sandbox from revision 2 (nginx:1.28) to revision 1 (nginx:1.27)',
    });
    expect(image()).toBe('nginx:1.27');
    const history = await kubectl(sandbox, home, '-n', 'demo', 'rollout', 'history', 'deployment/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  });
});
