// A tiled GEMM (used when cuBLAS is absent), im2col/col2im (unfold, and convolution when cuDNN is absent) and
// bias, in the compute type T.
#include "common.cuh"
#define TS 16

// C[z] = op(A[z]) x op(B[z]) (+ C[z] when acc) for z = zBase + blockIdx.z in [0, nb1*nb2): batch z = (z1, z2)
// with z2 fastest, the operand offsets being off + z1*s1 + z2*s2. op(A) is M x K (A^T stored when transA), op(B)
// is K x N. Blocks are TS x TS threads.
KERNEL gemm(int M, int N, int K,
            const T* A, int aOff, int lda, int transA, int aS1, int aS2,
            const T* B, int bOff, int ldb, int transB, int bS1, int bS2,
            T* C, int cOff, int ldc, int cS1, int cS2, int nb2, int acc, int zBase) {
    int z = zBase + (int) blockIdx.z, z1 = z / nb2, z2 = z % nb2;
    A += aOff + (i64) z1 * aS1 + (i64) z2 * aS2;
    B += bOff + (i64) z1 * bS1 + (i64) z2 * bS2;
    C += cOff + (i64) z1 * cS1 + (i64) z2 * cS2;
    int lc = threadIdx.x, lr = threadIdx.y;
    int col = blockIdx.x * TS + lc, row = blockIdx.y * TS + lr;
    __shared__ T As[TS][TS + 1];
    __shared__ T Bs[TS][TS + 1];
    T sum = 0;
    for (int t = 0; t < K; t += TS) {
        int ka = t + lc, kb = t + lr;
        As[lr][lc] = row < M && ka < K ? (transA ? A[ka * lda + row] : A[row * lda + ka]) : (T) 0;
        Bs[lr][lc] = kb < K && col < N ? (transB ? B[col * ldb + kb] : B[kb * ldb + col]) : (T) 0;
        __syncthreads();
        for (int k = 0; k < TS; k++) sum += As[lr][k] * Bs[k][lc];
        __syncthreads();
    }
    if (row < M && col < N) {
        int ci = row * ldc + col;
        C[ci] = acc ? C[ci] + sum : sum;
    }
}

// x images [n, C, H, W] (image stride xImg) -> columns [n, C*kH*kW, oh*ow] (image stride colImg), zero padded.
KERNEL im2col(const T* x, int xOff, int xImg, int C, int H, int W, int kH, int kW,
              int sH, int sW, int pH, int pW, int dH, int dW, int oh, int ow,
              T* col, int colOff, int colImg, int total) {
    int i = GID;
    if (i >= total) return;
    int l = oh * ow, rows = C * kH * kW;
    int img = i / (rows * l), r = i % (rows * l);
    int row = r / l, pos = r % l;
    int ch = row / (kH * kW), ki = (row / kW) % kH, kj = row % kW;
    int y = pos / ow, xx = pos % ow;
    int iy = y * sH - pH + ki * dH, ix = xx * sW - pW + kj * dW;
    col[colOff + img * colImg + r] = iy >= 0 && iy < H && ix >= 0 && ix < W ? x[xOff + img * xImg + (ch * H + iy) * W + ix] : (T) 0;
}

// The adjoint of im2col as a gather: each input pixel sums the column entries that read it (ki, then kj order).
KERNEL col2im(const T* col, int colImg, int C, int H, int W, int kH, int kW,
              int sH, int sW, int pH, int pW, int dH, int dW, int oh, int ow,
              T* x, int xOff, int xImg, int total) {
    int i = GID;
    if (i >= total) return;
    int hw = H * W;
    int img = i / (C * hw), r = i % (C * hw);
    int ch = r / hw, iy = (r % hw) / W, ix = r % W;
    int l = oh * ow;
    T s = 0;
    for (int ki = 0; ki < kH; ki++) {
        int ty = iy + pH - ki * dH;
        if (ty < 0 || ty % sH != 0) continue;
        int y = ty / sH;
        if (y >= oh) continue;
        for (int kj = 0; kj < kW; kj++) {
            int tx = ix + pW - kj * dW;
            if (tx < 0 || tx % sW != 0) continue;
            int xx = tx / sW;
            if (xx >= ow) continue;
            s += col[img * colImg + ((ch * kH + ki) * kW + kj) * l + y * ow + xx];
        }
    }
    x[xOff + img * xImg + r] = s;
}

KERNEL add_bias(T* out, const T* bias, int boff, int O, int L, int total) {
    int i = GID;
    if (i >= total) return;
    out[i] += bias[boff + (i / L) % O];
}
