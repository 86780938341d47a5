import {
  ConditionalCheckFailedException,
  type DocumentClient,
  type PutCommand,
  UpdateCommand,
} from '#adapters/dynamodb/client/document-client.js';

/** Threads and tickets are remembered as long as alert claims are (Alertmanager repeats, Lambda retries). */
export const NOTIFY_TTL_SECONDS = 30 * 24 * 3600;
/** A thread or ticket claim never completed (its holder died mid-call) may be taken over after this long. */
export const NOTIFY_CLAIM_STALE_SECONDS = 60;

export const seconds = (d: Date | number) => Math.floor(new Date(d).getTime() / 1000);

export const ignoreConditionFailed = (error: unknown) => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

/** The state table, for the notifier's items: a plain update, and a conditional write that says if it held. */
export class NotifyItems {
  constructor(
    protected readonly client: DocumentClient,
    protected readonly table: string,
  ) {}

  protected async update(
    Key: Record<string, string>,
    expression: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ) {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key,
        UpdateExpression: expression,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
      }),
    );
  }

  /** True when the conditional write went through; false when its condition did not hold. */
  protected async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
