import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '#adapters/dynamodb/client/document-client.js';
import { readPlatform, writePlatform } from '#adapters/dynamodb/platform-store.js';
import { DynamoPolicyStore } from '#adapters/dynamodb/policy-store.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { PLATFORM_KEY, type PlatformInput } from '#domain/policy/platform.js';
import type { PolicyInput } from '#domain/policy/schema.js';
import { createTestTables, type TestTables } from '../../support/dynamodb.js';
import { RecordingLogger, RecordingMetrics } from '../../support/recorders.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

const LAYER: PlatformInput = {
  defaults: { guard: { cooldown: '15m', maxActions: { count: 5, per: '1h' } } },
  limits: { maxActions: { count: 10, per: '1h' }, minCooldown: '5m', protectedNamespaces: ['payments'] },
  teams: { shop: { notify: { slack: { channel: '#shop-oncall' }, ticket: { jira: { project: 'SHOP' } } } } },
};

const policy = (name: string, alertname: string, over: Record<string, unknown> = {}): PolicyInput =>
  ({
    name,
    owner: 'shop',
    match: { alertname },
    target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
    action: { type: 'deletePod', gracePeriodSeconds: 0 },
    ...over,
  }) as PolicyInput;

const observe = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics(), now: Date.now });

/** A raw item, as another writer (or a hand edit) could leave it, bypassing every check. */
const putRaw = (tables: TestTables, item: Record<string, unknown>) =>
  tables.doc.send(new PutCommand({ TableName: tables.policyTable, Item: item }));

describe('the policy store serves effective policies (DynamoDB Local)', () => {
  let tables: TestTables;
  beforeAll(async () => {
    tables = await createTestTables();
  });
  afterAll(async () => {
    await tables.drop();
  });

  it('stores the layer as written and reads it back validated', async () => {
    // Act
    await writePlatform(tables.doc, tables.policyTable, LAYER, '2026-11-25T00:00:00Z');
    const stored = await readPlatform(tables.doc, tables.policyTable);

    // Assess
    expect(stored).toMatchObject({ state: 'valid', document: LAYER, updatedAt: '2026-11-25T00:00:00Z' });
    await expect(
      writePlatform(tables.doc, tables.policyTable, { limits: { minCooldown: 'soon' } }, 'x'),
    ).rejects.toThrow(/limits\.minCooldown: invalid duration "soon"/);
  });

  it('merges the layer into what it serves: platform defaults, team routing, protected namespaces', async () => {
    // Prepare
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, observe(), 0);
    await store.put(policy('served', 'Served'), 'x');

    // Act
    const [served] = await store.forAlertname('Served');

    // Assess
    expect(served?.guard.cooldown).toBe(900);
    expect(served?.guard.maxActions).toEqual({ count: 5, perSeconds: 3600 });
    expect(served?.guard.namespaces.deny).toEqual(['payments']);
    expect(served?.notify?.slack?.channel).toBe('#shop-oncall');
    expect(served?.notify?.ticket?.jira.project).toBe('SHOP');
  });

  it('refuses to store a policy that loosens the layer, naming every broken rule', async () => {
    // Prepare
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, observe(), 0);

    // Act
    const put = store.put(
      policy('loose', 'Loose', { guard: { cooldown: '1m', maxActions: { count: 50, per: '1h' } } }),
      'x',
    );

    // Assess
    await expect(put).rejects.toThrow(
      'policy loose breaks the platform layer: guard.maxActions.count 50 exceeds the platform limit 10 per 1h (platform.limits.maxActions); guard.cooldown 1m is shorter than the platform minimum 5m (platform.limits.minCooldown)',
    );
    expect(await store.forAlertname('Loose')).toEqual([]);
  });

  it('clamps a stored policy that a newer layer makes too loose, with a warning and a metric', async () => {
    // Prepare: stored before the layer existed (written directly: put would refuse it now).
    const o = observe();
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, o, 0);
    await putRaw(tables, {
      pk: 'POLICY#Older',
      sk: 'older',
      document: policy('older', 'Older', { guard: { cooldown: '1m', maxActions: { count: 50, per: '1h' } } }),
    });

    // Act
    const [older] = await store.forAlertname('Older');

    // Assess
    expect(older?.guard.maxActions).toEqual({ count: 10, perSeconds: 3600 });
    expect(older?.guard.cooldown).toBe(300);
    expect(older?.guard.dryRun).toBe(false);
    expect(o.metrics.total('PolicyClampedByPlatform')).toBe(1);
    expect(o.logger.lines.find((l) => l.level === 'warn')?.message).toMatch(
      /^policy record POLICY#Older\/older is looser than the platform layer: guard\.maxActions\.count 50 .*: clamped/,
    );
  });

  it('runs a stored policy whose owner is no longer a team in dry-run rather than skipping it', async () => {
    // Prepare
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, observe(), 0);
    await putRaw(tables, {
      pk: 'POLICY#Orphan',
      sk: 'orphan',
      document: policy('orphan', 'Orphan', { owner: 'disbanded' }),
    });

    // Act
    const [orphan] = await store.forAlertname('Orphan');

    // Assess
    expect(orphan?.name).toBe('orphan');
    expect(orphan?.guard.dryRun).toBe(true);
  });

  it('reads the layer once per cache period, with the policies, not per alert', async () => {
    // Prepare
    let now = 5_000_000;
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, { ...observe(), now: () => now }, 30);
    expect((await store.forAlertname('Served'))[0]?.guard.cooldown).toBe(900);

    // Act: the platform team raises the default cooldown.
    await writePlatform(
      tables.doc,
      tables.policyTable,
      { ...LAYER, defaults: { guard: { cooldown: '30m' } } },
      'y',
    );
    const warm = (await store.forAlertname('Served'))[0]?.guard.cooldown;
    now += 31_000;
    const later = (await store.forAlertname('Served'))[0]?.guard.cooldown;

    // Assess
    expect(warm).toBe(900);
    expect(later).toBe(1800);
    await writePlatform(tables.doc, tables.policyTable, LAYER, 'z');
  });
});

describe('an invalid layer record (DynamoDB Local)', () => {
  let tables: TestTables;
  beforeAll(async () => {
    tables = await createTestTables();
  });
  afterAll(async () => {
    await tables.drop();
  });

  it('never crashes the store: every policy is served in dry-run, logged and counted', async () => {
    // Prepare
    const o = observe();
    const store = new DynamoPolicyStore(tables.doc, tables.policyTable, o, 0);
    await store.put(policy('acts', 'Acts', { owner: undefined }), 'x');
    await putRaw(tables, { ...PLATFORM_KEY, document: { limits: { maxActions: 'lots' } } });

    // Act
    const [served] = await store.forAlertname('Acts');

    // Assess
    expect(served?.name).toBe('acts');
    expect(served?.guard.dryRun).toBe(true);
    expect(o.metrics.total('InvalidPlatformRecord')).toBe(1);
    expect(o.logger.lines.find((l) => l.level === 'error')?.message).toMatch(
      /^invalid platform layer PLATFORM\/layer: every policy runs in dry-run .*limits\.maxActions/,
    );
    expect(await readPlatform(tables.doc, tables.policyTable)).toMatchObject({
      state: 'invalid',
      problems: [expect.stringMatching(/^limits\.maxActions:/)],
    });
  });
});

describe('remediateNotification under the platform layer (DynamoDB Local + sandbox)', () => {
  let h: RemedyHarness;
  const sns = (pod: string, fingerprint: string) => ({
    MessageId: crypto.randomUUID(),
    Message: JSON.stringify(notification([{ labels: { namespace: 'demo', pod }, fingerprint }])),
    MessageAttributes: {},
  });
  const firstPod = () => String(h.sandbox.store.list('pods', 'demo')[0]?.metadata.name);

  beforeAll(async () => {
    h = await startRemedy([{ ...crashLoopPolicy, owner: 'shop' }]);
  });
  afterAll(async () => h.close());

  it("routes the decision to the owner team's channel and ticket project, and applies the layer's dry-run", async () => {
    // Prepare: the layer arrives after the policy; the harness's store does not cache (TTL 0).
    await writePlatform(
      h.tables.doc,
      h.tables.policyTable,
      { ...LAYER, limits: { ...LAYER.limits, requireDryRun: true } },
      'x',
    );
    const pod = firstPod();
    const before = h.notifier.records.length;

    // Act
    const summary = await remediateNotification(sns(pod, 'aa000001'), h.deps, { requestId: 'req-1' });

    // Assess
    expect(summary.outcomes).toEqual({ 'would-act': 1 });
    const [record] = h.notifier.records.slice(before);
    expect(record).toMatchObject({
      outcome: 'would-act',
      policy: 'restart-crashlooping-pod',
      owner: 'shop',
      notify: { slack: { channel: '#shop-oncall' }, ticket: { jira: { project: 'SHOP' } } },
    });
    expect(h.sandbox.store.get('pods', 'demo', pod)).toBeDefined();
  });

  it('acts once the layer allows it, still routed to the team', async () => {
    // Prepare
    await writePlatform(h.tables.doc, h.tables.policyTable, LAYER, 'y');
    const pod = firstPod();
    const before = h.notifier.records.length;

    // Act
    const summary = await remediateNotification(sns(pod, 'aa000002'), h.deps, { requestId: 'req-2' });

    // Assess
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(h.notifier.records.slice(before)[0]?.notify?.slack?.channel).toBe('#shop-oncall');
    expect(h.sandbox.store.get('pods', 'demo', pod)).toBeUndefined();
  });

  it('refuses to act while the layer record is invalid, and says so in a metric', async () => {
    // Prepare
    await putRaw(h.tables, { ...PLATFORM_KEY, document: { teams: 'everyone' } });
    const pod = firstPod();

    // Act
    const summary = await remediateNotification(sns(pod, 'aa000003'), h.deps, { requestId: 'req-3' });

    // Assess
    expect(summary.outcomes).toEqual({ 'would-act': 1 });
    expect(h.sandbox.store.get('pods', 'demo', pod)).toBeDefined();
    expect(h.metrics.total('InvalidPlatformRecord')).toBeGreaterThanOrEqual(1);
  });
});
