import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { platformViolations, validatePolicies } from '#app/apply-policies.js';
import { effectivePolicy, type PlatformInput, parsePlatform } from '#domain/policy/platform.js';
import type { PolicyInput } from '#domain/policy/schema.js';
import { readPolicyFiles } from '../../../infra/local/policies.js';

const layer = (input: PlatformInput) => {
  const parsed = parsePlatform(input);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.platform;
};

const STRICT = layer({
  defaults: {
    guard: {
      cooldown: '15m',
      maxActions: { count: 5, per: '1h' },
      circuitBreaker: { consecutiveFailures: 2 },
    },
    notify: { slack: { channel: '#remedy' } },
  },
  limits: {
    actions: ['deletePod', 'evictPod', 'notifyOnly'],
    maxActions: { count: 10, per: '1h' },
    minCooldown: '5m',
    maxGracePeriodSeconds: 60,
    maxConsecutiveFailures: 5,
    protectedNamespaces: ['payments'],
  },
  teams: {
    shop: { notify: { slack: { channel: '#shop-oncall' }, ticket: { jira: { project: 'SHOP' } } } },
    data: { notify: { slack: { channel: '#data' } } },
  },
});

const policy = (over: Record<string, unknown> = {}): PolicyInput =>
  ({
    name: 'restart-crashlooping-pod',
    owner: 'shop',
    match: { alertname: 'KubePodCrashLooping' },
    target: { namespace: { fromLabel: 'namespace' }, pod: { fromLabel: 'pod' } },
    action: { type: 'deletePod' },
    ...over,
  }) as PolicyInput;

const ok = (result: ReturnType<typeof effectivePolicy>) => {
  if (!result.ok) throw new Error(result.violations.join('\n'));
  return result;
};

describe('effectivePolicy: merging', () => {
  it('without a layer is the policy schema alone, every default built-in', () => {
    // Act
    const { policy: p, sources } = ok(effectivePolicy(undefined, policy()));

    // Assess
    expect(p.guard.cooldown).toBe(600);
    expect(p.guard.maxActions).toEqual({ count: 10, perSeconds: 3600 });
    expect(sources['guard.cooldown']).toBe('built-in');
    expect(sources['action.type']).toBe('policy');
  });

  it('fills what the policy leaves out from the platform defaults, not the built-in ones', () => {
    // Act
    const { policy: p, sources } = ok(effectivePolicy(STRICT, policy({ owner: undefined })));

    // Assess
    expect(p.guard.cooldown).toBe(900);
    expect(p.guard.maxActions).toEqual({ count: 5, perSeconds: 3600 });
    expect(p.guard.circuitBreaker.consecutiveFailures).toBe(2);
    expect(p.notify?.slack?.channel).toBe('#remedy');
    expect(sources).toMatchObject({
      'guard.cooldown': 'platform',
      'guard.maxActions': 'platform',
      'guard.circuitBreaker.consecutiveFailures': 'platform',
      'notify.slack.channel': 'platform',
      'guard.dryRun': 'built-in',
      'action.gracePeriodSeconds': 'built-in',
      name: 'policy',
    });
  });

  it("routes a policy without notify settings to its owner team's channel and ticket project", () => {
    // Act
    const { policy: p, sources } = ok(effectivePolicy(STRICT, policy()));

    // Assess
    expect(p.owner).toBe('shop');
    expect(p.notify?.slack?.channel).toBe('#shop-oncall');
    expect(p.notify?.ticket?.jira.project).toBe('SHOP');
    expect(sources['notify.slack.channel']).toBe('team');
    expect(sources['notify.ticket.jira.project']).toBe('team');
    expect(sources['notify.ticket.when']).toBe('built-in');
  });

  it("keeps the policy's own channel over the team's, and still takes the team's ticket project", () => {
    // Act
    const { policy: p, sources } = ok(
      effectivePolicy(
        STRICT,
        policy({
          notify: { slack: { channel: '#mine' }, ticket: { jira: { project: 'MINE' }, when: 'always' } },
        }),
      ),
    );

    // Assess
    expect(p.notify?.slack?.channel).toBe('#mine');
    expect(p.notify?.ticket).toMatchObject({ jira: { project: 'MINE' }, when: ['always'] });
    expect(sources['notify.slack.channel']).toBe('policy');
    expect(sources['notify.ticket.when']).toBe('policy');
  });

  it('adds the protected namespaces to every deny list, keeping the policy’s own', () => {
    // Act
    const { policy: p, sources } = ok(
      effectivePolicy(STRICT, policy({ guard: { namespaces: { deny: ['monitoring'] } } })),
    );

    // Assess
    expect(p.guard.namespaces.deny).toEqual(['monitoring', 'payments']);
    expect(sources['guard.namespaces.deny']).toBe('platform');
  });

  it('adds a matcher per required label, after the policy’s own', () => {
    // Prepare
    const platform = layer({ defaults: { requiredLabels: ['cluster'] } });

    // Act
    const { policy: p, sources } = ok(
      effectivePolicy(platform, policy({ match: { alertname: 'X', matchers: ['severity="critical"'] } })),
    );

    // Assess
    expect(p.match.matchers.map((m) => [m.name, m.type, m.value])).toEqual([
      ['severity', '=', 'critical'],
      ['cluster', '=~', '.+'],
    ]);
    expect(sources['match.matchers']).toBe('platform');
  });

  it('tightens an inherited built-in value silently: the author never chose it', () => {
    // Prepare: no platform default for the grace period; the built-in 30s is above the limit.
    const platform = layer({ limits: { maxGracePeriodSeconds: 10, minCooldown: '20m' } });

    // Act
    const { policy: p, sources, adjusted } = ok(effectivePolicy(platform, policy()));

    // Assess
    expect(p.action).toMatchObject({ gracePeriodSeconds: 10 });
    expect(p.guard.cooldown).toBe(1200);
    expect(sources['action.gracePeriodSeconds']).toBe('platform');
    expect(adjusted).toEqual([]);
  });
});

describe('effectivePolicy: a team may tighten, never widen', () => {
  it.each([
    ['a smaller budget', { guard: { maxActions: { count: 3, per: '1h' } } }],
    ['the same budget over a longer window', { guard: { maxActions: { count: 10, per: '2h' } } }],
    ['1 per 10m (6 per 1h)', { guard: { maxActions: { count: 1, per: '10m' } } }],
    ['a longer cooldown', { guard: { cooldown: '1h' } }],
    ['a shorter grace period', { action: { type: 'deletePod', gracePeriodSeconds: 5 } }],
    ['a narrower scope', { guard: { namespaces: { allow: ['shop'], deny: ['shop-canary'] } } }],
    ['a lower breaker threshold', { guard: { circuitBreaker: { consecutiveFailures: 1 } } }],
    ['dry-run', { guard: { dryRun: true } }],
  ])('accepts %s', (_what, over) => {
    // Act
    const result = effectivePolicy(STRICT, policy(over));

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    [
      'a bigger budget',
      { guard: { maxActions: { count: 50, per: '1h' } } },
      'guard.maxActions.count 50 exceeds the platform limit 10 per 1h (platform.limits.maxActions)',
    ],
    [
      'a budget over a shorter window',
      { guard: { maxActions: { count: 5, per: '10m' } } },
      'guard.maxActions.count 5 (5 per 10m allows 30 per 1h) exceeds the platform limit 10 per 1h (platform.limits.maxActions)',
    ],
    [
      'a budget whose windows straddle the limit’s',
      { guard: { maxActions: { count: 6, per: '90m' } } },
      'guard.maxActions.count 6 (6 per 1h30m allows 12 per 1h) exceeds the platform limit 10 per 1h (platform.limits.maxActions)',
    ],
    [
      'a shorter cooldown',
      { guard: { cooldown: '1m' } },
      'guard.cooldown 1m is shorter than the platform minimum 5m (platform.limits.minCooldown)',
    ],
    [
      'a longer grace period',
      { action: { type: 'deletePod', gracePeriodSeconds: 120 } },
      'action.gracePeriodSeconds 120 exceeds the platform limit 60 (platform.limits.maxGracePeriodSeconds)',
    ],
    [
      'a higher breaker threshold',
      { guard: { circuitBreaker: { consecutiveFailures: 20 } } },
      'guard.circuitBreaker.consecutiveFailures 20 exceeds the platform limit 5 (platform.limits.maxConsecutiveFailures)',
    ],
    [
      'an action type the platform does not allow',
      {
        action: { type: 'restartDeployment' },
        target: { namespace: { fromLabel: 'namespace' }, deployment: { fromLabel: 'deployment' } },
      },
      'action.type restartDeployment is not allowed by the platform (platform.limits.actions: deletePod, evictPod, notifyOnly)',
    ],
    [
      'a protected namespace as the fixed target',
      { target: { namespace: { value: 'payments' }, pod: { fromLabel: 'pod' } } },
      'target.namespace payments is protected by the platform (platform.limits.protectedNamespaces)',
    ],
    [
      'a protected namespace on the allow list',
      { guard: { namespaces: { allow: ['shop', 'payments'] } } },
      'guard.namespaces.allow includes payments, protected by the platform (platform.limits.protectedNamespaces)',
    ],
    [
      'an owner that is not a team',
      { owner: 'nobody' },
      'owner "nobody" is not a team of the platform layer (platform.teams: shop, data)',
    ],
  ])('rejects %s, naming the rule', (_what, over, violation) => {
    // Act
    const result = effectivePolicy(STRICT, policy(over));

    // Assess
    expect(result).toEqual({ ok: false, violations: [violation] });
  });

  it('caps evictPod without a grace period (the pod’s own could be anything)', () => {
    // Act
    const result = effectivePolicy(STRICT, policy({ action: { type: 'evictPod' } }));

    // Assess: the policy never wrote a grace period, so the limit fills it rather than refusing the policy.
    expect(ok(result).policy.action).toMatchObject({ type: 'evictPod', gracePeriodSeconds: 60 });
  });

  it('rejects a missing owner when the platform requires one, and dryRun false when it requires dry-run', () => {
    // Prepare
    const platform = layer({ limits: { requireOwner: true, requireDryRun: true } });

    // Act
    const result = effectivePolicy(platform, policy({ owner: undefined, guard: { dryRun: false } }));

    // Assess
    expect(result).toEqual({
      ok: false,
      violations: [
        'guard.dryRun false is not allowed: the platform requires dry-run (platform.limits.requireDryRun)',
        'owner is required by the platform (platform.limits.requireOwner)',
      ],
    });
  });

  it('puts a policy that says nothing about dry-run into dry-run when the platform requires it', () => {
    // Act
    const { policy: p, sources } = ok(effectivePolicy(layer({ limits: { requireDryRun: true } }), policy()));

    // Assess
    expect(p.guard.dryRun).toBe(true);
    expect(sources['guard.dryRun']).toBe('platform');
  });

  it('lists every broken rule at once', () => {
    // Act
    const result = effectivePolicy(
      STRICT,
      policy({
        owner: 'nobody',
        action: { type: 'deletePod', gracePeriodSeconds: 300 },
        guard: { cooldown: '0s', maxActions: { count: 100, per: '1h' } },
      }),
    );

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.violations).toHaveLength(4);
  });

  it('reports schema problems of the merged document with their path', () => {
    // Act
    const result = effectivePolicy(STRICT, policy({ guard: { cooldown: 'soon' } }));

    // Assess
    expect(result).toEqual({
      ok: false,
      violations: [expect.stringMatching(/^guard\.cooldown: invalid duration "soon"/)],
    });
  });
});

describe('effectivePolicy with clamp (run time, a newer layer)', () => {
  it('clamps numeric values to the limits and says what it changed', () => {
    // Act
    const result = ok(
      effectivePolicy(
        STRICT,
        policy({
          action: { type: 'deletePod', gracePeriodSeconds: 120 },
          guard: { cooldown: '1m', maxActions: { count: 5, per: '10m' } },
        }),
        { clamp: true },
      ),
    );

    // Assess: 1 per 10m is the largest 10m budget within 10 per 1h; the policy still acts.
    expect(result.policy.guard.maxActions).toEqual({ count: 1, perSeconds: 600 });
    expect(result.policy.guard.cooldown).toBe(300);
    expect(result.policy.action).toMatchObject({ gracePeriodSeconds: 60 });
    expect(result.policy.guard.dryRun).toBe(false);
    expect(result.adjusted).toHaveLength(3);
    expect(result.adjusted[0]).toMatch(/platform\.limits\.maxActions\): clamped$/);
    expect(result.sources['guard.maxActions']).toBe('platform');
  });

  it('falls back to the limit itself when no budget of the policy’s window fits', () => {
    // Act: 1 per 1m would be 60 per 1h; 5 per 1h cannot hold one per minute.
    const result = ok(
      effectivePolicy(
        layer({ limits: { maxActions: { count: 5, per: '1h' } } }),
        policy({ guard: { maxActions: { count: 1, per: '1m' } } }),
        { clamp: true },
      ),
    );

    // Assess
    expect(result.policy.guard.maxActions).toEqual({ count: 5, perSeconds: 3600 });
  });

  it('runs a policy it cannot clamp (an action no longer allowed, an unknown owner) in dry-run', () => {
    // Act
    const result = ok(
      effectivePolicy(
        STRICT,
        policy({
          owner: 'gone',
          action: { type: 'restartDeployment' },
          target: { namespace: { fromLabel: 'namespace' }, deployment: { fromLabel: 'deployment' } },
        }),
        { clamp: true },
      ),
    );

    // Assess
    expect(result.policy.guard.dryRun).toBe(true);
    expect(result.sources['guard.dryRun']).toBe('platform');
    expect(result.adjusted).toEqual([
      expect.stringMatching(/^action\.type restartDeployment is not allowed .*: the policy runs in dry-run$/),
      expect.stringMatching(/^owner "gone" is not a team .*: the policy runs in dry-run$/),
    ]);
  });

  it('leaves a protected fixed namespace to the deny list, which the scope check applies first', () => {
    // Act
    const result = ok(
      effectivePolicy(
        STRICT,
        policy({ target: { namespace: { value: 'payments' }, pod: { fromLabel: 'pod' } } }),
        {
          clamp: true,
        },
      ),
    );

    // Assess
    expect(result.policy.guard.namespaces.deny).toContain('payments');
    expect(result.adjusted).toEqual([expect.stringMatching(/: never acted on$/)]);
  });
});

describe('platformSchema', () => {
  it.each([
    [{ limits: { actions: ['nuke'] } }, /^limits\.actions\[0\]: unknown action type "nuke"/],
    [{ limits: { minCooldown: '5 minutes' } }, /^limits\.minCooldown: invalid duration/],
    [
      { limits: { maxActions: { count: 1, per: '30s' } } },
      /^limits\.maxActions\.per: per must be at least 1m/,
    ],
    [{ limits: { protectedNamespaces: ['Bad_NS'] } }, /^limits\.protectedNamespaces\[0\]: "Bad_NS"/],
    [{ teams: { Shop: { notify: {} } } }, /^teams/],
    [
      { teams: { shop: { notify: { slack: { channel: 'ops' } } } } },
      /^teams\.shop\.notify\.slack\.channel: must be #name/,
    ],
    [
      { defaults: { requiredLabels: ['not a label'] } },
      /^defaults\.requiredLabels\[0\]: must be a Prometheus label name/,
    ],
    [{ limitz: {} }, /unrecognized key/i],
  ])('refuses %j naming the field', (input, problem) => {
    // Act
    const result = parsePlatform(input);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringMatching(problem)]);
  });

  it('refuses defaults that break its own limits', () => {
    // Act
    const result = parsePlatform({
      defaults: { guard: { cooldown: '1m', maxActions: { count: 40, per: '1h' } } },
      limits: { minCooldown: '5m', maxActions: { count: 30, per: '1h' } },
    });

    // Assess
    expect(result).toEqual({
      ok: false,
      problems: [
        'defaults.guard.maxActions: count 40 exceeds the platform limit 30 per 1h (platform.limits.maxActions)',
        'defaults.guard.cooldown: 1m is shorter than the platform minimum 5m (platform.limits.minCooldown)',
      ],
    });
  });

  it('accepts an empty layer: no defaults, no limits, no teams', () => {
    expect(parsePlatform({})).toMatchObject({ ok: true, platform: { teams: {} } });
  });
});

describe('apply-time validation against the layer', () => {
  it('lists every broken rule of every policy, file by file', () => {
    // Act
    const result = validatePolicies(
      [
        { origin: 'a.yaml', document: policy({ name: 'a', guard: { cooldown: '1m' } }) },
        { origin: 'b.yaml', document: policy({ name: 'b', priority: 1, owner: 'nobody' }) },
        { origin: 'c.yaml', document: policy({ name: 'c', priority: 2 }) },
      ],
      STRICT,
    );

    // Assess
    expect(result).toEqual({
      ok: false,
      problems: [
        'a.yaml: guard.cooldown 1m is shorter than the platform minimum 5m (platform.limits.minCooldown)',
        'b.yaml: owner "nobody" is not a team of the platform layer (platform.teams: shop, data)',
      ],
    });
    expect(
      platformViolations([{ input: policy({ guard: { cooldown: '1m' } }), origin: 'x' }], STRICT),
    ).toEqual([{ origin: 'x', message: expect.stringContaining('platform.limits.minCooldown') }]);
    expect(
      platformViolations([{ input: policy({ guard: { cooldown: '1m' } }), origin: 'x' }], undefined),
    ).toEqual([]);
  });

  it('accepts the example policies under the example layer (as `npm start` loads them)', () => {
    // Prepare
    const root = new URL('../../../infra/', import.meta.url);
    const platform = parsePlatform(parse(readFileSync(new URL('platform/platform.yaml', root), 'utf8')));
    if (!platform.ok) throw new Error(platform.problems.join('\n'));

    // Act
    const result = validatePolicies(
      readPolicyFiles(fileURLToPath(new URL('policies', root))),
      platform.platform,
    );

    // Assess
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(Object.keys(platform.platform.teams)).toEqual(['shop', 'platform']);
  });
});
