import { expect } from 'chai';
import { SfApiError } from '../../local-org/src/types.js';
import { encodeBase62, idChecksum, makeId, newOrgId, normaliseId, to18 } from '../../local-org/src/store/ids.js';

describe('local-org ids', () => {
  const vectors: [string, string][] = [
    ['001M000000qfPyS', '001M000000qfPySIAU'],
    ['a0FE000000D6r3F', 'a0FE000000D6r3FMAR'],
    ['AbCdEfGhIjKlMnO', 'AbCdEfGhIjKlMnOVKV'],
    ['aBcDEfgHIJKLMNO', 'aBcDEfgHIJKLMNO025'],
    ['a0D30000001n7Pi', 'a0D30000001n7PiEAI'],
  ];

  it('computes the 18-char checksum of the published test vectors', () => {
    for (const [id15, id18] of vectors) {
      expect(idChecksum(id15)).to.equal(id18.slice(15));
      expect(to18(id15)).to.equal(id18);
      expect(to18(id18)).to.equal(id18);
    }
    for (const real of ['0063F00000RdvMKQAZ', '00k3F000007kBoDQAU', '01u3F00000AwCfuQAF', '01t3F00000AM2qaQAD']) expect(to18(real)).to.equal(real);
  });

  it('accepts a checksum in any case and rejects malformed ids', () => {
    expect(to18('001M000000qfPySiau')).to.equal('001M000000qfPySIAU');
    expect(to18('001m000000QFpYsiau')).to.equal('001M000000qfPySIAU'); // 18-char ids ignore case
    expect(to18('001M000000qfPySAAA')).to.equal('001m000000qfpysAAA'); // the suffix decides the case
    expect(to18('001M000000qfPySBAA')).to.equal(undefined); // suffix marks the digit '0' as upper case
    expect(to18('001M000000qfPy')).to.equal(undefined);
    expect(to18('001M000000qfPy!')).to.equal(undefined);
    expect(() => normaliseId('INVALID_OWNER', 'Owner ID')).to.throw(SfApiError, /MALFORMED_ID: Owner ID: id value of incorrect type: INVALID_OWNER/);
  });

  it('generates prefix + pod + base-62 counter + checksum', () => {
    expect(encodeBase62(61, 3)).to.equal('00z');
    expect(encodeBase62(62, 3)).to.equal('010');
    const id = makeId('006', 62 ** 2 + 5);
    expect(id).to.have.length(18);
    expect(id.slice(0, 15)).to.equal('0065g0000000105');
    expect(to18(id.slice(0, 15))).to.equal(id);
    expect(() => makeId('006', -1)).to.throw();
  });

  it('draws a fresh, valid 18-char org id for each new org', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newOrgId()));
    expect(ids.size).to.equal(200);
    for (const id of ids) {
      expect(id).to.match(/^00D5g0000[0-9A-Za-z]{6}[A-Z0-5]{3}$/);
      expect(to18(id.slice(0, 15))).to.equal(id);
    }
  });
});
