// remedy's DynamoDB document client: the few operations remedy uses, with the AWS SDK document client's command
// names and shapes (items as plain JavaScript, `send(new PutCommand(…))`), over aws-json.ts. Loading the SDK's
// DynamoDB client costs a cold start about 150 ms here (README "Performance"); this costs a few.
import { AwsJsonClient, type AwsJsonOptions, AwsServiceError } from '../../aws/aws-json.js';
import { type AttributeValue, type Document, marshallDocument, unmarshallDocument } from './marshall.js';

export type { Document, NativeValue } from './marshall.js';

type Values = Record<string, unknown>;
interface Expressions {
  ConditionExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Values | undefined;
}
type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
type OnConditionFailure = { ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE' };

export interface GetCommandInput {
  TableName: string;
  Key: Values;
  ConsistentRead?: boolean | undefined;
  ProjectionExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
}
export interface PutCommandInput extends Expressions, OnConditionFailure {
  TableName: string;
  Item: Values;
  ReturnValues?: ReturnValues | undefined;
}
export interface UpdateCommandInput extends Expressions, OnConditionFailure {
  TableName: string;
  Key: Values;
  UpdateExpression: string;
  ReturnValues?: ReturnValues | undefined;
}
export interface DeleteCommandInput extends Expressions, OnConditionFailure {
  TableName: string;
  Key: Values;
  ReturnValues?: ReturnValues | undefined;
}
interface ReadMany {
  TableName: string;
  IndexName?: string | undefined;
  FilterExpression?: string | undefined;
  ProjectionExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Values | undefined;
  ExclusiveStartKey?: Values | undefined;
  Limit?: number | undefined;
  ConsistentRead?: boolean | undefined;
  Select?: 'ALL_ATTRIBUTES' | 'COUNT' | 'SPECIFIC_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | undefined;
}
export interface QueryCommandInput extends ReadMany {
  KeyConditionExpression: string;
  ScanIndexForward?: boolean | undefined;
}
export type ScanCommandInput = ReadMany;
export interface TransactWriteCommandInput {
  TransactItems: Array<{
    Put?: Omit<PutCommandInput, 'ReturnValues'>;
    Update?: Omit<UpdateCommandInput, 'ReturnValues'>;
    Delete?: Omit<DeleteCommandInput, 'ReturnValues'>;
    ConditionCheck?: Expressions & OnConditionFailure & { TableName: string; Key: Values };
  }>;
  ClientRequestToken?: string | undefined;
}

export interface GetCommandOutput {
  Item?: Document;
}
export interface WriteCommandOutput {
  Attributes?: Document;
}
export interface ReadManyOutput {
  Items?: Document[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: Document;
}
export type TransactWriteCommandOutput = Record<string, never>;

/** A command: the DynamoDB operation, its input, and how its documents cross the wire. */
abstract class Command<Input, Output> {
  declare readonly output: Output;
  abstract readonly operation: string;
  constructor(readonly input: Input) {}
  /** The input in DynamoDB's wire form. */
  wire(): Values {
    return encode(this.input as object);
  }
  /** Items in the answer become plain JavaScript. */
  read(answer: Values): Output {
    return decode(answer) as Output;
  }
}

const asMap = (v: unknown) => v as Record<string, AttributeValue>;
/** Marshals the document-valued fields of an input (Item, Key, values, start key); the rest is left as given. */
const encode = (input: object): Values => {
  const out: Values = { ...input };
  for (const field of ['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const) {
    const value = out[field];
    if (value !== undefined) out[field] = marshallDocument(value as Values, field);
  }
  return out;
};
const decode = (answer: Values): Values => {
  const out: Values = { ...answer };
  for (const field of ['Item', 'Attributes', 'LastEvaluatedKey'] as const)
    if (out[field] !== undefined) out[field] = unmarshallDocument(asMap(out[field]));
  if (Array.isArray(out.Items)) out.Items = out.Items.map((i) => unmarshallDocument(asMap(i)));
  return out;
};

export class GetCommand extends Command<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
}
export class PutCommand extends Command<PutCommandInput, WriteCommandOutput> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends Command<UpdateCommandInput, WriteCommandOutput> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends Command<DeleteCommandInput, WriteCommandOutput> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends Command<QueryCommandInput, ReadManyOutput> {
  readonly operation = 'Query';
}
export class ScanCommand extends Command<ScanCommandInput, ReadManyOutput> {
  readonly operation = 'Scan';
}
export class TransactWriteCommand extends Command<TransactWriteCommandInput, TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
  override wire(): Values {
    return {
      ...this.input,
      TransactItems: this.input.TransactItems.map((item) =>
        Object.fromEntries(Object.entries(item).map(([kind, op]) => [kind, encode(op as object)])),
      ),
    };
  }
}

/** An error DynamoDB answered; `name` is its code. Subclasses for the ones remedy decides on. */
export class DynamoDBServiceError extends AwsServiceError {}
/** A condition refused the write; `Item` holds the item in wire form when ReturnValuesOnConditionCheckFailure asked. */
export class ConditionalCheckFailedException extends DynamoDBServiceError {
  get Item(): Record<string, AttributeValue> | undefined {
    return this.body.Item as Record<string, AttributeValue> | undefined;
  }
}
/** Why one item of a cancelled transaction was refused (`None` for the items that were not the reason). */
export interface CancellationReason {
  Code?: string;
  Message?: string;
  Item?: Record<string, AttributeValue>;
}
/** A transaction refused as a whole; one reason per item, in order (`Item` in wire form, as DynamoDB sends it). */
export class TransactionCanceledException extends DynamoDBServiceError {
  get CancellationReasons(): CancellationReason[] | undefined {
    return this.body.CancellationReasons as CancellationReason[] | undefined;
  }
}
const ERRORS: Record<string, typeof DynamoDBServiceError> = {
  ConditionalCheckFailedException,
  TransactionCanceledException,
};

export interface DocumentClientOptions
  extends Omit<AwsJsonOptions, 'service' | 'targetPrefix' | 'jsonVersion'> {}

/** Sends commands; one per process (it keeps its connections). */
export class DocumentClient {
  private readonly api: AwsJsonClient;

  constructor(options: DocumentClientOptions) {
    this.api = new AwsJsonClient({
      ...options,
      service: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      jsonVersion: '1.0',
    });
  }

  async send<I, O>(command: Command<I, O>): Promise<O> {
    const wire = command.wire();
    try {
      return command.read(await this.api.call(command.operation, wire));
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      const Kind = ERRORS[error.name] ?? DynamoDBServiceError;
      const typed = new Kind(error.name, error.message, error.status, error.body, error.requestId);
      throw Object.assign(typed, { cause: error });
    }
  }

  destroy(): void {
    this.api.destroy();
  }
}

/** `pageSize` is each page's Limit, as in the SDK's paginators. */
type Paginated = { client: Pick<DocumentClient, 'send'>; pageSize?: number | undefined };

async function* pages<I extends ReadMany>(
  { client, pageSize }: Paginated,
  input: I,
  command: (input: I) => Command<I, ReadManyOutput>,
): AsyncGenerator<ReadManyOutput> {
  let start: Values | undefined = input.ExclusiveStartKey;
  do {
    const page = await client.send(
      command({
        ...input,
        ...(pageSize === undefined ? {} : { Limit: pageSize }),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield page;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

/** Every page of a Query, following LastEvaluatedKey (the SDK's paginateQuery). */
export const paginateQuery = (config: Paginated, input: QueryCommandInput) =>
  pages(config, input, (i) => new QueryCommand(i));

/** Every page of a Scan, following LastEvaluatedKey (the SDK's paginateScan). */
export const paginateScan = (config: Paginated, input: ScanCommandInput) =>
  pages(config, input, (i) => new ScanCommand(i));
