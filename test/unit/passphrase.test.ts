import { describe, expect, it } from 'vitest';
import { checkNewPassphrase, describeWait, NO_FAILURES } from '../../lib/model/passphrase';
import { constantTimeEqual, hashPassphrase, MAX_THROTTLE_MS, PBKDF2_ITERATIONS, recordFailure, throttleDelayMs, throttleWaitMs, verifyPassphrase } from '../../lib/background/passphrase';
import { isPassphraseRecord, toThrottleState } from '../../lib/store/meta';

// Fewer iterations keep the suite fast; one test runs the real count.
const FAST = { iterations: 1_000 };

describe('hashPassphrase / verifyPassphrase', () => {
  it('stores a PBKDF2-SHA-256 record with at least 310,000 iterations and a 16-byte salt by default', async () => {
    const record = await hashPassphrase('correct horse battery');
    expect(record.algorithm).toBe('PBKDF2-SHA-256');
    expect(record.iterations).toBe(PBKDF2_ITERATIONS);
    expect(record.iterations).toBeGreaterThanOrEqual(310_000);
    expect(atob(record.salt)).toHaveLength(16);
    expect(atob(record.hash)).toHaveLength(32);
    expect(JSON.stringify(record)).not.toContain('correct horse');
    expect(await verifyPassphrase('correct horse battery', record)).toBe(true);
  });

  it('accepts only the exact passphrase', async () => {
    const record = await hashPassphrase('Tr0ub4dor&3 and more', FAST);
    expect(await verifyPassphrase('Tr0ub4dor&3 and more', record)).toBe(true);
    for (const wrong of ['tr0ub4dor&3 and more', 'Tr0ub4dor&3 and more ', ' Tr0ub4dor&3 and more', 'Tr0ub4dor&3', '']) {
      expect(await verifyPassphrase(wrong, record)).toBe(false);
    }
  });

  it('handles non-ASCII passphrases', async () => {
    const record = await hashPassphrase('pässwörd – 日本語 🔐', FAST);
    expect(await verifyPassphrase('pässwörd – 日本語 🔐', record)).toBe(true);
    expect(await verifyPassphrase('passwort – 日本語 🔐', record)).toBe(false);
  });

  it('salts: the same passphrase hashes differently each time, and both verify', async () => {
    const a = await hashPassphrase('same passphrase', FAST);
    const b = await hashPassphrase('same passphrase', FAST);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPassphrase('same passphrase', a)).toBe(true);
    expect(await verifyPassphrase('same passphrase', b)).toBe(true);
  });

  it('is deterministic for a given salt and iteration count (a known PBKDF2 vector)', async () => {
    // RFC 7914 §11 / widely published PBKDF2-HMAC-SHA-256 vector: P="passwd", S="salt", c=1, dkLen=64 (first 32 bytes).
    const record = await hashPassphrase('passwd', { iterations: 1, salt: new TextEncoder().encode('salt') });
    const hex = Array.from(atob(record.hash), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
    expect(hex).toBe('55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc');
  });

  it('uses the iteration count stored in the record', async () => {
    const record = await hashPassphrase('iterations matter', { iterations: 2_000 });
    expect(await verifyPassphrase('iterations matter', { ...record, iterations: 2_001 })).toBe(false);
    expect(await verifyPassphrase('iterations matter', record)).toBe(true);
  });

  it('never matches a malformed or tampered record', async () => {
    const record = await hashPassphrase('valid passphrase', FAST);
    const bad = [
      { ...record, algorithm: 'MD5' },
      { ...record, iterations: 0 },
      { ...record, iterations: 1.5 },
      { ...record, hash: '' },
      { ...record, hash: '!!!not base64!!!' },
      { ...record, salt: 42 },
      null,
      'record',
    ];
    for (const r of bad) {
      expect(isPassphraseRecord(r)).toBe(r === bad[4]); // only the bad-base64 one has the right shape
      expect(await verifyPassphrase('valid passphrase', r as never)).toBe(false);
    }
    const flipped = atob(record.hash).split('');
    flipped[31] = String.fromCharCode(flipped[31]!.charCodeAt(0) ^ 1);
    expect(await verifyPassphrase('valid passphrase', { ...record, hash: btoa(flipped.join('')) })).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('compares bytes and lengths', () => {
    const u = (...b: number[]) => Uint8Array.from(b);
    expect(constantTimeEqual(u(1, 2, 3), u(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(u(), u())).toBe(true);
    expect(constantTimeEqual(u(1, 2, 3), u(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(u(1, 2, 3), u(1, 2))).toBe(false);
    expect(constantTimeEqual(u(1, 2), u(1, 2, 0))).toBe(false); // a missing byte is not a zero byte
    expect(constantTimeEqual(u(0), u())).toBe(false);
  });
});

describe('checkNewPassphrase', () => {
  it('asks for 8 characters or more, not only spaces, and two equal entries', () => {
    expect(checkNewPassphrase('short', 'short')).toMatch(/at least 8 characters/);
    expect(checkNewPassphrase('        ', '        ')).toMatch(/only spaces/);
    expect(checkNewPassphrase('long enough', 'long enougH')).toMatch(/do not match/);
    expect(checkNewPassphrase('x'.repeat(1001), 'x'.repeat(1001))).toMatch(/under 1,000/);
    expect(checkNewPassphrase('long enough', 'long enough')).toBeNull();
  });
});

describe('throttle', () => {
  it('waits 0, then 1 s, 2 s, 4 s … capped at 60 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 50, 10_000].map(throttleDelayMs)).toEqual([
      0, 1000, 2000, 4000, 8000, 16_000, 32_000, MAX_THROTTLE_MS, MAX_THROTTLE_MS, MAX_THROTTLE_MS, MAX_THROTTLE_MS,
    ]);
  });

  it('counts down from the last failure', () => {
    let s = NO_FAILURES;
    expect(throttleWaitMs(s, 1_000)).toBe(0);
    s = recordFailure(s, 10_000);
    s = recordFailure(s, 10_000);
    s = recordFailure(s, 10_000); // 3 failures → 4 s
    expect(s).toEqual({ failures: 3, lastFailureAt: 10_000 });
    expect(throttleWaitMs(s, 10_000)).toBe(4000);
    expect(throttleWaitMs(s, 12_500)).toBe(1500);
    expect(throttleWaitMs(s, 14_000)).toBe(0);
    expect(throttleWaitMs(s, 99_000)).toBe(0);
  });

  it('a clock set backwards waits at most the current delay', () => {
    const s = { failures: 2, lastFailureAt: 1_000_000 };
    expect(throttleWaitMs(s, 0)).toBe(2000);
  });

  it('reads stored state defensively', () => {
    expect(toThrottleState(undefined)).toEqual(NO_FAILURES);
    expect(toThrottleState({ failures: -3, lastFailureAt: 'x' })).toEqual(NO_FAILURES);
    expect(toThrottleState({ failures: 2.5, lastFailureAt: 5 })).toEqual({ failures: 0, lastFailureAt: 5 });
    expect(toThrottleState({ failures: 4, lastFailureAt: 5 })).toEqual({ failures: 4, lastFailureAt: 5 });
  });

  it('describes waits in words', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(1000)).toBe('1 second');
    expect(describeWait(1001)).toBe('2 seconds');
    expect(describeWait(59_000)).toBe('59 seconds');
    expect(describeWait(60_000)).toBe('1 minute');
  });
});
