import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { learnFromResponse, type ApiResponse } from './learn-from-response.js';
import { OwnerRecords } from './owner-records.js';
import { OwnerJournalFile } from '../owner-journal.js';
import { container, fakeDocker } from '../../test/fixtures.js';
import { makeTempDir } from '../../../../test/support/temp.js';

const ID = (c: string): string => c.repeat(64);
const answer = (method: string, uri: string, statusCode: number, body?: unknown, user = 'alice'): ApiResponse => ({
  user,
  method,
  uri,
  statusCode,
  responseBody: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
});

describe('who made what, from dockerd\'s answers', () => {
  test('containers, exec instances, networks and volumes are their maker\'s; a container\'s volumes too; removals are forgotten', async () => {
    const records = new OwnerRecords();
    const docker = fakeDocker({ containers: [container(ID('c'), 'web', '1001:1001', { volumes: ['anon123', 'data'] })] });
    await learnFromResponse(answer('POST', '/v1.41/containers/create?name=web', 201, { Id: ID('c'), Warnings: [] }), records, docker);
    learnFromResponse(answer('POST', `/v1.41/containers/${ID('c')}/exec`, 201, { Id: ID('e') }), records);
    learnFromResponse(answer('POST', '/v1.41/networks/create', 201, { Id: ID('b'), Warning: '' }), records);
    learnFromResponse(answer('POST', '/v1.41/volumes/create', 201, { Name: 'made' }), records);
    expect([records.ownerOf('container', ID('c')), records.ownerOf('exec', ID('e')), records.ownerOf('network', ID('b'))]).toEqual(['alice', 'alice', 'alice']);
    expect(['anon123', 'data', 'made'].map((name) => records.ownerOf('volume', name))).toEqual(['alice', 'alice', 'alice']);
    learnFromResponse(answer('DELETE', '/v1.41/volumes/made', 204), records);
    expect(records.ownerOf('volume', 'made')).toBeUndefined();
  });

  test('the first maker stays: "creating" an existing volume again does not take it over; failures and the root socket teach nothing', () => {
    const records = new OwnerRecords();
    learnFromResponse(answer('POST', '/volumes/create', 201, { Name: 'shared' }, 'bob'), records);
    learnFromResponse(answer('POST', '/volumes/create', 201, { Name: 'shared' }, 'alice'), records);
    learnFromResponse(answer('POST', '/volumes/create', 500, { Name: 'failed' }), records);
    learnFromResponse({ ...answer('POST', '/volumes/create', 201, { Name: 'admins' }), user: undefined }, records);
    expect(records.ownerOf('volume', 'shared')).toBe('bob');
    expect(records.ownerOf('volume', 'failed')).toBeUndefined();
    expect(records.ownerOf('volume', 'admins')).toBeUndefined();
    // Names and short IDs can come to mean another object: only full IDs are kept.
    records.remember('container', 'web', 'alice');
    expect(records.ownerOf('container', 'web')).toBeUndefined();
  });

  test('records outlive a restart of the plugin, a line cut short by a crash included, and the file is private', () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'owners', 'dockauth.owners.jsonl');
      const first = new OwnerRecords(new OwnerJournalFile(path));
      first.remember('volume', 'v1', 'alice');
      first.remember('network', ID('a'), 'bob');
      first.remember('volume', 'gone', 'alice');
      first.forget('volume', 'gone');
      writeFileSync(path, `${readFileSync(path, 'utf8')}{"kind":"volume","key":"half`);
      const second = new OwnerRecords(new OwnerJournalFile(path));
      expect([second.ownerOf('volume', 'v1'), second.ownerOf('network', ID('a')), second.ownerOf('volume', 'gone')]).toEqual(['alice', 'bob', undefined]);
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      temp.cleanup();
    }
  });
});
