import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsUserActions } from '#adapters/aws-actions/aws-user-actions.js';
import { decisionIds, executionName } from '#app/executors/user-action.js';
import { remediateNotification } from '#app/remediate-notification.js';
import { UserActionCallError } from '#domain/actions/user/port.js';
import type { AuditRecord } from '#domain/audit.js';
import { type AwsEndpoint, startAwsEndpoint } from '../../../infra/local/aws/aws-endpoint.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws/local-account.js';
import { notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';
import { fingerprint } from '../../support/workloads.js';

const DOCUMENT = 'remedy-cordon-node';
const MACHINE = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:remedy-disk-cleanup`;
const FUNCTION = 'remedy-scale-queue-workers';
const STARTS_AT = '2026-11-25T10:00:00.000Z';

const target = {
  cluster: { fromLabel: 'cluster', default: 'sandbox' },
  namespace: { fromLabel: 'namespace' },
  pod: { fromLabel: 'pod' },
};

const policies = [
  {
    name: 'cordon-node-runbook',
    match: { alertname: 'NodeDiskPressure' },
    target,
    action: {
      type: 'startAutomation',
      documentName: DOCUMENT,
      documentVersion: '3',
      parameters: {
        NodeName: '{{node}}',
        Namespace: '{{target.namespace}}',
        Decision: '{{remedy.decisionId}}',
      },
    },
  },
  {
    name: 'cordon-node-runbook-dry',
    match: { alertname: 'NodeDiskPressureDry' },
    target,
    action: { type: 'startAutomation', documentName: DOCUMENT, parameters: { NodeName: '{{node}}' } },
    guard: { dryRun: true },
  },
  {
    name: 'disk-cleanup-workflow',
    match: { alertname: 'VolumeAlmostFull' },
    target,
    action: { type: 'startExecution', stateMachineArn: MACHINE },
  },
  {
    name: 'scale-queue-workers',
    match: { alertname: 'QueueBacklogHigh' },
    target: { ...target, pod: undefined, deployment: { fromLabel: 'deployment' } },
    action: { type: 'invokeFunction', functionName: FUNCTION, qualifier: 'live', kind: 'Deployment' },
  },
  {
    name: 'missing-function',
    match: { alertname: 'NoSuchFunction' },
    target,
    action: { type: 'invokeFunction', functionName: 'not-deployed' },
  },
].map((p) => JSON.parse(JSON.stringify(p)));

/** Publishes one alert through the real use case; returns its last record and the alert episode. */
const fire = async (
  h: RemedyHarness,
  deps: RemedyHarness['deps'],
  labels: Record<string, string>,
  fp = fingerprint(),
): Promise<{ record: AuditRecord | undefined; episode: string; records: AuditRecord[] }> => {
  const before = h.notifier.records.length;
  // A pod of its own per alert: the target cooldown would otherwise turn later tests away.
  const pod = `web-${fp.slice(0, 8)}`;
  const message = notification([{ labels: { namespace: 'demo', pod, ...labels }, fingerprint: fp }]);
  message.alerts[0] = { ...(message.alerts[0] as (typeof message.alerts)[0]), startsAt: STARTS_AT };
  await remediateNotification(
    { MessageId: crypto.randomUUID(), Message: JSON.stringify(message), MessageAttributes: {} },
    deps,
    { requestId: crypto.randomUUID() },
  );
  const records = h.notifier.records.slice(before);
  return { record: records.at(-1), episode: `${fp}#${STARTS_AT}`, records };
};

describe('user-defined actions: the real executors and SDK clients against the local AWS endpoint (SigV4-verified)', () => {
  let h: RemedyHarness;
  let aws: AwsEndpoint;
  let deps: RemedyHarness['deps'];
  beforeAll(async () => {
    aws = await startAwsEndpoint({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      actions: {
        documents: [{ name: DOCUMENT, parameters: ['NodeName', 'Namespace', 'Decision'] }],
        stateMachines: [MACHINE],
        functions: [FUNCTION],
      },
    });
    h = await startRemedy(policies);
    const backends = createAwsUserActions({
      region: LOCAL_REGION,
      endpoint: aws.url,
      credentials: LOCAL_CREDENTIALS,
    });
    deps = { ...h.deps, actions: { aws: backends } };
  });
  afterAll(async () => {
    await h?.close();
    await aws?.close();
  });
  const callsSince = (n: number) => aws.actionCalls.slice(n);

  describe('startAutomation', () => {
    it('starts the runbook with the rendered parameters and a ClientToken derived from the episode', async () => {
      const before = aws.actionCalls.length;
      const { record, episode } = await fire(h, deps, {
        alertname: 'NodeDiskPressure',
        node: 'ip-10-0-1-7.ec2.internal',
      });
      const ids = decisionIds({ episode, policy: 'cordon-node-runbook' });

      const [call, ...rest] = callsSince(before);
      expect(rest).toEqual([]);
      expect(call).toMatchObject({
        service: 'ssm',
        operation: 'StartAutomationExecution',
        status: 200,
        accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
        resourceArn: `arn:aws:ssm:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:automation-definition/${DOCUMENT}:3`,
      });
      expect(call?.body).toEqual({
        DocumentName: DOCUMENT,
        DocumentVersion: '3',
        Parameters: {
          NodeName: ['ip-10-0-1-7.ec2.internal'],
          Namespace: ['demo'],
          Decision: [ids.decisionId],
        },
        ClientToken: ids.idempotencyToken,
      });
      expect(ids.idempotencyToken).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(record).toMatchObject({
        outcome: 'acted',
        code: 'startAutomation',
        reason: `started SSM Automation runbook ${DOCUMENT}: execution ${call?.answer}`,
        details: { decisionId: ids.decisionId, automationExecutionId: call?.answer },
      });
    });

    it('starts nothing for a repeat of the same episode (duplicate) and nothing in dry-run', async () => {
      const before = aws.actionCalls.length;
      const fp = fingerprint();
      const first = await fire(h, deps, { alertname: 'NodeDiskPressure', node: 'node-a' }, fp);
      const again = await fire(h, deps, { alertname: 'NodeDiskPressure', node: 'node-a' }, fp);
      const dry = await fire(h, deps, { alertname: 'NodeDiskPressureDry', node: 'node-b' });

      expect(first.record).toMatchObject({ outcome: 'acted' });
      expect(again.record).toMatchObject({ outcome: 'skipped', code: 'duplicate' });
      expect(dry.record).toMatchObject({
        outcome: 'would-act',
        code: 'startAutomation',
        reason: expect.stringMatching(
          new RegExp(
            `^would start SSM Automation runbook ${DOCUMENT} for pod demo/web-\\w+ in cluster sandbox`,
          ),
        ),
      });
      expect(callsSince(before)).toHaveLength(1);
    });

    it('refuses a label value that is not a safe parameter, before any call', async () => {
      const before = aws.actionCalls.length;
      const { record } = await fire(h, deps, { alertname: 'NodeDiskPressure', node: 'node-a; reboot' });
      expect(record).toMatchObject({
        outcome: 'failed',
        code: 'invalid-parameter',
        reason: expect.stringContaining(
          'parameter NodeName: label "node" value "node-a; reboot" is not a safe',
        ),
      });
      expect(callsSince(before)).toEqual([]);
    });

    it('answers a retried start with the same ClientToken with the same execution', async () => {
      const backends = createAwsUserActions({
        region: LOCAL_REGION,
        endpoint: aws.url,
        credentials: LOCAL_CREDENTIALS,
      });
      const request = {
        documentName: DOCUMENT,
        parameters: { NodeName: ['n1'] },
        clientToken: decisionIds({ episode: 'retry#x', policy: 'p' }).idempotencyToken,
      };
      const a = await backends.startAutomation(request);
      const b = await backends.startAutomation(request);
      expect(b.automationExecutionId).toBe(a.automationExecutionId);
      await expect(
        backends.startAutomation({ ...request, parameters: { NodeName: ['n2'] } }),
      ).rejects.toMatchObject({ retryable: false, awsCode: 'IdempotentParameterMismatch' });
    });

    it('is refused by the endpoint when signed with the wrong secret (SigV4 verified)', async () => {
      const forged = createAwsUserActions({
        region: LOCAL_REGION,
        endpoint: aws.url,
        credentials: { ...LOCAL_CREDENTIALS, secretAccessKey: 'not-the-secret' },
      });
      await expect(
        forged.startAutomation({ documentName: DOCUMENT, parameters: {}, clientToken: crypto.randomUUID() }),
      ).rejects.toMatchObject({ retryable: false, awsCode: 'SignatureDoesNotMatch' });
      expect(aws.actionCalls.at(-1)).toMatchObject({ status: 403, errorCode: 'SignatureDoesNotMatch' });
    });
  });

  describe('startExecution', () => {
    it('starts the state machine with the alert context as input and the episode as the execution name', async () => {
      const before = aws.actionCalls.length;
      const labels = {
        alertname: 'VolumeAlmostFull',
        severity: 'warning',
        namespace: 'demo',
        pod: 'web-vol',
      };
      const fp = fingerprint();
      const { record, episode } = await fire(h, deps, labels, fp);
      const ids = decisionIds({ episode, policy: 'disk-cleanup-workflow' });
      const name = executionName('disk-cleanup-workflow', ids);

      const [call, ...rest] = callsSince(before);
      expect(rest).toEqual([]);
      expect(call).toMatchObject({
        service: 'states',
        operation: 'StartExecution',
        status: 200,
        resourceArn: MACHINE,
      });
      const body = call?.body as { stateMachineArn: string; name: string; input: string };
      expect(Object.keys(body).sort()).toEqual(['input', 'name', 'stateMachineArn']);
      expect(body.stateMachineArn).toBe(MACHINE);
      expect(body.name).toBe(`disk-cleanup-workflow-${ids.decisionId}`);
      expect(name).toBe(body.name);
      expect(JSON.parse(body.input)).toEqual({
        source: 'remedy',
        version: 1,
        decisionId: ids.decisionId,
        idempotencyToken: ids.idempotencyToken,
        policy: 'disk-cleanup-workflow',
        alertname: 'VolumeAlmostFull',
        fingerprint: episode.split('#')[0],
        startsAt: STARTS_AT,
        target: { cluster: 'sandbox', namespace: 'demo', kind: 'Pod', name: 'web-vol' },
        labels,
        annotations: { summary: 'crash looping' },
        generatorURL: 'http://prometheus.local/graph',
      });
      const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:remedy-disk-cleanup:${body.name}`;
      expect(record).toMatchObject({
        outcome: 'acted',
        code: 'startExecution',
        details: { executionArn, alreadyStarted: false, decisionId: ids.decisionId },
      });
    });

    it('treats a taken execution name as this episode already started, and does not fail', async () => {
      const backends = createAwsUserActions({
        region: LOCAL_REGION,
        endpoint: aws.url,
        credentials: LOCAL_CREDENTIALS,
      });
      const first = await backends.startExecution({
        stateMachineArn: MACHINE,
        name: 'retry-1',
        input: '{"a":1}',
      });
      const same = await backends.startExecution({
        stateMachineArn: MACHINE,
        name: 'retry-1',
        input: '{"a":1}',
      });
      const taken = await backends.startExecution({
        stateMachineArn: MACHINE,
        name: 'retry-1',
        input: '{"a":2}',
      });
      expect(same).toEqual(first);
      expect(taken).toEqual({ executionArn: first.executionArn, alreadyStarted: true });
      expect(aws.actionCalls.at(-1)).toMatchObject({ status: 400, errorCode: 'ExecutionAlreadyExists' });
    });
  });

  it('lists the calls it received at GET /_local/actions, for a human at the local stack', async () => {
    const listed = (await (await fetch(`${aws.url}/_local/actions`)).json()) as unknown[];
    expect(listed).toEqual(JSON.parse(JSON.stringify(aws.actionCalls)));
    expect(listed.length).toBeGreaterThan(0);
  });

  describe('invokeFunction', () => {
    it('queues the function asynchronously (InvocationType Event) with the context and idempotency token', async () => {
      const before = aws.actionCalls.length;
      const labels = {
        alertname: 'QueueBacklogHigh',
        severity: 'warning',
        namespace: 'demo',
        deployment: 'web',
      };
      const { record, episode } = await fire(h, deps, labels);
      const ids = decisionIds({ episode, policy: 'scale-queue-workers' });

      const [call, ...rest] = callsSince(before);
      expect(rest).toEqual([]);
      expect(call).toMatchObject({
        service: 'lambda',
        operation: 'Invoke',
        status: 202,
        invocationType: 'Event',
        qualifier: 'live',
        resourceArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${FUNCTION}:live`,
      });
      expect(call?.body).toMatchObject({
        source: 'remedy',
        decisionId: ids.decisionId,
        idempotencyToken: ids.idempotencyToken,
        policy: 'scale-queue-workers',
        target: { cluster: 'sandbox', namespace: 'demo', kind: 'Deployment', name: 'web' },
        labels: { ...labels, pod: expect.stringMatching(/^web-/) },
      });
      expect(record).toMatchObject({
        outcome: 'acted',
        code: 'invokeFunction',
        details: { statusCode: 202 },
      });
    });

    it('records a function that does not exist as a final failure naming the AWS error', async () => {
      const { record } = await fire(h, deps, { alertname: 'NoSuchFunction' });
      expect(record).toMatchObject({
        outcome: 'failed',
        code: 'aws-refused',
        details: { awsCode: 'ResourceNotFoundException' },
      });
      expect(record?.reason).toContain(
        'lambda:InvokeFunction not-deployed: ResourceNotFoundException (HTTP 404)',
      );
    });
  });

  describe('a transient AWS failure', () => {
    it('releases the claim with a retryable code, and the retry of the same alert starts it exactly once', async () => {
      // Throttling is a fault the local endpoint does not produce: the port fails once, then calls the real client.
      let throttled = false;
      const backends = createAwsUserActions({
        region: LOCAL_REGION,
        endpoint: aws.url,
        credentials: LOCAL_CREDENTIALS,
      });
      const flaky = {
        ...backends,
        startExecution: (input: Parameters<typeof backends.startExecution>[0]) => {
          if (throttled) return backends.startExecution(input);
          throttled = true;
          return Promise.reject(
            new UserActionCallError('states:StartExecution: ThrottlingException (HTTP 400)', {
              retryable: true,
              awsCode: 'ThrottlingException',
            }),
          );
        },
      };
      const flakyDeps = { ...deps, actions: { aws: flaky } };
      const fp = fingerprint();
      const labels = { alertname: 'VolumeAlmostFull' };
      const before = aws.actionCalls.length;

      const first = await fire(h, flakyDeps, labels, fp);
      expect(first.record).toMatchObject({ outcome: 'failed', code: 'USER_ACTION_ERROR' });
      expect(first.record?.reason).toContain('(will retry)');
      expect(callsSince(before)).toEqual([]);

      const second = await fire(h, flakyDeps, labels, fp);
      expect(second.record).toMatchObject({ outcome: 'acted', code: 'startExecution' });
      expect(callsSince(before).map((c) => c.operation)).toEqual(['StartExecution']);
    });
  });
});
