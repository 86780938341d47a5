import { type DocumentClient, GetCommand, PutCommand, UpdateCommand } from './client/document-client.js';

/** The kill switch: one item every action's reservation checks, so a pause takes effect on the next action. */
export const CONTROL_KEY = { pk: 'CONTROL#global', sk: 'STATE' } as const;
export const BREAKER_SK = 'STATE';
export const breakerKey = (policy: string) => `BREAKER#${policy}`;

export interface PauseState {
  paused: boolean;
  reason?: string;
  by?: string;
  at?: string;
}

export interface BreakerState {
  policy: string;
  isOpen: boolean;
  consecutiveFailures: number;
  openedAt?: string;
  reason?: string;
}

/** What operators switch: the global kill switch and per-policy circuit breakers (the CLI's pause/resume). */
export class DynamoControls {
  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {}

  async pause(reason: string, by: string, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...CONTROL_KEY, paused: true, reason, by, at: now.toISOString() },
      }),
    );
  }

  async resume(by: string, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...CONTROL_KEY, paused: false, by, at: now.toISOString() },
      }),
    );
  }

  async pauseState(): Promise<PauseState> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: CONTROL_KEY, ConsistentRead: true }),
    );
    return res.Item ? (res.Item as PauseState) : { paused: false };
  }

  /** Closes a policy's breaker and zeroes its failure count; records who did it. */
  async resumePolicy(policy: string, by: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: breakerKey(policy), sk: BREAKER_SK },
        UpdateExpression:
          'SET isOpen = :false, consecutiveFailures = :zero, resumedBy = :by, resumedAt = :at, policy = :policy',
        ExpressionAttributeValues: {
          ':false': false,
          ':zero': 0,
          ':by': by,
          ':at': now.toISOString(),
          ':policy': policy,
        },
      }),
    );
  }

  async breaker(policy: string): Promise<BreakerState> {
    const res = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: breakerKey(policy), sk: BREAKER_SK },
        ConsistentRead: true,
      }),
    );
    return {
      policy,
      isOpen: res.Item?.isOpen === true,
      consecutiveFailures: Number(res.Item?.consecutiveFailures ?? 0),
      ...(res.Item?.openedAt ? { openedAt: String(res.Item.openedAt) } : {}),
      ...(res.Item?.reason ? { reason: String(res.Item.reason) } : {}),
    };
  }

  /** Reads breakers for the given policies (the CLI passes the stored policy names). */
  async breakers(policies: readonly string[]): Promise<BreakerState[]> {
    return Promise.all(policies.map((p) => this.breaker(p)));
  }
}
