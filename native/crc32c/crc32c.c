/*
 * CRC-32C with the CPU's crc32 instruction, three streams at once.
 *
 * The instruction has a latency of three cycles and a throughput of one, so a single dependent chain uses a third
 * of it; three chains over three adjacent blocks keep it busy, and their CRCs are joined by "shifting" a CRC past
 * the following block's length of zero bytes (a linear operator on the 32 CRC bits, tabulated once per block size).
 * The technique is Mark Adler's (crc32c.c, zlib licence), written here from its description.
 *
 * Exports crc32c(uint8array[, start, end]) -> uint32 when the CPU has SSE 4.2; nothing otherwise (the JS side falls back).
 */
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

#define POLY 0x82f63b78u
#define LONG 4096
#define SHORT 256

static uint32_t zeros_long[4][256];
static uint32_t zeros_short[4][256];

static uint32_t gf2_times(const uint32_t *mat, uint32_t vec) {
  uint32_t sum = 0;
  while (vec) {
    if (vec & 1) sum ^= *mat;
    vec >>= 1;
    mat++;
  }
  return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat) {
  for (int n = 0; n < 32; n++) square[n] = gf2_times(mat, mat[n]);
}

/* The operator that appends len zero bytes (len a power of two) to a CRC. */
static void zeros_op(uint32_t *even, size_t len) {
  uint32_t odd[32];
  uint32_t row = 1;
  odd[0] = POLY; /* one zero bit */
  for (int n = 1; n < 32; n++) {
    odd[n] = row;
    row <<= 1;
  }
  gf2_square(even, odd); /* two bits */
  gf2_square(odd, even); /* four bits */
  do {
    gf2_square(even, odd); /* first pass: one byte */
    len >>= 1;
    if (len == 0) return;
    gf2_square(odd, even);
    len >>= 1;
  } while (len);
  memcpy(even, odd, sizeof odd);
}

static void zeros_table(uint32_t zeros[4][256], size_t len) {
  uint32_t op[32];
  zeros_op(op, len);
  for (uint32_t n = 0; n < 256; n++) {
    zeros[0][n] = gf2_times(op, n);
    zeros[1][n] = gf2_times(op, n << 8);
    zeros[2][n] = gf2_times(op, n << 16);
    zeros[3][n] = gf2_times(op, n << 24);
  }
}

static inline uint32_t shift(uint32_t zeros[4][256], uint32_t crc) {
  return zeros[0][crc & 0xff] ^ zeros[1][(crc >> 8) & 0xff] ^ zeros[2][(crc >> 16) & 0xff] ^ zeros[3][crc >> 24];
}

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Continues the raw CRC register `crc` over next[0, len) (no pre- or post-inversion). */
__attribute__((target("sse4.2"))) static uint32_t crc32c_streams(uint32_t crc, const unsigned char *next, size_t len) {
  uint64_t crc0 = crc, crc1, crc2;
  while (len && ((uintptr_t)next & 7) != 0) {
    crc0 = __builtin_ia32_crc32qi((uint32_t)crc0, *next++);
    len--;
  }
  while (len >= LONG * 3) {
    crc1 = 0;
    crc2 = 0;
    const unsigned char *end = next + LONG;
    do {
      crc0 = __builtin_ia32_crc32di(crc0, load64(next));
      crc1 = __builtin_ia32_crc32di(crc1, load64(next + LONG));
      crc2 = __builtin_ia32_crc32di(crc2, load64(next + LONG * 2));
      next += 8;
    } while (next < end);
    crc0 = shift(zeros_long, (uint32_t)crc0) ^ crc1;
    crc0 = shift(zeros_long, (uint32_t)crc0) ^ crc2;
    next += LONG * 2;
    len -= LONG * 3;
  }
  while (len >= SHORT * 3) {
    crc1 = 0;
    crc2 = 0;
    const unsigned char *end = next + SHORT;
    do {
      crc0 = __builtin_ia32_crc32di(crc0, load64(next));
      crc1 = __builtin_ia32_crc32di(crc1, load64(next + SHORT));
      crc2 = __builtin_ia32_crc32di(crc2, load64(next + SHORT * 2));
      next += 8;
    } while (next < end);
    crc0 = shift(zeros_short, (uint32_t)crc0) ^ crc1;
    crc0 = shift(zeros_short, (uint32_t)crc0) ^ crc2;
    next += SHORT * 2;
    len -= SHORT * 3;
  }
  while (len >= 8) {
    crc0 = __builtin_ia32_crc32di(crc0, load64(next));
    next += 8;
    len -= 8;
  }
  while (len) {
    crc0 = __builtin_ia32_crc32qi((uint32_t)crc0, *next++);
    len--;
  }
  return (uint32_t)crc0;
}

/*
 * CRC-32C by carry-less multiplication (AVX-512 VPCLMULQDQ), for CPUs that have it: 64 bytes per instruction pair
 * instead of the crc32 instruction's 8, about three times the three-stream rate on a 16 KB batch.
 *
 * The message is a polynomial over GF(2), and its CRC depends only on it modulo P, so a 128-bit lane R may be replaced
 * by any R' = R * x^D (mod P) placed D bits further on ("folding"). Lanes are loaded little-endian, which in this
 * reflected CRC puts the highest-degree coefficient at bit 0; a carry-less product of two such 64-bit operands
 * A and B then reads, as a 128-bit lane, x * A * B. Writing R = H * x^64 + L (H the low quadword), folding by D is
 *   R' = clmul(H, x^(D+63) mod P) ^ clmul(L, x^(D-1) mod P),
 * each constant (degree < 32) stored bit-reversed in the upper half of its quadword. The constants are computed at
 * load time from P, and the result is checked against the three-stream code before it is used.
 * What is left after folding (one 128-bit lane and a tail under 16 bytes) is finished with the crc32 instruction:
 * the CRC register of the lane's 16 bytes, starting from zero, is the register of everything folded into it.
 */
static uint64_t fold_k[4][2]; /* {x^(D+63), x^(D-1)} for D = 2048, 512, 128 bits */

static uint32_t bitrev32(uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; i < 32; i++) r |= ((v >> i) & 1u) << (31 - i);
  return r;
}

/* x^n mod P, P = x^32 + 0x1EDC6F41 (CRC-32C, normal bit order). */
static uint32_t xpow_mod(unsigned n) {
  uint64_t r = 1;
  for (unsigned i = 0; i < n; i++) {
    r <<= 1;
    if (r & 0x100000000ull) r ^= 0x11EDC6F41ull;
  }
  return (uint32_t)r;
}

static void fold_constants(uint64_t k[2], unsigned d) {
  k[0] = (uint64_t)bitrev32(xpow_mod(d + 63)) << 32;
  k[1] = (uint64_t)bitrev32(xpow_mod(d - 1)) << 32;
}

#define FOLD_TARGET __attribute__((target("sse4.2,pclmul,avx2,avx512f,avx512bw,avx512vl,vpclmulqdq")))

FOLD_TARGET static inline __m512i fold512(__m512i x, __m512i k, __m512i next) {
  __m512i a = _mm512_clmulepi64_epi128(x, k, 0x00);
  __m512i b = _mm512_clmulepi64_epi128(x, k, 0x11);
  return _mm512_ternarylogic_epi64(a, b, next, 0x96);
}

FOLD_TARGET static inline __m128i fold128(__m128i x, __m128i k, __m128i next) {
  __m128i a = _mm_clmulepi64_si128(x, k, 0x00);
  __m128i b = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(a, b), next);
}

FOLD_TARGET static uint32_t crc32c_fold(uint32_t crc, const unsigned char *p, size_t len) {
  if (len < 256) return crc32c_streams(crc, p, len);
  const __m512i k2048 = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)fold_k[0][1], (long long)fold_k[0][0]));
  const __m512i k512 = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)fold_k[1][1], (long long)fold_k[1][0]));
  const __m128i k128 = _mm_set_epi64x((long long)fold_k[2][1], (long long)fold_k[2][0]);
  __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_castsi128_si512(_mm_cvtsi32_si128((int)crc)));
  __m512i x1 = _mm512_loadu_si512(p + 64);
  __m512i x2 = _mm512_loadu_si512(p + 128);
  __m512i x3 = _mm512_loadu_si512(p + 192);
  p += 256;
  len -= 256;
  while (len >= 256) {
    x0 = fold512(x0, k2048, _mm512_loadu_si512(p));
    x1 = fold512(x1, k2048, _mm512_loadu_si512(p + 64));
    x2 = fold512(x2, k2048, _mm512_loadu_si512(p + 128));
    x3 = fold512(x3, k2048, _mm512_loadu_si512(p + 192));
    p += 256;
    len -= 256;
  }
  x1 = fold512(x0, k512, x1);
  x2 = fold512(x1, k512, x2);
  x3 = fold512(x2, k512, x3);
  while (len >= 64) {
    x3 = fold512(x3, k512, _mm512_loadu_si512(p));
    p += 64;
    len -= 64;
  }
  __m128i r = _mm512_extracti32x4_epi32(x3, 0);
  r = fold128(r, k128, _mm512_extracti32x4_epi32(x3, 1));
  r = fold128(r, k128, _mm512_extracti32x4_epi32(x3, 2));
  r = fold128(r, k128, _mm512_extracti32x4_epi32(x3, 3));
  while (len >= 16) {
    r = fold128(r, k128, _mm_loadu_si128((const __m128i *)p));
    p += 16;
    len -= 16;
  }
  uint64_t lo = (uint64_t)_mm_cvtsi128_si64(r);
  uint64_t hi = (uint64_t)_mm_extract_epi64(r, 1);
  /* Dirty upper halves of the vector registers would slow every legacy-SSE instruction V8 runs after we return
     (gcc does not insert this for a function compiled with a target attribute). */
  _mm256_zeroupper();
  uint64_t c = __builtin_ia32_crc32di(0, lo);
  c = __builtin_ia32_crc32di(c, hi);
  return crc32c_streams((uint32_t)c, p, len);
}

typedef uint32_t (*crc_fn)(uint32_t, const unsigned char *, size_t);
static crc_fn best = crc32c_streams;
static const char *best_name = "sse4.2";

/* The folding code is used only if it agrees with the three-stream code on every length up to a few kilobytes. */
static int fold_works(void) {
  static unsigned char buf[4200];
  uint32_t seed = 12345;
  for (size_t i = 0; i < sizeof buf; i++) {
    seed = seed * 1103515245u + 12345u;
    buf[i] = (unsigned char)(seed >> 16);
  }
  for (size_t len = 0; len <= sizeof buf - 3; len += (len < 600 ? 1 : 61)) {
    for (size_t off = 0; off < 3; off++) {
      if (crc32c_fold(0xffffffffu, buf + off, len) != crc32c_streams(0xffffffffu, buf + off, len)) return 0;
    }
  }
  return 1;
}

/* Reads (view, ...) call arguments; throws and returns 0 when the first is not a Uint8Array. */
static int view_args(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, const unsigned char **data, size_t *len, void **fn) {
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_get_cb_info(env, info, argc, argv, NULL, fn) != napi_ok || *argc < 1 ||
      napi_get_typedarray_info(env, argv[0], &type, len, &p, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expected a Uint8Array");
    return 0;
  }
  *data = (const unsigned char *)p;
  return 1;
}

/*
 * crc32c(view[, start, end]): the range form lets JS checksum part of a Buffer without making a sub-Buffer object
 * per call, which cost as much as the checksum itself on a 16 KB batch. The function's data says which code runs.
 */
static napi_value crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  const unsigned char *data = NULL;
  void *fn = NULL;
  size_t len = 0;
  napi_value out;
  if (!view_args(env, info, &argc, argv, &data, &len, &fn)) return NULL;
  uint32_t start = 0, end = (uint32_t)len;
  if (argc >= 3 && (napi_get_value_uint32(env, argv[1], &start) != napi_ok || napi_get_value_uint32(env, argv[2], &end) != napi_ok)) {
    napi_throw_type_error(env, NULL, "crc32c expects start and end as numbers");
    return NULL;
  }
  if (start > end || end > len) {
    napi_throw_range_error(env, NULL, "crc32c range is outside the buffer");
    return NULL;
  }
  napi_create_uint32(env, ((crc_fn)fn)(0xffffffffu, data + start, end - start) ^ 0xffffffffu, &out);
  return out;
}

/*
 * The records of an uncompressed batch counted by their length prefixes (zigzag varints), exactly as
 * log-validator.ts's countRecords does: -1 when a prefix runs past `end` or past five bytes, or a length is not
 * positive or runs past `end`.
 */
static int64_t count_records(const unsigned char *p, size_t pos, size_t end) {
  int64_t n = 0;
  while (pos < end) {
    uint32_t raw = 0;
    int shift = 0;
    unsigned byte = 0x80;
    while (byte & 0x80) {
      if (pos >= end || shift > 28) return -1;
      byte = p[pos++];
      raw |= (uint32_t)(byte & 0x7f) << shift;
      shift += 7;
    }
    int32_t length = (int32_t)((raw >> 1) ^ (0u - (raw & 1)));
    if (length <= 0 || pos + (size_t)length > end) return -1;
    pos += (size_t)length;
    n++;
  }
  return n;
}

/*
 * checkBatch(view, crcStart, end, recordsStart): a produced batch's CRC-32C over [crcStart, end) and, when
 * recordsStart >= 0, its record count over [recordsStart, end) (-1: malformed), in one call, packed as
 * crc + 2^32 * (count + 1) (below 2^53). One call instead of a CRC call and a JS walk: this runs per produced batch.
 */
static napi_value check_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  const unsigned char *p = NULL;
  void *fn = NULL;
  size_t len = 0;
  uint32_t start = 0, end = 0;
  int32_t records = -1;
  napi_value out;
  if (!view_args(env, info, &argc, argv, &p, &len, &fn)) return NULL;
  if (argc < 4 || napi_get_value_uint32(env, argv[1], &start) != napi_ok || napi_get_value_uint32(env, argv[2], &end) != napi_ok ||
      napi_get_value_int32(env, argv[3], &records) != napi_ok) {
    napi_throw_type_error(env, NULL, "checkBatch expects (Uint8Array, crcStart, end, recordsStart)");
    return NULL;
  }
  if (start > end || end > len || (records >= 0 && (uint32_t)records > end)) {
    napi_throw_range_error(env, NULL, "checkBatch range is outside the buffer");
    return NULL;
  }
  uint32_t crc = ((crc_fn)fn)(0xffffffffu, p + start, end - start) ^ 0xffffffffu;
  int64_t count = records >= 0 ? count_records(p, (size_t)records, end) : -1;
  napi_create_double(env, (double)crc + 4294967296.0 * (double)(count + 1), &out);
  return out;
}

static void export_fn(napi_env env, napi_value exports, const char *name, crc_fn f) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, crc32c, (void *)f, &fn) == napi_ok) napi_set_named_property(env, exports, name, fn);
}

NAPI_MODULE_INIT() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("sse4.2")) return exports;
  zeros_table(zeros_long, LONG);
  zeros_table(zeros_short, SHORT);
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("pclmul")) {
    fold_constants(fold_k[0], 2048);
    fold_constants(fold_k[1], 512);
    fold_constants(fold_k[2], 128);
    if (fold_works()) {
      best = crc32c_fold;
      best_name = "vpclmulqdq";
      export_fn(env, exports, "crc32cFold", crc32c_fold);
    }
  }
  export_fn(env, exports, "crc32c", best);
  napi_value check;
  if (napi_create_function(env, "checkBatch", NAPI_AUTO_LENGTH, check_batch, (void *)best, &check) == napi_ok) napi_set_named_property(env, exports, "checkBatch", check);
  export_fn(env, exports, "crc32cStreams", crc32c_streams);
  napi_value kind;
  if (napi_create_string_utf8(env, best_name, NAPI_AUTO_LENGTH, &kind) == napi_ok) napi_set_named_property(env, exports, "kind", kind);
  return exports;
}
