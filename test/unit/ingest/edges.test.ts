// Edges a review found on the ingest split, its SNS attributes and the user-actions IAM generator.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPolicySources, validatePolicySet } from '../../../shared/cli/policy-files.js';
import {
  alertAttributes,
  parseWebhook,
  publishBytes,
  toAlertsMessages,
} from '../../../shared/domain/alert/webhook.js';

type Generator = {
  readPolicyDocuments: (dir: string) => Array<{ file: string; document: unknown }>;
  userActionStatements: (docs: Array<{ file: string; document: unknown }>) => Array<Record<string, unknown>>;
};
const generator = createRequire(import.meta.url)(
  '../../../infra/resources/user-actions-iam.cjs',
) as Generator;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('user-actions-iam.cjs vs the policy loader', () => {
  it('a .json policy the CLI/local stack loads gets IAM from the generator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-ua-'));
    dirs.push(dir);
    const policy = {
      name: 'json-invoke',
      match: { alertname: 'QueueBacklogGrowing' },
      target: { namespace: { fromLabel: 'namespace' }, deployment: { fromLabel: 'deployment' } },
      action: { type: 'invokeFunction', functionName: 'team-scaler', kind: 'Deployment' },
    };
    writeFileSync(join(dir, 'json-invoke.json'), JSON.stringify(policy));
    // The loader (remedy policies apply / local stack) accepts it as a valid policy …
    const loaded = validatePolicySet(await readPolicySources([dir]));
    expect(loaded.ok).toBe(true);
    // … but the generator never reads it: no lambda:InvokeFunction, so the action is AccessDenied at run time.
    const statements = generator.userActionStatements(generator.readPolicyDocuments(dir));
    expect(statements.map((s) => s.Action)).toContainEqual(['lambda:InvokeFunction']);
  });
});

describe('toAlertsMessages split invariants (fuzz)', () => {
  const alert = (i: number, size: number, status: 'firing' | 'resolved') => ({
    status,
    labels: { alertname: 'Big', pod: `p${i}` },
    annotations: { d: 'é'.repeat(size) },
    startsAt: '2026-01-01T00:00:00Z',
    fingerprint: i.toString(16),
  });
  it('every message fits, alerts neither lost nor duplicated, order kept', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rnd() * 40);
      const alerts = Array.from({ length: n }, (_, i) =>
        alert(i, Math.floor(rnd() * 20_000), rnd() < 0.5 ? 'firing' : 'resolved'),
      );
      const parsed = parseWebhook(
        JSON.stringify({
          version: '4',
          receiver: 'r',
          status: 'firing',
          alerts,
          commonLabels: { alertname: 'Big', cluster: 'c'.repeat(Math.floor(rnd() * 300)) },
          truncatedAlerts: rnd() < 0.3 ? 2 : 0,
        }),
      );
      if (!parsed.ok) throw new Error(parsed.reason);
      const limit = 50_000 + Math.floor(rnd() * 200_000);
      const split = toAlertsMessages(parsed.payload, limit);
      if (!split.ok) continue;
      const seen: string[] = [];
      for (const m of split.messages) {
        expect(publishBytes(m.body, m.attributes)).toBeLessThanOrEqual(limit);
        seen.push(...(JSON.parse(m.body).alerts as Array<{ fingerprint: string }>).map((a) => a.fingerprint));
      }
      expect(seen).toEqual(alerts.map((a) => a.fingerprint));
    }
  });
});

describe('AutomationAssumeRole from an alert label', () => {
  it('the policy schema refuses a placeholder in AutomationAssumeRole (the generator does)', async () => {
    const { policySchema } = await import('../../../shared/domain/policy/schema.js');
    const { renderParameters } = await import('../../../shared/domain/actions/user/render.js');
    const policy = {
      name: 'runbook-role-from-label',
      match: { alertname: 'NodeDiskFull' },
      target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
      action: {
        type: 'startAutomation',
        documentName: 'team-clean-disk',
        parameters: { AutomationAssumeRole: 'arn:aws:iam::123456789012:role/{{role}}' },
      },
    };
    // Runtime: the alert's `role` label picks the role SSM runs the runbook as (any role the remediate role
    // may pass for another policy's runbook, e.g. a broad one).
    const rendered = renderParameters(policy.action.parameters, {
      labels: { role: 'platform-admin-automation' },
      target: { cluster: 'c', namespace: 'n', kind: 'Pod', name: 'p' },
      alertname: 'NodeDiskFull',
      policy: policy.name,
      decisionId: 'd',
      context: '{}',
    });
    expect(rendered).toEqual({
      ok: true,
      value: { AutomationAssumeRole: ['arn:aws:iam::123456789012:role/platform-admin-automation'] },
    });
    // Package time refuses it (only for .yaml/.yml files in the folder) …
    expect(() => generator.userActionStatements([{ file: 'p.yaml', document: policy }])).toThrow(
      /literal IAM role ARN/,
    );
    // … but the policy schema (remedy policies apply, the store) accepts it.
    expect(policySchema.safeParse(policy).success).toBe(false);
  });
});

describe('ingest: a commonLabels value SNS cannot carry as an attribute', () => {
  it('routes on a "?" in its place (control characters, lone surrogates) and keeps the exact value in the body', () => {
    // A lone surrogate is legal JSON ("\ud800") and passes zod; as an attribute the SDK's serializer throws
    // URIError, and SNS refuses control characters in attribute values: every retry of the post would fail.
    const attributes = alertAttributes({
      status: 'firing',
      commonLabels: { alertname: 'A\u0001B', cluster: 'c\ud800', severity: 'crit 😀' },
    });
    expect(attributes).toEqual({ alertname: 'A?B', cluster: 'c?', severity: 'crit 😀', status: 'firing' });
    expect(() => encodeURIComponent(Object.values(attributes).join(''))).not.toThrow();
  });
});
