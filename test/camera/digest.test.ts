/**
 * Our HTTP digest client and verifier (RFC 7616): the RFC's own examples (§3.9.1, MD5 and SHA-256),
 * -sess, challenge parsing (several challenges in one header, quoted commas), the client's choice of
 * the strongest algorithm, nc counting per nonce, and the verifier refusing a replayed nc.
 */
import { describe, expect, it } from 'vitest';
import { DigestSession, DigestVerifier, digestResponse, parseAuthorization, parseChallenges, type DigestAlgorithm } from '../../device-drivers/camera/digest.js';

// RFC 7616 §3.9.1: user "Mufasa", password "Circle of Life", GET /dir/index.html.
const RFC = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001',
  method: 'GET',
  uri: '/dir/index.html',
};

describe('digest authentication (RFC 7616)', () => {
  it('computes the RFC 7616 §3.9.1 responses for MD5 and SHA-256', () => {
    expect(digestResponse({ ...RFC, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...RFC, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('parses the RFC challenge pair from one header and picks SHA-256 over MD5', () => {
    const header = `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC.nonce}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="${RFC.nonce}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
    const challenges = parseChallenges([header, 'Basic realm="cam, \\"main\\""']);
    expect(challenges.map((c) => [c.scheme, c.params.algorithm])).toEqual([['digest', 'SHA-256'], ['digest', 'MD5'], ['basic', undefined]]);
    expect(challenges[2]!.params.realm).toBe('cam, "main"');
    const session = DigestSession.from(challenges, RFC.username, RFC.password)!;
    expect(session.algorithm).toBe('SHA-256');
    const auth = parseAuthorization(session.authorize('GET', RFC.uri, RFC.cnonce))!;
    expect(auth).toMatchObject({ username: 'Mufasa', nc: '00000001', qop: 'auth', response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1', opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS' });
    expect(parseAuthorization(session.authorize('GET', RFC.uri))!.nc).toBe('00000002');
  });

  it('refuses a challenge without qop=auth (RFC 2069 digest is too weak to answer)', () => {
    expect(DigestSession.from(parseChallenges(['Digest realm="x", nonce="n"']), 'u', 'p')).toBeNull();
  });

  it.each(['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as DigestAlgorithm[])('%s: the verifier accepts the client, refuses a replayed nc and a wrong password, and says stale after expiry', (algorithm) => {
    const v = new DigestVerifier({ realm: 'cam', algorithm, passwordOf: (u) => (u === 'admin' ? 'pw' : undefined) });
    const client = DigestSession.from(parseChallenges([v.challenge()]), 'admin', 'pw')!;
    const first = client.authorize('GET', '/snap.jpg');
    expect(v.verify('GET', first)).toBe('ok');
    expect(v.verify('GET', first)).toBe('bad'); // the same nc again: a replay
    expect(v.verify('GET', client.authorize('GET', '/snap.jpg'))).toBe('ok');
    expect(v.verify('POST', client.authorize('GET', '/snap.jpg'))).toBe('bad'); // signed for another method
    const wrong = DigestSession.from(parseChallenges([v.challenge()]), 'admin', 'nope')!;
    expect(v.verify('GET', wrong.authorize('GET', '/snap.jpg'))).toBe('bad');
    v.expireNonces();
    expect(v.verify('GET', client.authorize('GET', '/snap.jpg'))).toBe('stale');
    expect(parseChallenges([v.challenge(true)])[0]!.params.stale).toBe('true');
  });
});
