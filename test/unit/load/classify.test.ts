import { describe, expect, it } from 'vitest';
import { classifyError, classifyResponse, type Classification } from '../../../src/load/classify.js';
import type { LoadPlan } from '../../../src/ports/load.js';

const plain: LoadPlan['success'] = { statusMin: 200, statusMax: 299 };
const withBody: LoadPlan['success'] = { statusMin: 200, statusMax: 299, bodyIncludes: 'ok', bodyExcludes: 'ERROR' };

describe('classifyResponse', () => {
  const cases: Array<[string, number, Record<string, string>, string, LoadPlan['success'], Classification]> = [
    ['2xx in range', 200, {}, 'ok', plain, { kind: 'ok' }],
    ['edge of range', 299, {}, '', plain, { kind: 'ok' }],
    ['custom range accepts 404', 404, {}, '', { statusMin: 200, statusMax: 404 }, { kind: 'ok' }],
    ['proxy no_endpoints', 503, { 'x-vaultctl-proxy-error': 'no_endpoints' }, '', plain,
      { kind: 'conn_refused', cause: 'no_endpoints' }],
    ['proxy conn_refused keeps errno', 502, { 'x-vaultctl-proxy-error': 'conn_refused', 'x-vaultctl-cause': 'ECONNREFUSED' },
      '', plain, { kind: 'conn_refused', cause: 'ECONNREFUSED' }],
    ['proxy conn_reset', 502, { 'x-vaultctl-proxy-error': 'conn_reset', 'x-vaultctl-cause': 'ECONNRESET' }, '', plain,
      { kind: 'conn_reset', cause: 'ECONNRESET' }],
    ['proxy timeout', 504, { 'x-vaultctl-proxy-error': 'timeout', 'x-vaultctl-cause': 'ETIMEDOUT' }, '', plain,
      { kind: 'timeout', cause: 'ETIMEDOUT' }],
    ['proxy other', 502, { 'x-vaultctl-proxy-error': 'other', 'x-vaultctl-cause': 'EHOSTUNREACH' }, '', plain,
      { kind: 'other', cause: 'EHOSTUNREACH' }],
    ['unknown proxy value', 502, { 'x-vaultctl-proxy-error': 'weird' }, '', plain, { kind: 'other', cause: 'weird' }],
    ['proxy error wins over a success status', 200, { 'x-vaultctl-proxy-error': 'timeout' }, 'ok', plain, { kind: 'timeout' }],
    ['503 with SQLSTATE cause', 503, { 'x-vaultctl-cause': '28P01' }, 'db error', plain, { kind: 'http_5xx', cause: '28P01' }],
    ['500 without cause', 500, {}, '', plain, { kind: 'http_5xx', cause: '500' }],
    ['404', 404, {}, '', plain, { kind: 'http_4xx', cause: '404' }],
    ['429 with cause', 429, { 'x-vaultctl-cause': 'busy' }, '', plain, { kind: 'http_4xx', cause: 'busy' }],
    ['3xx outside range', 302, {}, '', plain, { kind: 'other', cause: '302' }],
    ['1xx outside range', 101, {}, '', plain, { kind: 'other', cause: '101' }],
    ['status check before body check', 500, {}, 'ERROR', withBody, { kind: 'http_5xx', cause: '500' }],
    ['bodyIncludes missing', 200, {}, 'nope', withBody, { kind: 'body_error', cause: 'bodyIncludes' }],
    ['bodyExcludes present', 200, {}, 'ok but ERROR', withBody, { kind: 'body_error', cause: 'bodyExcludes' }],
    ['both body checks pass', 200, {}, 'all ok', withBody, { kind: 'ok' }],
    ['bodyExcludes alone', 200, {}, 'fine', { ...plain, bodyExcludes: 'ERROR' }, { kind: 'ok' }],
    ['empty bodyIncludes always matches', 200, {}, '', { ...plain, bodyIncludes: '' }, { kind: 'ok' }],
  ];
  it.each(cases)('%s', (_name, status, headers, body, success, expected) => {
    expect(classifyResponse(status, headers, body, success)).toEqual(expected);
  });
});

describe('classifyError', () => {
  const cases: Array<[string, { code?: string; message?: string }, Classification]> = [
    ['refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, { kind: 'conn_refused', cause: 'ECONNREFUSED' }],
    ['reset', { code: 'ECONNRESET', message: 'read ECONNRESET' }, { kind: 'conn_reset', cause: 'ECONNRESET' }],
    ['broken pipe', { code: 'EPIPE' }, { kind: 'conn_reset', cause: 'EPIPE' }],
    ['autocannon timeout', { message: 'request timed out' }, { kind: 'timeout' }],
    ['other errno', { code: 'EHOSTUNREACH', message: 'x' }, { kind: 'other', cause: 'EHOSTUNREACH' }],
    ['no code, other message', { message: 'boom' }, { kind: 'other' }],
    ['empty', {}, { kind: 'other' }],
  ];
  it.each(cases)('%s', (_name, err, expected) => {
    expect(classifyError(err)).toEqual(expected);
  });
});
