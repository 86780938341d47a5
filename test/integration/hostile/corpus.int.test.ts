import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, paginateScan } from '#adapters/dynamodb/client/document-client.js';
import { remediateNotification, type Summary } from '#app/remediate-notification.js';
import { isRefusal, loadCorpus, type MessageCase, withLivePod } from '../../fixtures/hostile/corpus.js';
import { crashLoopPolicy, notification, type RemedyHarness, startRemedy } from '../../support/remedy.js';

/**
 * The hostile corpus through the real use case (DynamoDB Local + the sandbox API over TLS, mode enforce): every
 * case must end without a throw, with the expected outcome, with NO request reaching the sandbox, and with a
 * record of the refusal (dead letter and/or audit). Afterwards a valid alert must still act.
 */
const { messages } = loadCorpus();

const clip = (s: string, max = 400) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
const missing = (text: string, wanted: readonly string[]) => wanted.filter((w) => !text.includes(w));

interface StoredRecord {
  pk: string;
  sk: string;
  messageId?: string;
  code?: string;
  outcome?: string;
  reason?: string;
}

describe('hostile corpus through remediateNotification (DynamoDB Local + sandbox API)', () => {
  let h: RemedyHarness;
  beforeAll(async () => {
    h = await startRemedy([crashLoopPolicy]);
  });
  afterAll(async () => {
    await h.close();
  });

  const livePods = () =>
    h.sandbox.store
      .list('pods', 'demo')
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name)
      .sort();

  /** Every audit record and dead letter carrying this SNS MessageId (without the stored message text). */
  const recordsOf = async (messageId: string): Promise<StoredRecord[]> => {
    const found: StoredRecord[] = [];
    const pages = paginateScan(
      { client: h.tables.doc },
      {
        TableName: h.tables.stateTable,
        FilterExpression: '#messageId = :id',
        ProjectionExpression: '#pk, #sk, #messageId, #code, #outcome, #reason',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#sk': 'sk',
          '#messageId': 'messageId',
          '#code': 'code',
          '#outcome': 'outcome',
          '#reason': 'reason',
        },
        ExpressionAttributeValues: { ':id': messageId },
      },
    );
    for await (const page of pages) found.push(...((page.Items ?? []) as StoredRecord[]));
    return found;
  };

  const storedMessage = async (deadLetter: StoredRecord): Promise<unknown> => {
    const got = await h.tables.doc.send(
      new GetCommand({ TableName: h.tables.stateTable, Key: { pk: deadLetter.pk, sk: deadLetter.sk } }),
    );
    return got.Item?.message;
  };

  /** Runs one case; a throw is caught and returned, so the assertion can show it next to the requests made. */
  const run = async (c: MessageCase, pod: string) => {
    const messageId = `hostile-${c.name}`;
    const sent = withLivePod(c.message, pod);
    const requestsBefore = h.sandbox.requests.length;
    let summary: Summary | undefined;
    let threw: string | undefined;
    try {
      summary = await remediateNotification(
        { MessageId: messageId, Message: sent, MessageAttributes: c.attributes },
        h.deps,
        { requestId: `req-${c.name}` },
      );
    } catch (error) {
      threw = clip(`${(error as Error).name}: ${(error as Error).message}`);
    }
    const requests = h.sandbox.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`);
    return { messageId, sent, summary, threw, requests };
  };

  it.each(messages)('$name', async (c) => {
    // Prepare
    const before = livePods();
    const [pod] = before;
    if (!pod) throw new Error('sandbox has no pod left in demo');
    // Act
    const { messageId, sent, summary, threw, requests } = await run(c, pod);
    // Assess: no throw, the expected outcome, nothing sent to the cluster, no pod touched
    // (A refused message yields no alert and one `rejected` record; every target case carries one alert.)
    expect({ threw, alerts: summary?.alerts, outcomes: summary?.outcomes, requests }).toEqual({
      threw: undefined,
      alerts: isRefusal(c.expect) ? 0 : 1,
      outcomes: isRefusal(c.expect) ? { rejected: 1 } : { skipped: 1 },
      requests: [],
    });
    expect(livePods()).toEqual(before);

    // Assess: the refusal is on record, with the precise reason
    const records = await recordsOf(messageId);
    const audits = records.filter((r) => r.pk.startsWith('AUDIT#'));
    const deadLetters = records.filter((r) => r.pk.startsWith('DEADLETTER#'));
    if (isRefusal(c.expect)) {
      expect(audits.map((a) => [a.outcome, a.code])).toEqual([['rejected', c.expect.code]]);
      expect(
        missing(audits[0]?.reason ?? '', c.expect.messageIncludes),
        clip(audits[0]?.reason ?? ''),
      ).toEqual([]);
      expect(deadLetters.map((d) => d.code)).toEqual([c.expect.code]);
    } else {
      expect(audits.map((a) => [a.outcome, a.code])).toEqual([['skipped', c.expect.code]]);
      expect(
        missing(audits[0]?.reason ?? '', c.expect.reasonIncludes),
        clip(audits[0]?.reason ?? ''),
      ).toEqual([]);
      expect(deadLetters.map((d) => d.code)).toEqual(
        c.expect.code === 'invalid-target' ? ['invalid-target'] : [],
      );
    }
    // The dead letter keeps the message exactly as it arrived, for an operator to read or replay.
    for (const deadLetter of deadLetters) {
      const stored = await storedMessage(deadLetter);
      expect(stored === sent, `dead letter altered the message (${clip(String(stored), 120)})`).toBe(true);
    }
  });

  it('keeps working after the whole corpus: a valid alert still deletes its pod', async () => {
    // Prepare
    const [victim] = livePods();
    if (!victim) throw new Error('sandbox has no pod left in demo');
    const deletesBefore = h.sandbox.requests.filter((r) => r.method === 'DELETE').length;
    // Act
    const summary = await remediateNotification(
      {
        MessageId: 'after-the-corpus',
        Message: JSON.stringify(
          notification([{ labels: { namespace: 'demo', pod: victim }, fingerprint: 'cafe0001' }]),
        ),
        MessageAttributes: {},
      },
      h.deps,
      { requestId: 'req-after' },
    );
    // Assess
    expect(summary.outcomes).toEqual({ acted: 1 });
    expect(livePods()).not.toContain(victim);
    expect(h.sandbox.requests.filter((r) => r.method === 'DELETE').length - deletesBefore).toBe(1);
  });
});
