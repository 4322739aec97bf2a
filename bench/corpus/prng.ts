// Seeded pseudo-random numbers and id shapes for the corpus generator.
// Everything random in the corpus comes from here, so one seed gives byte-identical output.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** sfc32 generator seeded through splitmix32: fast, 128-bit state, good enough statistics. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks from [value, weight] pairs. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  private chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.u32() % alphabet.length];
    return out;
  }

  hex(n: number): string {
    return this.chars(HEX, n);
  }

  base62(n: number): string {
    return this.chars(BASE62, n);
  }

  base64(n: number): string {
    return this.chars(BASE64, n);
  }

  /** RFC 4122 version-4 shaped uuid. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + (this.u32() & 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** message.id: "msg_011C…" (24 base62 chars after "msg_") in late eras, "msg_01…" before. */
  messageId(modern: boolean): string {
    return modern ? `msg_011C${this.base62(20)}` : `msg_01${this.base62(22)}`;
  }

  requestId(): string {
    return `req_011C${this.base62(20)}`;
  }

  toolUseId(): string {
    return `toolu_01${this.base62(22)}`;
  }

  serverToolUseId(): string {
    return `srvtoolu_01${this.base62(22)}`;
  }
}

/** Java String.hashCode of a string, as Claude Code uses for >200-char project dir names. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Claude Code's project directory name for a cwd (§2): non-alphanumerics → "-", >200 chars → hash suffix. */
export function encodeProjectDir(cwd: string): string {
  const replaced = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (replaced.length <= 200) return replaced;
  return `${replaced.slice(0, 200)}-${Math.abs(javaStringHash(cwd)).toString(36)}`;
}
