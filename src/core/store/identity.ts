// Integer identities of a response (transcripts-and-pricing.md §0 rule 3: message.id + requestId, or
// message.id + sessionId without a requestId), so the store keeps no text keys and no text indexes:
// - msg_hash: a 64-bit hash of message.id (two independent 32-bit halves). Rows of one message are found
//   by it (the /btw rule compares copies of one message under different requestIds).
// - key_hash: a 32-bit hash of the requestId, or of "\0" + sessionId for a requestless row: it only has to
//   tell apart the few copies of ONE message, so 32 bits are plenty.
// Two different messages share a msg_hash with probability n²/2⁶⁵ (≈ 3·10⁻⁸ at a million requests).

/** One 32-bit half: a multiply–xorshift hash over the UTF-16 code units (murmur-style finaliser). */
function hash32(s: string, seed: number): number {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= s.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** 64-bit hash of a message id as a signed BigInt (sql.js binds it as an exact INTEGER). */
export function messageHash(messageId: string): bigint {
  const hi = hash32(messageId, 0x2545f491);
  const lo = hash32(messageId, 0x6c8e9cf5);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

/** 32-bit identity of a copy within its message: the requestId, else the session (requestless rows). */
export function keyHash(e: { requestId: string | null; sessionId: string }): number {
  return e.requestId ? hash32(e.requestId, 0x1b873593) : hash32(`\u0000${e.sessionId}`, 0x1b873593);
}
