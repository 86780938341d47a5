import type { FollowupMessage } from '#domain/verify/message.js';
import type { FollowupScheduler } from '#domain/verify/ports.js';

/** A FollowupScheduler that keeps what remediate (or a followup re-delay) would have sent to SQS. */
export class CapturingScheduler implements FollowupScheduler {
  readonly sent: Array<{ message: FollowupMessage; delaySeconds: number }> = [];
  async schedule(message: FollowupMessage, delaySeconds: number) {
    this.sent.push({ message: structuredClone(message), delaySeconds });
  }
}
