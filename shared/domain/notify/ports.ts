import type { AuditRecord, Outcome } from '../audit.js';
import type { NotifySettings } from './schema.js';
import type { SlackMessage } from './slack-blocks.js';

/** The two Slack Web API methods remedy uses; errors are thrown, with Slack's error code, never the token. */
export interface SlackApi {
  postMessage(
    m: SlackMessage & { channel: string; threadTs?: string },
  ): Promise<{ channel: string; ts: string }>;
  update(m: SlackMessage & { channel: string; ts: string }): Promise<void>;
}

/** A ticket in the team's tracker (Jira Cloud REST v3): created once per episode, then commented on. */
export interface Tickets {
  create(t: {
    project: string;
    issueType: string;
    summary: string;
    labels: string[];
    description: unknown;
  }): Promise<{
    key: string;
    url: string;
  }>;
  comment(key: string, body: unknown): Promise<void>;
  /** Applies the transition of this name (e.g. Done); false when the issue offers none by that name. */
  transition(key: string, name: string): Promise<boolean>;
}

/** Marks on dashboards (Grafana `POST /api/annotations`). */
export interface Annotations {
  annotate(a: {
    time: number;
    tags: string[];
    text: string;
    dashboardUID?: string;
    panelId?: number;
  }): Promise<void>;
}

/** The thread of one alert group: where it lives, what it shows, how many decisions of each outcome. */
export interface ThreadState {
  channel: string;
  /** Empty while another writer is opening the thread. */
  ts: string;
  /** The parent message's facts, merged from every decision so far. */
  parent: AuditRecord;
  tally: Partial<Record<Outcome, number>>;
  ticket?: { key: string; url: string };
}

/** One ticket per alert episode, kept so repeats comment instead of opening another. */
export interface TicketState {
  /** Absent: no ticket yet; empty: another writer is creating it; else the issue key. */
  key?: string;
  url?: string;
  /** The last outcome remedy recorded for the episode (onNotRecovered needs to know it acted). */
  lastOutcome?: Outcome;
  settings?: NotifySettings['ticket'];
}

/** The notifier's memory in the state table: thread per group, ticket per episode, storm per policy window. */
export interface NotifyState {
  /** Claims the right to open the group's thread; undefined when the caller won, else the existing thread. */
  claimThread(
    group: string,
    channel: string,
    parent: AuditRecord,
    now: Date,
  ): Promise<ThreadState | undefined>;
  setThread(group: string, ref: { channel: string; ts: string }): Promise<void>;
  releaseThread(group: string): Promise<void>;
  getThread(group: string): Promise<ThreadState | undefined>;
  /** Merges a decision into the thread's parent and tally; returns the new state. */
  recordEvent(group: string, parent: AuditRecord, outcome: Outcome): Promise<ThreadState>;
  linkTicket(group: string, ticket: { key: string; url: string }): Promise<void>;
  getTicket(episode: string): Promise<TicketState | undefined>;
  /** Claims the episode's ticket; undefined when the caller won, else the existing (maybe pending) one. */
  claimTicket(
    episode: string,
    settings: NotifySettings['ticket'],
    now: Date,
  ): Promise<TicketState | undefined>;
  setTicket(episode: string, ticket: { key: string; url: string }): Promise<void>;
  releaseTicket(episode: string): Promise<void>;
  /** Remembers the episode's latest outcome (so a later repeat can tell it was not recovered). */
  noteOutcome(
    episode: string,
    outcome: Outcome,
    settings: NotifySettings['ticket'],
    now: Date,
  ): Promise<void>;
  /** Adds to the storm counter of a key (policy + window); says how many so far and the message, if any. */
  countStorm(
    key: string,
    alerts: number,
    now: Date,
  ): Promise<{ total: number; first: boolean; ref?: { channel: string; ts: string }; updatedAt?: number }>;
  setStorm(key: string, ref: { channel: string; ts: string }, now: Date): Promise<void>;
  /** Records that a notification could not be delivered (the decision stands; this is for operators). */
  recordFailure(group: string, failure: { at: string; sinks: string[]; error: string }): Promise<void>;
}
