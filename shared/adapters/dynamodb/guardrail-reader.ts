// The guardrail items of the state table, read only (consistent reads, never a write): what `remedy policy
// explain` shows. The keys are the ledger's (see reservation.ts); the reservation itself stays the only writer.
import { type DocumentClient, GetCommand } from './client/document-client.js';
import { DynamoControls } from './controls.js';

/** The claim item of an episode, as far as explain needs it. */
export interface ClaimItem {
  state?: string;
  holder?: string;
  claimedAt?: string;
  leaseUntil?: number;
  outcome?: string;
  code?: string;
}

/** Satisfies app/explain's GuardrailState (adapters do not import the app layer; the shape is checked there). */
export class DynamoGuardrailReader {
  private readonly controls: DynamoControls;

  constructor(
    private readonly client: DocumentClient,
    private readonly table: string,
  ) {
    this.controls = new DynamoControls(client, table);
  }

  pauseState() {
    return this.controls.pauseState();
  }

  breaker(policy: string) {
    return this.controls.breaker(policy);
  }

  async claim(key: string): Promise<ClaimItem | undefined> {
    const item = await this.get(`ALERT#${key}`, 'CLAIM');
    if (item === undefined) return undefined;
    const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
    return {
      ...text('state'),
      ...text('holder'),
      ...text('claimedAt'),
      ...text('outcome'),
      ...text('code'),
      ...(typeof item.leaseUntil === 'number' ? { leaseUntil: item.leaseUntil } : {}),
    };
  }

  async cooldown(key: string): Promise<{ until: Date; episode?: string } | undefined> {
    const item = await this.get(key, 'COOLDOWN');
    if (typeof item?.cooldownUntil !== 'number') return undefined;
    return {
      until: new Date(item.cooldownUntil * 1000),
      ...(typeof item.episode === 'string' ? { episode: item.episode } : {}),
    };
  }

  async budgetUsed(key: string): Promise<number> {
    const item = await this.get(key, 'BUDGET');
    return typeof item?.used === 'number' ? item.used : 0;
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
    );
    return res.Item;
  }
}
