/* keccak-256 (the original Keccak padding, as Solidity's keccak256 and web3's Web3.keccak use; not
 * NIST SHA3-256), written here because the explorer loads nothing from elsewhere. 64-bit lanes are
 * held as two 32-bit halves. keccak256(Uint8Array) -> "0x..." hex. Tested against Python's keccak
 * in tests/gateway/test_web_keccak.py. */
(function (root) {
  'use strict';
  // Round constants as [hi, lo] pairs.
  var RC = [
    0x00000000, 0x00000001, 0x00000000, 0x00008082, 0x80000000, 0x0000808a, 0x80000000, 0x80008000,
    0x00000000, 0x0000808b, 0x00000000, 0x80000001, 0x80000000, 0x80008081, 0x80000000, 0x00008009,
    0x00000000, 0x0000008a, 0x00000000, 0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a,
    0x00000000, 0x8000808b, 0x80000000, 0x0000008b, 0x80000000, 0x00008089, 0x80000000, 0x00008003,
    0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x00000000, 0x0000800a, 0x80000000, 0x8000000a,
    0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x00000000, 0x80000001, 0x80000000, 0x80008008
  ];
  // Rotation offsets by lane index x + 5y.
  var ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
  var RATE = 136; // bytes: 1600 - 2 * 256 bits

  // State: lane i at lo = s[2i], hi = s[2i + 1].
  function permute(s) {
    var c = new Int32Array(10), b = new Int32Array(50);
    for (var round = 0; round < 24; round++) {
      var x, y, i, lo, hi, n;
      for (x = 0; x < 5; x++) {
        c[2 * x] = s[2 * x] ^ s[2 * x + 10] ^ s[2 * x + 20] ^ s[2 * x + 30] ^ s[2 * x + 40];
        c[2 * x + 1] = s[2 * x + 1] ^ s[2 * x + 11] ^ s[2 * x + 21] ^ s[2 * x + 31] ^ s[2 * x + 41];
      }
      for (x = 0; x < 5; x++) {
        var p = (x + 4) % 5, q = (x + 1) % 5;
        // D[x] = C[x-1] ^ rotl(C[x+1], 1)
        var dlo = c[2 * p] ^ ((c[2 * q] << 1) | (c[2 * q + 1] >>> 31));
        var dhi = c[2 * p + 1] ^ ((c[2 * q + 1] << 1) | (c[2 * q] >>> 31));
        for (y = 0; y < 25; y += 5) {
          s[2 * (x + y)] ^= dlo;
          s[2 * (x + y) + 1] ^= dhi;
        }
      }
      for (x = 0; x < 5; x++) {
        for (y = 0; y < 5; y++) {
          i = x + 5 * y;
          lo = s[2 * i];
          hi = s[2 * i + 1];
          n = ROT[i];
          if (n >= 32) { var t = lo; lo = hi; hi = t; n -= 32; }
          if (n > 0) {
            var nlo = (lo << n) | (hi >>> (32 - n));
            hi = (hi << n) | (lo >>> (32 - n));
            lo = nlo;
          }
          var j = y + 5 * ((2 * x + 3 * y) % 5);
          b[2 * j] = lo;
          b[2 * j + 1] = hi;
        }
      }
      for (y = 0; y < 25; y += 5) {
        for (x = 0; x < 5; x++) {
          var k1 = y + (x + 1) % 5, k2 = y + (x + 2) % 5;
          s[2 * (x + y)] = b[2 * (x + y)] ^ (~b[2 * k1] & b[2 * k2]);
          s[2 * (x + y) + 1] = b[2 * (x + y) + 1] ^ (~b[2 * k1 + 1] & b[2 * k2 + 1]);
        }
      }
      s[0] ^= RC[2 * round + 1];
      s[1] ^= RC[2 * round];
    }
  }

  function absorbBlock(s, bytes, offset) {
    for (var i = 0; i < RATE; i += 4) {
      var word = bytes[offset + i] | (bytes[offset + i + 1] << 8) | (bytes[offset + i + 2] << 16) |
        (bytes[offset + i + 3] << 24);
      s[i >> 2] ^= word; // byte i of the state is byte (i % 8) of lane i / 8, little-endian
    }
    permute(s);
  }

  function keccak256(data) {
    var bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    var s = new Int32Array(50);
    var full = bytes.length - (bytes.length % RATE);
    for (var off = 0; off < full; off += RATE) absorbBlock(s, bytes, off);
    var last = new Uint8Array(RATE);
    last.set(bytes.subarray(full));
    last[bytes.length - full] ^= 0x01; // Keccak padding: 0x01 ... 0x80
    last[RATE - 1] ^= 0x80;
    absorbBlock(s, last, 0);
    var hex = '0x';
    for (var i = 0; i < 32; i++) {
      var byte = (s[i >> 2] >>> (8 * (i % 4))) & 0xff;
      hex += (byte < 16 ? '0' : '') + byte.toString(16);
    }
    return hex;
  }

  root.keccak256 = keccak256;
  if (typeof module !== 'undefined' && module.exports) module.exports = keccak256;
})(typeof window !== 'undefined' ? window : this);
