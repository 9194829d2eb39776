// The OpenCL C dialect of the shared kernel sources (../gpu/*.gpu, see common.gpu): put before common.gpu and one
// family's source to make an OpenCL program, built at first use. Built with -DACC=float or -DACC=double (the
// compute type) and -DUSE_FP64 when the device has cl_khr_fp64.
#ifdef USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
// No a*b+c contraction into fma: results then follow the CPU backend's (Java's) rounding step by step.
#pragma OPENCL FP_CONTRACT OFF
#ifndef ACC
#define ACC float
#endif

#define KERNEL kernel void
#define DEV inline
#define GLOBAL global
#define SHARED local
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
// 1-D launches: one work-item per index in [0, n).
#define GID ((int) get_global_id(0))
#define GROUP_ID(d) ((int) get_group_id(d))
#define LOCAL_ID(d) ((int) get_local_id(d))

typedef long i64;

// OpenCL's math builtins are overloaded on float and double.
#define m_exp exp
#define m_log log
#define m_sqrt sqrt
#define m_abs fabs
#define m_tanh tanh
#define m_pow pow
#define m_max fmax
#define m_min fmin
#define m_floor floor
#define m_isnan isnan
#define INF_T INFINITY

#define bits_to_float as_float
#define float_to_bits as_uint

inline float load_half(global const ushort* p, int i) { return vload_half(i, (global const half*) p); }

inline void store_half(global ushort* p, int i, float f) { vstore_half_rte(f, i, (global half*) p); } // nearest even

// Truncating, saturating conversions (NaN -> 0), as the CPU backend.
#define to_i64 convert_long_sat_rtz
#define to_i32 convert_int_sat_rtz
