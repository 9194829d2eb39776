/*
 * A stand-in for libcuda.so.1, libcublas.so.13 and libcudnn.so.9 for tests on machines without a GPU
 * (CudaStubTest). "Device memory" is host memory (malloc), copies are memcpy, kernel launches are recorded but do
 * nothing, GEMM is a plain column-major reference and convolutions are naive loops over the descriptors, so the
 * Java bindings' symbol names, argument types and orders, the row-major transposition trick and the cuDNN
 * plumbing can be checked end to end without a GPU. Built with -DNO_DEVICE, cuInit fails with
 * CUDA_ERROR_NO_DEVICE. Only the functions the backend binds exist here; signatures follow cuda.h, cublas_api.h
 * and cudnn_cnn.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

/* ---- driver ---------------------------------------------------------------------------------------------- */
CUresult cuGetErrorName(CUresult e, const char** s) { *s = e == 100 ? "CUDA_ERROR_NO_DEVICE" : e == 1 ? "CUDA_ERROR_INVALID_VALUE" : "CUDA_ERROR_STUB"; return 0; }
CUresult cuGetErrorString(CUresult e, const char** s) { *s = e == 100 ? "no CUDA-capable device is detected" : "stub error"; return 0; }
CUresult cuInit(unsigned flags) {
#ifdef NO_DEVICE
    return 100;
#else
    return flags == 0 ? 0 : 1;
#endif
}
CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return 0; }
CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char* name, int len, int dev) { snprintf(name, len, "Stub GPU %d", dev); return 0; }
CUresult cuDeviceGetAttribute(int* v, int attr, int dev) { *v = attr == 75 ? 9 : attr == 76 ? 0 : attr == 16 ? 132 : 0; return 0; }
CUresult cuDeviceTotalMem_v2(size_t* b, int dev) { *b = (size_t) 8 << 30; return 0; }
static int ctx_dummy;
CUresult cuDevicePrimaryCtxRetain(void** ctx, int dev) { *ctx = &ctx_dummy; return 0; }
CUresult cuCtxSetCurrent(void* ctx) { return ctx == &ctx_dummy ? 0 : 1; }
CUresult cuCtxSynchronize(void) { return 0; }
CUresult cuMemAlloc_v2(CUdeviceptr* p, size_t bytes) { void* m = malloc(bytes ? bytes : 1); if (!m) return 2; *p = (CUdeviceptr) (uintptr_t) m; return 0; }
CUresult cuMemFree_v2(CUdeviceptr p) { free((void*) (uintptr_t) p); return 0; }
CUresult cuMemGetInfo_v2(size_t* f, size_t* t) { *f = (size_t) 4 << 30; *t = (size_t) 8 << 30; return 0; }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void* s, size_t n, void* st) { memcpy((void*) (uintptr_t) d, s, n); return 0; }
CUresult cuMemcpyDtoHAsync_v2(void* d, CUdeviceptr s, size_t n, void* st) { memcpy(d, (void*) (uintptr_t) s, n); return 0; }
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr s, size_t n, void* st) { memmove((void*) (uintptr_t) d, (void*) (uintptr_t) s, n); return 0; }
CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, void* st) { memset((void*) (uintptr_t) d, v, n); return 0; }
static int stream_dummy, event_dummy;
CUresult cuStreamCreate(void** s, unsigned flags) { *s = &stream_dummy; return 0; }
CUresult cuStreamSynchronize(void* s) { return s == &stream_dummy ? 0 : 1; }
CUresult cuEventCreate(void** e, unsigned flags) { *e = &event_dummy; return 0; }
CUresult cuEventRecord(void* e, void* s) { return 0; }
CUresult cuEventSynchronize(void* e) { return 0; }
CUresult cuEventElapsedTime_v2(float* ms, void* a, void* b) { *ms = 0.5f; return 0; }
CUresult cuEventDestroy_v2(void* e) { return 0; }
static int module_dummy;
CUresult cuModuleLoadDataEx(void** m, const void* image, unsigned n, int* opts, void** vals) {
    if (strstr((const char*) image, ".entry") == NULL) return 218;
    *m = &module_dummy;
    return 0;
}
CUresult cuModuleGetFunction(void** f, void* m, const char* name) { *f = strdup(name); return 0; }
static long launches;
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned shmem,
                        void* stream, void** params, void** extra) {
    if (gx == 0 || gy == 0 || gz == 0 || bx * by * bz > 1024 || params == NULL || stream != &stream_dummy) return 1;
    launches++;
    return 0;
}
long stubLaunchCount(void) { return launches; }

/* ---- cuBLAS (column-major reference) ----------------------------------------------------------------------- */
static int blas_dummy;
int cublasCreate_v2(void** h) { *h = &blas_dummy; return 0; }
int cublasSetStream_v2(void* h, void* s) { return h == &blas_dummy && s != NULL ? 0 : 7; } /* s is another copy's global */
int cublasSetMathMode(void* h, int mode) { return mode == 0 ? 0 : 7; }
int cublasGetVersion_v2(void* h, int* v) { *v = 130002; return 0; }
const char* cublasGetStatusString(int s) { return s == 7 ? "CUBLAS_STATUS_INVALID_VALUE" : "stub cuBLAS status"; }
#define GEMM(NAME, T)                                                                                                   \
int NAME(void* h, int ta, int tb, int m, int n, int k, const T* alpha, const T* A, int lda, long long sA,              \
         const T* B, int ldb, long long sB, const T* beta, T* C, int ldc, long long sC, int batch) {                   \
    if (lda < (ta ? (k > 1 ? k : 1) : (m > 1 ? m : 1)) || ldb < (tb ? (n > 1 ? n : 1) : (k > 1 ? k : 1)) || ldc < (m > 1 ? m : 1)) return 7; \
    for (int z = 0; z < batch; z++)                                                                                    \
        for (int j = 0; j < n; j++)                                                                                    \
            for (int i = 0; i < m; i++) {                                                                              \
                double s = 0;                                                                                          \
                for (int l = 0; l < k; l++)                                                                            \
                    s += (double) (ta ? A[z * sA + l + (long) i * lda] : A[z * sA + i + (long) l * lda])               \
                       * (double) (tb ? B[z * sB + j + (long) l * ldb] : B[z * sB + l + (long) j * ldb]);              \
                T* c = &C[z * sC + i + (long) j * ldc];                                                                \
                *c = (T) (*alpha * s + (*beta == 0 ? 0 : *beta * *c));                                                 \
            }                                                                                                          \
    return 0;                                                                                                          \
}
GEMM(cublasSgemmStridedBatched, float)
GEMM(cublasDgemmStridedBatched, double)

/* ---- cuDNN (naive convolutions) ---------------------------------------------------------------------------- */
typedef struct { int dt, n, c, h, w, ns, cs, hs, ws; } Desc;
typedef struct { int ph, pw, u, v, dh, dw, mode, dt, groups, math; } ConvDesc;
typedef struct { int algo; int status; float time; size_t memory; int determinism; int mathType; int reserved[3]; } Perf;
static int dnn_dummy;
size_t cudnnGetVersion(void) { return 91000; }
const char* cudnnGetErrorString(int s) { return s == 2000 ? "CUDNN_STATUS_BAD_PARAM" : s == 3000 ? "CUDNN_STATUS_NOT_SUPPORTED" : "stub cuDNN status"; }
int cudnnCreate(void** h) { *h = &dnn_dummy; return 0; }
int cudnnSetStream(void* h, void* s) { return h == &dnn_dummy && s != NULL ? 0 : 2000; }
int cudnnCreateTensorDescriptor(Desc** d) { *d = calloc(1, sizeof(Desc)); return 0; }
int cudnnCreateFilterDescriptor(Desc** d) { *d = calloc(1, sizeof(Desc)); return 0; }
int cudnnCreateConvolutionDescriptor(ConvDesc** d) { *d = calloc(1, sizeof(ConvDesc)); (*d)->groups = 1; return 0; }
int cudnnSetTensor4dDescriptorEx(Desc* d, int dt, int n, int c, int h, int w, int ns, int cs, int hs, int ws) {
    if (ws != 1 || hs != w || cs != h * w || ns != c * h * w) return 3000; /* the backend only passes contiguous NCHW */
    *d = (Desc) {dt, n, c, h, w, ns, cs, hs, ws};
    return 0;
}
int cudnnSetFilter4dDescriptor(Desc* d, int dt, int format, int k, int c, int h, int w) {
    if (format != 0) return 2000;
    *d = (Desc) {dt, k, c, h, w, c * h * w, h * w, w, 1};
    return 0;
}
int cudnnSetConvolution2dDescriptor(ConvDesc* d, int ph, int pw, int u, int v, int dh, int dw, int mode, int dt) {
    if (mode != 1) return 2000;
    d->ph = ph; d->pw = pw; d->u = u; d->v = v; d->dh = dh; d->dw = dw; d->mode = mode; d->dt = dt;
    return 0;
}
int cudnnSetConvolutionGroupCount(ConvDesc* d, int g) { d->groups = g; return 0; }
int cudnnSetConvolutionMathType(ConvDesc* d, int m) { d->math = m; return 0; }
static double get(const void* p, int dt, long i) { return dt == 1 ? ((const double*) p)[i] : ((const float*) p)[i]; }
static void put(void* p, int dt, long i, double v) { if (dt == 1) ((double*) p)[i] = v; else ((float*) p)[i] = (float) v; }
int cudnnAddTensor(void* h, const void* alpha, Desc* a, const void* A, const void* beta, Desc* c, void* C) {
    if (a->n != 1 || a->c != c->c || a->h != 1 || a->w != 1) return 3000;
    for (long n = 0; n < c->n; n++)
        for (long ch = 0; ch < c->c; ch++)
            for (long i = 0; i < (long) c->h * c->w; i++) {
                long o = (n * c->c + ch) * c->h * c->w + i;
                put(C, c->dt, o, get(C, c->dt, o) + get(A, a->dt, ch));
            }
    return 0;
}
/* One loop over every (image, out channel, out pixel, in channel of the group, tap): kind 0 forward, 1 data, 2 filter. */
static int conv(int kind, Desc* x, void* px, Desc* w, void* pw, Desc* y, void* py, ConvDesc* cd, void* ws, size_t wsBytes) {
    if (wsBytes > 0 && ws == NULL) return 2000;
    int g = cd->groups, cg = x->c / g, og = y->c / g, dt = x->dt;
    if (w->c != cg || w->n != y->c || x->n != y->n) return 2000;
    if (kind == 1) memset(px, 0, (size_t) x->n * x->c * x->h * x->w * (dt == 1 ? 8 : 4));
    if (kind == 2) memset(pw, 0, (size_t) w->n * w->c * w->h * w->w * (dt == 1 ? 8 : 4));
    for (long n = 0; n < y->n; n++)
        for (long k = 0; k < y->c; k++)
            for (long oy = 0; oy < y->h; oy++)
                for (long ox = 0; ox < y->w; ox++) {
                    long yi = ((n * y->c + k) * y->h + oy) * y->w + ox;
                    double s = 0;
                    for (long c = 0; c < cg; c++)
                        for (long ky = 0; ky < w->h; ky++)
                            for (long kx = 0; kx < w->w; kx++) {
                                long iy = oy * cd->u - cd->ph + ky * cd->dh, ix = ox * cd->v - cd->pw + kx * cd->dw;
                                if (iy < 0 || iy >= x->h || ix < 0 || ix >= x->w) continue;
                                long xi = ((n * x->c + (k / og) * cg + c) * x->h + iy) * x->w + ix;
                                long wi = ((k * w->c + c) * w->h + ky) * w->w + kx;
                                if (kind == 0) s += get(px, dt, xi) * get(pw, dt, wi);
                                else if (kind == 1) put(px, dt, xi, get(px, dt, xi) + get(py, dt, yi) * get(pw, dt, wi));
                                else put(pw, dt, wi, get(pw, dt, wi) + get(py, dt, yi) * get(px, dt, xi));
                            }
                    if (kind == 0) put(py, dt, yi, s);
                }
    return 0;
}
#define ALGOS(KIND)                                                                                                     \
int cudnnGetConvolution##KIND##AlgorithmMaxCount(void* h, int* n) { *n = 3; return 0; }                                \
int cudnnGetConvolution##KIND##Algorithm_v7(void* h, void* a, void* b, ConvDesc* c, void* d, int req, int* ret, Perf* p) { \
    if (req < 3) return 2000;                                                                                          \
    /* a tensor-op candidate first (to be skipped for float32), a failing one, then the FMA one that runs */          \
    p[0] = (Perf) {5, 0, -1, 0, 1, 1, {0}};                                                                            \
    p[1] = (Perf) {6, 0, -1, 0, 1, 3, {0}};                                                                            \
    p[2] = (Perf) {1, 0, -1, 4096, 1, 3, {0}};                                                                         \
    *ret = 3;                                                                                                          \
    return 0;                                                                                                          \
}                                                                                                                      \
int cudnnGetConvolution##KIND##WorkspaceSize(void* h, void* a, void* b, void* c, void* d, int algo, size_t* s) {       \
    *s = algo == 1 ? 4096 : 0;                                                                                         \
    return 0;                                                                                                          \
}
ALGOS(Forward)
ALGOS(BackwardData)
ALGOS(BackwardFilter)
static int check_algo(ConvDesc* cd, int algo, int dt) {
    if (algo == 6) return 3000;                      /* refuses at run time: the backend must try the next one */
    if (algo == 5 && dt == 0) return 4000;           /* tensor-op candidate must not be tried for float32 */
    if (dt == 0 && cd->math != 3) return 4000;       /* float32 must run with CUDNN_FMA_MATH (no TF32) */
    return 0;
}
int cudnnConvolutionForward(void* h, const double* alpha, Desc* xd, void* x, Desc* wd, void* w, ConvDesc* cd, int algo, void* ws,
                            size_t wsb, const double* beta, Desc* yd, void* y) {
    int rc = check_algo(cd, algo, xd->dt);
    return rc ? rc : conv(0, xd, x, wd, w, yd, y, cd, ws, wsb);
}
int cudnnConvolutionBackwardData(void* h, const void* alpha, Desc* wd, void* w, Desc* dyd, void* dy, ConvDesc* cd, int algo, void* ws,
                                 size_t wsb, const void* beta, Desc* dxd, void* dx) {
    int rc = check_algo(cd, algo, dxd->dt);
    return rc ? rc : conv(1, dxd, dx, wd, w, dyd, dy, cd, ws, wsb);
}
int cudnnConvolutionBackwardFilter(void* h, const void* alpha, Desc* xd, void* x, Desc* dyd, void* dy, ConvDesc* cd, int algo, void* ws,
                                   size_t wsb, const void* beta, Desc* dwd, void* dw) {
    int rc = check_algo(cd, algo, xd->dt);
    return rc ? rc : conv(2, xd, x, dwd, dw, dyd, dy, cd, ws, wsb);
}
