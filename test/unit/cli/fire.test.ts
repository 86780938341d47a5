import { describe, expect, it } from 'vitest';
import { parseNotification } from '#domain/alert/parse.js';
import type { SnsTarget } from '../../../shared/cli/commands/fire.js';
import type { SnsMessageToSend } from '../../../shared/cli/fire-message.js';
import { alertFingerprint, buildFireMessage, subjectFor } from '../../../shared/cli/fire-message.js';
import { NOW, remedy } from './run-cli.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:remedy-alerts-prod';

describe('the message remedy fire builds', () => {
  it('gives the fingerprint Alertmanager gives the same labels (captured from Alertmanager 0.25)', () => {
    // From test/fixtures/sns/alertmanager-firing.json, as Alertmanager rendered them.
    const labels = { alertname: 'PodCrashLooping', namespace: 'shop', severity: 'critical' };
    expect(alertFingerprint({ ...labels, pod: 'web-7d9c6b5f4-abcde' })).toBe('4add8f32f87fc677');
    expect(alertFingerprint({ ...labels, pod: 'web-7d9c6b5f4-fghij' })).toBe('401a67c1636f0bac');
  });

  it('renders what remedy.tmpl renders, and the function parses it back', () => {
    const built = buildFireMessage({
      labels: { severity: 'warning', pod: 'web-1', alertname: 'KubePodCrashLooping', namespace: 'demo' },
      annotations: { summary: 'crash "looping"' },
      status: 'firing',
      startsAt: NOW,
      receiver: 'remedy',
      generatorURL: '',
    });
    if (!built.ok) throw new Error(built.problem);
    expect(built.value.subject).toBe('[FIRING:1] KubePodCrashLooping');
    expect(built.value.attributes).toEqual({
      alertname: 'KubePodCrashLooping',
      severity: 'warning',
      cluster: 'none',
      status: 'firing',
    });
    const parsed = parseNotification(built.value.message, {});
    if (!parsed.ok) throw parsed.error;
    expect(parsed.notification).toMatchObject({
      version: '4',
      receiver: 'remedy',
      groupLabels: { alertname: 'KubePodCrashLooping', namespace: 'demo' },
      alerts: [{ startsAt: '2026-11-25T12:00:00.000Z', endsAt: '0001-01-01T00:00:00.000Z' }],
    });
    // SortedPairs order: alertname first, then by name.
    expect(Object.keys(parsed.notification.alerts[0]?.labels ?? {})).toEqual([
      'alertname',
      'namespace',
      'pod',
      'severity',
    ]);
  });

  it('keeps the subject printable ASCII and under 100 characters', () => {
    expect(subjectFor('resolved', 'Ünïcode')).toBe('[RESOLVED] ?n?code');
    expect(subjectFor('firing', 'A'.repeat(300)).length).toBeLessThan(100);
  });
});

describe('remedy fire', () => {
  const published: Array<{ target: SnsTarget; message: SnsMessageToSend }> = [];
  const fire = (argv: string[], env: Record<string, string> = { REMEDY_TOPIC_ARN: TOPIC }) =>
    remedy(['fire', ...argv], {
      env,
      fire: {
        publish: async (target, message) => {
          published.push({ target, message });
          return 'msg-1';
        },
      },
    });

  it('publishes to the topic of REMEDY_TOPIC_ARN in its region, and says what to look at next', async () => {
    const run = await fire([
      '--alertname',
      'KubePodCrashLooping',
      '--label',
      'namespace=demo',
      '--label',
      'cluster=prod',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^published \[FIRING:1\] KubePodCrashLooping to arn:aws:sns:eu-west-1:111111111111:remedy-alerts-prod: MessageId msg-1\n/,
    );
    expect(run.stdout).toContain('remedy audit --since 5m ');
    expect(run.stdout).toContain('--status resolved --starts-at 2026-11-25T12:00:00.000Z');
    const last = published.at(-1);
    expect(last?.target).toEqual({ topicArn: TOPIC, region: 'eu-west-1' });
    expect(last?.message.attributes).toEqual({
      alertname: 'KubePodCrashLooping',
      severity: 'none',
      cluster: 'prod',
      status: 'firing',
    });
  });

  it('warns that a severity=info alert never reaches remedy (the subscription filters it out)', async () => {
    const run = await fire(['--label', 'severity=info']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/severity=info is dropped by the remediate subscription filter/);
  });

  it('resolves an episode fired earlier: same start, endsAt now', async () => {
    const run = await fire(['--status', 'resolved', '--starts-at', '10m', '--output', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      messageId: 'msg-1',
      startsAt: '2026-11-25T11:50:00.000Z',
    });
    const alert = published.at(-1)?.message.notification.alerts[0];
    expect(alert).toMatchObject({ status: 'resolved', endsAt: '2026-11-25T12:00:00.000Z' });
  });

  it.each([
    [['--label', 'pod'], /--label wants key=value, got "pod"/],
    [['--label', 'bad-name=x'], /--label "bad-name": a label name is/],
    [['--label', 'pod=a', '--label', 'pod=b'], /--label pod is given twice/],
    [['--alertname', 'A', '--label', 'alertname=B'], /--alertname and --label alertname=… disagree/],
    [['--status', 'pending'], /--status must be firing or resolved/],
    [['--starts-at', 'tuesday'], /--starts-at must be a duration ago/],
    [['--topic-arn', 'arn:aws:sqs:eu-west-1:111111111111:q'], /not an SNS topic ARN/],
  ])('exits 2 for %j, publishing nothing', async (argv, message) => {
    const before = published.length;
    const run = await fire(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(published.length).toBe(before);
  });

  it('exits 2 without a topic, and 1 with a hint when the endpoint does not answer', async () => {
    const none = await fire([], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no topic: pass --topic-arn ARN, set REMEDY_TOPIC_ARN, or add --local/);
    const down = await remedy(['fire', '--endpoint', 'http://127.0.0.1:9'], {
      env: { REMEDY_TOPIC_ARN: TOPIC },
      fire: {
        publish: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'Error' });
        },
      },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `remedy: error: could not publish to topic ${TOPIC} at http://127.0.0.1:9: cannot connect (connect ECONNREFUSED 127.0.0.1:9); is \`npm start\` running?\n`,
    );
  });

  it('--print writes the body to stdout and the subject and attributes to stderr, publishing nothing', async () => {
    const before = published.length;
    const run = await fire(['--print', '--label', 'severity=critical'], {});
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'firing',
      commonLabels: { alertname: 'RemedyTestAlert' },
    });
    expect(run.stderr).toBe(
      'subject: [FIRING:1] RemedyTestAlert\nattributes: {"alertname":"RemedyTestAlert","severity":"critical","cluster":"none","status":"firing"}\n',
    );
    expect(published.length).toBe(before);
  });
});
