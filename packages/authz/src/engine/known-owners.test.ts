import { randomBytes } from 'node:crypto';
import { evaluate, type DecisionInputs } from './decide.js';
import { KnownOwners, learnFromResponse, type ApiResponse } from './known-owners.js';
import { ALICE, BOB, POLICY, fakeDocker, fakePaths } from '../../test/fixtures.js';

const id = randomBytes(32).toString('hex');
const createdBy = (user: string | undefined, extra: Partial<ApiResponse> = {}): ApiResponse => ({
  user,
  method: 'POST',
  uri: '/v1.41/containers/create?name=web',
  statusCode: 201,
  responseBody: Buffer.from(JSON.stringify({ Id: id, Warnings: [] })),
  ...extra,
});

describe('owners learnt from the responses to creates', () => {
  test('only a create a TLS user made, that dockerd carried out, is learnt', () => {
    const cases: Array<[string, ApiResponse, string | undefined]> = [
      ['a user\'s create', createdBy('alice'), 'alice'],
      ['the administrator\'s create (root socket)', createdBy(undefined), undefined],
      ['a create dockerd refused', createdBy('alice', { statusCode: 409 }), undefined],
      ['another endpoint', createdBy('alice', { uri: '/v1.41/volumes/create' }), undefined],
      ['a body that is not JSON', createdBy('alice', { responseBody: Buffer.from('nope') }), undefined],
    ];
    for (const [what, response, owner] of cases) {
      const owners = new KnownOwners();
      learnFromResponse(response, owners);
      expect([what, owners.ownerOf(id)]).toEqual([what, owner]);
    }
  });

  test('a learnt owner answers for the full ID only: names and prefixes are still looked up', () => {
    const owners = new KnownOwners();
    learnFromResponse(createdBy('alice'), owners);
    expect(owners.ownerOf(id)).toBe('alice');
    expect(owners.ownerOf(id.slice(0, 12))).toBeUndefined();
  });

  test('decisions use it: the owner may act on the container, anyone else may not, with no look-up', async () => {
    const owners = new KnownOwners();
    learnFromResponse(createdBy('alice'), owners);
    // dockerd's stand-in knows no containers, so any look-up would answer "no container".
    const inputs: Omit<DecisionInputs, 'inventory'> = { policy: POLICY, accounts: { lookup: (user) => ({ alice: ALICE, bob: BOB })[user as 'alice' | 'bob'] }, docker: fakeDocker(), paths: fakePaths, owners };
    const remove = (user: string) => evaluate({ user, method: 'DELETE', uri: `/v1.41/containers/${id}`, body: undefined, headers: {} }, [], inputs);
    expect(await remove('alice')).toMatchObject({ allow: true });
    expect(await remove('bob')).toMatchObject({ allow: false, message: expect.stringMatching(/is not yours/) });
  });
});
