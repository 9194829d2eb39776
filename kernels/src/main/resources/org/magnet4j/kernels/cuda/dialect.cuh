// The CUDA dialect of the shared kernel sources (../gpu/*.gpu, see common.gpu): put before common.gpu and one
// family's source to make a CUDA C++ program, compiled by nvcc at build time or by NVRTC at run time. Built with
// -DACC=float or -DACC=double (the compute type) and --fmad=false: no a*b+c contraction into fma, so results
// follow the CPU backend's (Java's) rounding step by step. No system headers: the same text compiles under NVRTC.
#ifndef ACC
#define ACC float
#endif
#define USE_FP64 1  // every CUDA GPU has fp64

#define KERNEL extern "C" __global__ void
#define DEV __device__ __forceinline__
#define GLOBAL
#define SHARED __shared__
#define BARRIER() __syncthreads()
// 1-D launches: one thread per index in [0, n).
#define GID ((int) (blockIdx.x * blockDim.x + threadIdx.x))
#define GROUP_ID(d) ((int) ((d) == 0 ? blockIdx.x : (d) == 1 ? blockIdx.y : blockIdx.z))
#define LOCAL_ID(d) ((int) ((d) == 0 ? threadIdx.x : (d) == 1 ? threadIdx.y : threadIdx.z))

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef long long i64;

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
#define INF_T ((ACC) __longlong_as_double(0x7ff0000000000000LL))

DEV float bits_to_float(uint b) { return __uint_as_float(b); }
DEV uint float_to_bits(float f) { return __float_as_uint(f); }

DEV float load_half(const ushort* p, int i) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(p[i]));
    return f;
}

DEV void store_half(ushort* p, int i, float f) { // round to nearest even
    ushort h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    p[i] = h;
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
