import fc from 'fast-check';
import { hashPassword, verifyPassword } from './auth.service.js';

describe('password hashes', () => {
  it('are argon2id PHC strings at OWASP’s cost (19 MiB, 2 passes, 1 lane) with a salt of their own', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse battery staple'), hashPassword('correct horse battery staple')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
  });

  it('verify the hashes stored before the native addon, written by hash-wasm with the same parameters', async () => {
    // hash-wasm 4.13's argon2id of "correct horse" with the salt 0x07 × 16, as the users table holds them.
    const stored = '$argon2id$v=19$m=19456,t=2,p=1$BwcHBwcHBwcHBwcHBwcHBw$cTLmpgKLeruU6za+t2cUZ3fNfHVCYhGoJ8inpcUNcwc';
    await expect(verifyPassword(stored, 'correct horse')).resolves.toBe(true);
    await expect(verifyPassword(stored, 'correct horse ')).resolves.toBe(false);
  });

  it('accept exactly the password they were made from, for any password', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        async (password, other) => {
          const hash = await hashPassword(password);
          expect(await verifyPassword(hash, password)).toBe(true);
          expect(await verifyPassword(hash, other)).toBe(other === password);
        },
      ),
      { numRuns: 25 },
    );
  });
});
