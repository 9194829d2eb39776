// Shared by every magnet4j OpenCL program (prepended by ClPrograms). Built with -DACC=float or -DACC=double
// (the compute type) and -DUSE_FP64 when the device has cl_khr_fp64.
#ifdef USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
// No a*b+c contraction into fma: results then follow the CPU backend's (Java's) rounding step by step.
#pragma OPENCL FP_CONTRACT OFF
#ifndef ACC
#define ACC float
#endif
#define T ACC
#define MAXD 8

// A strided view: storage index of row-major element i is offset + sum(coord[d] * stride[d]).
typedef struct { int rank; int offset; int shape[MAXD]; int stride[MAXD]; } View;

inline int voff(const View* v, int i) {
    int off = v->offset;
    for (int d = v->rank - 1; d >= 0; d--) {
        int s = v->shape[d];
        off += (i % s) * v->stride[d];
        i /= s;
    }
    return off;
}

// dtype codes are org.magnet4j.tensor.DType ordinals.
#define DT_F32 0
#define DT_F64 1
#define DT_F16 2
#define DT_BF16 3
#define DT_I64 4
#define DT_I32 5
#define DT_U8 6
#define DT_BOOL 7

inline int esize(int dt) {
    switch (dt) {
        case DT_F64: case DT_I64: return 8;
        case DT_F32: case DT_I32: return 4;
        case DT_F16: case DT_BF16: return 2;
        default: return 1;
    }
}

inline ACC ld(global const uchar* p, int dt, int i) {
    switch (dt) {
        case DT_F32: return (ACC) ((global const float*) p)[i];
#ifdef USE_FP64
        case DT_F64: return (ACC) ((global const double*) p)[i];
#endif
        case DT_F16: return (ACC) vload_half(i, (global const half*) p);
        case DT_BF16: return (ACC) as_float(((uint) ((global const ushort*) p)[i]) << 16);
        case DT_I64: return (ACC) ((global const long*) p)[i];
        case DT_I32: return (ACC) ((global const int*) p)[i];
        case DT_U8: return (ACC) p[i];
        default: return p[i] != 0 ? (ACC) 1 : (ACC) 0;
    }
}

// Conversions as the CPU backend: float narrowing rounds to nearest even, integers truncate and saturate
// (NaN -> 0), uint8 wraps modulo 256, bool is v != 0.
inline void st(global uchar* p, int dt, int i, ACC v) {
    switch (dt) {
        case DT_F32: ((global float*) p)[i] = (float) v; break;
#ifdef USE_FP64
        case DT_F64: ((global double*) p)[i] = (double) v; break;
#endif
        case DT_F16: vstore_half_rte((float) v, i, (global half*) p); break;
        case DT_BF16: {
            float f = (float) v;
            uint b = as_uint(f);
            ((global ushort*) p)[i] = isnan(f) ? (ushort) 0x7fc0 : (ushort) ((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
            break;
        }
        case DT_I64: ((global long*) p)[i] = convert_long_sat_rtz(v); break;
        case DT_I32: ((global int*) p)[i] = convert_int_sat_rtz(v); break;
        case DT_U8: p[i] = (uchar) convert_long_sat_rtz(v); break;
        default: p[i] = v != (ACC) 0 ? 1 : 0; break;
    }
}

// Copies one element without conversion (same dtype on both sides); es is the element size in bytes.
inline void cp(global const uchar* s, int si, global uchar* d, int di, int es) {
    switch (es) {
        case 8: ((global long*) d)[di] = ((global const long*) s)[si]; break;
        case 4: ((global int*) d)[di] = ((global const int*) s)[si]; break;
        case 2: ((global short*) d)[di] = ((global const short*) s)[si]; break;
        default: d[di] = s[si]; break;
    }
}
