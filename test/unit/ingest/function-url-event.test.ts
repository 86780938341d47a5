import { describe, expect, it } from 'vitest';
import {
  functionUrlEvent,
  functionUrlResponse,
} from '../../../infra/local/function-url/function-url-event.js';

const NOW = new Date('2026-11-25T14:03:58.390Z');

describe('functionUrlEvent (payload format 2.0, auth type NONE)', () => {
  it('builds the event a Function URL hands the function', () => {
    const event = functionUrlEvent({
      method: 'POST',
      url: '/hook?a=1&a=2&b=x',
      rawHeaders: [
        'Host',
        'abc123.lambda-url.eu-west-1.on.aws',
        'Content-Type',
        'application/json',
        'X-Multi',
        'one',
        'X-Multi',
        'two',
        'Cookie',
        'c1=v1; c2=v2',
        'User-Agent',
        'Alertmanager/0.25.0',
      ],
      body: Buffer.from('{"a":1}'),
      sourceIp: '203.0.113.7',
      domainName: 'abc123.lambda-url.eu-west-1.on.aws',
      now: NOW,
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/hook',
      rawQueryString: 'a=1&a=2&b=x',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x' },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        apiId: 'abc123',
        domainName: 'abc123.lambda-url.eu-west-1.on.aws',
        domainPrefix: 'abc123',
        http: {
          method: 'POST',
          path: '/hook',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.7',
          userAgent: 'Alertmanager/0.25.0',
        },
        routeKey: '$default',
        stage: '$default',
        time: '25/Nov/2026:14:03:58 +0000',
        timeEpoch: NOW.getTime(),
      },
    });
    expect(event.headers).toMatchObject({
      host: 'abc123.lambda-url.eu-west-1.on.aws',
      'content-type': 'application/json',
      'x-multi': 'one,two',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('base64-encodes a body that is not text, and has no body key without a body', () => {
    const binary = functionUrlEvent({
      method: 'POST',
      url: '/',
      rawHeaders: ['Content-Type', 'application/octet-stream'],
      body: Buffer.from([0, 255, 1]),
      sourceIp: '127.0.0.1',
      domainName: 'localhost',
    });
    expect(binary).toMatchObject({ body: 'AP8B', isBase64Encoded: true });
    const empty = functionUrlEvent({
      method: 'GET',
      url: '/',
      rawHeaders: [],
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
      domainName: 'localhost',
    });
    expect('body' in empty).toBe(false);
    expect(empty.isBase64Encoded).toBe(false);
    expect('queryStringParameters' in empty).toBe(false);
    expect('cookies' in empty).toBe(false);
  });
});

describe('functionUrlResponse', () => {
  it('takes a structured result as the response, and infers a 200 JSON one otherwise', () => {
    expect(
      functionUrlResponse({
        statusCode: 413,
        headers: { 'Content-Type': 'application/json' },
        body: '{"e":1}',
      }),
    ).toEqual({ status: 413, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"e":1}') });
    expect(
      functionUrlResponse({ statusCode: 200, body: 'aGk=', isBase64Encoded: true }).body.toString(),
    ).toBe('hi');
    expect(functionUrlResponse({ ok: true })).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"ok":true}'),
    });
  });
});
