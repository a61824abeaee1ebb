/*
 * CRC-32C with the CPU's crc32 instruction, three streams at once.
 *
 * The instruction has a latency of three cycles and a throughput of one, so a single dependent chain uses a third
 * of it; three chains over three adjacent blocks keep it busy, and their CRCs are joined by "shifting" a CRC past
 * the following block's length of zero bytes (a linear operator on the 32 CRC bits, tabulated once per block size).
 * The technique is Mark Adler's (crc32c.c, zlib licence), written here from its description.
 *
 * Exports crc32c(buffer) -> uint32 when the CPU has SSE 4.2; nothing otherwise (the JS side falls back).
 */
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(const unsigned char *next, size_t len) {
  uint64_t crc0 = 0xffffffffu, crc1, crc2;
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
  return (uint32_t)crc0 ^ 0xffffffffu;
}

static napi_value crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  size_t len = 0;
  napi_value out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_buffer_info(env, argv[0], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "crc32c expects a Buffer");
    return NULL;
  }
  napi_create_uint32(env, crc32c_hw((const unsigned char *)data, len), &out);
  return out;
}

NAPI_MODULE_INIT() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("sse4.2")) return exports;
  zeros_table(zeros_long, LONG);
  zeros_table(zeros_short, SHORT);
  napi_value fn;
  if (napi_create_function(env, "crc32c", NAPI_AUTO_LENGTH, crc32c, NULL, &fn) == napi_ok) napi_set_named_property(env, exports, "crc32c", fn);
  return exports;
}
