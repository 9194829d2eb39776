// Shared by every magnet4j CUDA source (a header for nvcc, a named header for NVRTC). Built with -DACC=float or
// -DACC=double (the compute type) and --fmad=false: no a*b+c contraction into fma, so results follow the CPU
// backend's (Java's) rounding step by step. No system headers: the same text compiles under NVRTC.
#pragma once
#ifndef ACC
#define ACC float
#endif
#define T ACC
#define MAXD 8
#define KERNEL extern "C" __global__ void
#define DEV __device__ __forceinline__

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef long long i64;

// 1-D launches: one thread per index in [0, n).
#define GID ((int) (blockIdx.x * blockDim.x + threadIdx.x))

// A strided view: storage index of row-major element i is offset + sum(coord[d] * stride[d]).
struct View { int rank; int offset; int shape[MAXD]; int stride[MAXD]; };

DEV int voff(const View* v, int i) {
    int off = v->offset;
    for (int d = v->rank - 1; d >= 0; d--) {
        int s = v->shape[d];
        off += (i % s) * v->stride[d];
        i /= s;
    }
    return off;
}

// Typed math, so ACC=float calls the float functions and ACC=double the double ones.
DEV float m_exp(float v) { return expf(v); }
DEV double m_exp(double v) { return exp(v); }
DEV float m_log(float v) { return logf(v); }
DEV double m_log(double v) { return log(v); }
DEV float m_sqrt(float v) { return sqrtf(v); }
DEV double m_sqrt(double v) { return sqrt(v); }
DEV float m_abs(float v) { return fabsf(v); }
DEV double m_abs(double v) { return fabs(v); }
DEV float m_tanh(float v) { return tanhf(v); }
DEV double m_tanh(double v) { return tanh(v); }
DEV float m_pow(float a, float b) { return powf(a, b); }
DEV double m_pow(double a, double b) { return pow(a, b); }
DEV float m_max(float a, float b) { return fmaxf(a, b); }
DEV double m_max(double a, double b) { return fmax(a, b); }
DEV float m_min(float a, float b) { return fminf(a, b); }
DEV double m_min(double a, double b) { return fmin(a, b); }
DEV float m_floor(float v) { return floorf(v); }
DEV double m_floor(double v) { return floor(v); }
DEV bool m_isnan(float v) { return v != v; }
DEV bool m_isnan(double v) { return v != v; }
#define INF_T ((T) __longlong_as_double(0x7ff0000000000000LL))

// dtype codes are org.magnet4j.tensor.DType ordinals.
#define DT_F32 0
#define DT_F64 1
#define DT_F16 2
#define DT_BF16 3
#define DT_I64 4
#define DT_I32 5
#define DT_U8 6
#define DT_BOOL 7

DEV int esize(int dt) {
    switch (dt) {
        case DT_F64: case DT_I64: return 8;
        case DT_F32: case DT_I32: return 4;
        case DT_F16: case DT_BF16: return 2;
        default: return 1;
    }
}

DEV float half_to_float(ushort h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}

DEV ushort float_to_half(float f) { // round to nearest even
    ushort h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}

// Truncating, saturating conversions (NaN -> 0), as OpenCL's convert_*_sat_rtz and the CPU backend.
DEV i64 to_i64(ACC v) {
    if (m_isnan(v)) return 0;
    if (v >= (ACC) 9.223372036854775807e18) return 0x7fffffffffffffffLL;
    if (v <= (ACC) -9.223372036854775808e18) return (i64) 0x8000000000000000ULL;
    return (i64) v;
}

DEV int to_i32(ACC v) {
    if (m_isnan(v)) return 0;
    if (v >= (ACC) 2147483647.0) return 2147483647;
    if (v <= (ACC) -2147483648.0) return -2147483647 - 1;
    return (int) v;
}

DEV ACC ld(const uchar* p, int dt, int i) {
    switch (dt) {
        case DT_F32: return (ACC) ((const float*) p)[i];
        case DT_F64: return (ACC) ((const double*) p)[i];
        case DT_F16: return (ACC) half_to_float(((const ushort*) p)[i]);
        case DT_BF16: return (ACC) __uint_as_float(((uint) ((const ushort*) p)[i]) << 16);
        case DT_I64: return (ACC) ((const i64*) p)[i];
        case DT_I32: return (ACC) ((const int*) p)[i];
        case DT_U8: return (ACC) p[i];
        default: return p[i] != 0 ? (ACC) 1 : (ACC) 0;
    }
}

// Conversions as the CPU backend: float narrowing rounds to nearest even, integers truncate and saturate
// (NaN -> 0), uint8 wraps modulo 256, bool is v != 0.
DEV void st(uchar* p, int dt, int i, ACC v) {
    switch (dt) {
        case DT_F32: ((float*) p)[i] = (float) v; break;
        case DT_F64: ((double*) p)[i] = (double) v; break;
        case DT_F16: ((ushort*) p)[i] = float_to_half((float) v); break;
        case DT_BF16: {
            float f = (float) v;
            uint b = __float_as_uint(f);
            ((ushort*) p)[i] = m_isnan(f) ? (ushort) 0x7fc0 : (ushort) ((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
            break;
        }
        case DT_I64: ((i64*) p)[i] = to_i64(v); break;
        case DT_I32: ((int*) p)[i] = to_i32(v); break;
        case DT_U8: p[i] = (uchar) to_i64(v); break;
        default: p[i] = v != (ACC) 0 ? 1 : 0; break;
    }
}

// Copies one element without conversion (same dtype on both sides); es is the element size in bytes.
DEV void cp(const uchar* s, int si, uchar* d, int di, int es) {
    switch (es) {
        case 8: ((i64*) d)[di] = ((const i64*) s)[si]; break;
        case 4: ((int*) d)[di] = ((const int*) s)[si]; break;
        case 2: ((short*) d)[di] = ((const short*) s)[si]; break;
        default: d[di] = s[si]; break;
    }
}
