import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '#adapters/dynamodb/client/document-client.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import type { PolicyInput } from '#domain/policy/schema.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';

const crashLoop: PolicyInput = {
  name: 'restart-crashlooping-pod',
  match: { alertname: 'KubePodCrashLooping', matchers: ['severity=~"warning|critical"'] },
  priority: 100,
  target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
  action: { type: 'deletePod', gracePeriodSeconds: 5 },
};

describe('DynamoPolicyStore against DynamoDB Local', () => {
  let tables: TestTables;
  beforeAll(async () => {
    tables = await createTestTables();
  });
  afterAll(async () => {
    await tables.drop();
  });

  it('stores a policy and reads it back validated, matchers compiled', async () => {
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, observe(), 0);
    await store.put(crashLoop, '2026-11-25T00:00:00Z');
    const [policy] = await store.forAlertname('KubePodCrashLooping');
    expect(policy?.name).toBe('restart-crashlooping-pod');
    expect(policy?.match.matchers[0]?.regex?.test('critical')).toBe(true);
    expect(policy?.action).toMatchObject({ type: 'deletePod', gracePeriodSeconds: 5 });
    expect(await store.forAlertname('SomethingElse')).toEqual([]);
  });

  it('skips an invalid record with a log line and a metric instead of failing', async () => {
    const o = observe();
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, o, 0);
    await tables.doc.send(
      new PutCommand({
        TableName: tables.policyTable,
        Item: {
          pk: 'POLICY#Broken',
          sk: 'broken',
          document: { ...crashLoop, name: 'broken', action: { type: 'nuke' } },
        },
      }),
    );
    await store.put({ ...crashLoop, name: 'fine', match: { alertname: 'Broken' } }, '2026-11-25T00:00:00Z');
    const policies = await store.forAlertname('Broken');
    expect(policies.map((p) => p.name)).toEqual(['fine']);
    expect(o.metrics.total('InvalidPolicyRecord')).toBe(1);
    expect(o.logger.lines.find((l) => l.level === 'warn')?.message).toMatch(
      /POLICY#Broken\/broken: document\.action\.type/,
    );
  });

  it('serves from its warm cache until the TTL passes', async () => {
    let now = 1_000_000;
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, { ...observe(), now: () => now }, 30);
    await store.put({ ...crashLoop, name: 'cached', match: { alertname: 'Cached' } }, 'x');
    expect(await store.forAlertname('Cached')).toHaveLength(1);
    // A second writer (the CLI, another container) adds a policy; the warm cache does not see it yet.
    const other = new DynamoPolicyStore(tables.doc, tables.policyTable, observe(), 0);
    await other.put({ ...crashLoop, name: 'cached-2', priority: 1, match: { alertname: 'Cached' } }, 'x');
    expect(await store.forAlertname('Cached')).toHaveLength(1);
    now += 31_000;
    expect(await store.forAlertname('Cached')).toHaveLength(2);
  });
});

const observe = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics(), now: Date.now });
