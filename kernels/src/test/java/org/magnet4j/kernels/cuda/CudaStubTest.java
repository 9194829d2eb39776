package org.magnet4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.Backend;
import org.magnet4j.tensor.BackendUnavailableException;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.BinaryOp;
import org.magnet4j.tensor.Conv2dParams;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.InterpMode;
import org.magnet4j.tensor.Pool2dParams;
import org.magnet4j.tensor.ReduceOp;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.UnaryOp;

/**
 * The CUDA backend against stand-in libraries (src/test/c/cudastub.c, built here with the C compiler): host
 * memory as device memory, no-op kernel launches, a reference column-major GEMM and naive cuDNN convolutions.
 * Checks without a GPU what only a GPU run would otherwise reveal: every bound symbol and its FFM signature,
 * upload/download, cuBLAS's row-major transposition trick, the cuDNN descriptors, algorithm choice and argument
 * order (against the CPU backend's numbers), and that every kernel launch passes exactly the parameters its PTX
 * declares.
 */
class CudaStubTest {
    @TempDir static Path tmp;
    static CudaLibraries libs, noDevice;
    static CudaBackend be;
    static final Backend CPU = Backends.cpu();

    @BeforeAll static void buildStub() throws Exception {
        Path src = Path.of(System.getProperty("repo.dir", "."), "kernels/src/test/c/cudastub.c");
        if (!Files.exists(src)) src = Path.of("src/test/c/cudastub.c");
        String cc = null;
        for (String c : new String[] {"/usr/bin/gcc", "/usr/bin/cc", "/usr/bin/clang"}) if (Files.isExecutable(Path.of(c))) { cc = c; break; }
        Assumptions.assumeTrue(cc != null, "no C compiler (gcc, cc or clang in /usr/bin) to build the stand-in CUDA libraries");
        Path ok = tmp.resolve("ok"), nodev = tmp.resolve("nodev");
        Files.createDirectories(ok);
        Files.createDirectories(nodev);
        compile(cc, src, ok.resolve("libcuda.so.1"), false);
        Files.copy(ok.resolve("libcuda.so.1"), ok.resolve("libcublas.so.13"));
        Files.copy(ok.resolve("libcuda.so.1"), ok.resolve("libcudnn.so.9"));
        compile(cc, src, nodev.resolve("libcuda.so.1"), true);
        Path home = tmp.resolve("home");
        libs = new CudaLibraries(Map.of("MAGNET_CUDA_LIB_PATH", ok.toString()), null, home);
        noDevice = new CudaLibraries(Map.of("MAGNET_CUDA_LIB_PATH", nodev.toString()), null, home);
        CuDriver drv = CudaBackendProvider.openDriver(libs);
        be = new CudaBackend(new Device("cudastub", 0), new CudaContext(libs, drv, 0));
    }

    static void compile(String cc, Path src, Path out, boolean noDevice) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(cc, "-shared", "-fPIC", "-O1", "-o", out.toString(), src.toString()));
        if (noDevice) cmd.add(1, "-DNO_DEVICE");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "building the stub failed: " + log);
    }

    static Tensor stub(Tensor cpu) { return Tensor.of(be.upload(cpu.download(), cpu.dtype()), cpu.shape()); }

    static Tensor randn(long seed, DType t, int... shape) { return Tensor.randn(new SplittableRandom(seed), shape).to(t); }

    static void close(Tensor ref, Tensor got, String what) {
        assertArrayEquals(ref.shape(), got.shape(), what + ": shape");
        double[] r = ref.toDoubleArray(), g = (got.dtype() == DType.FLOAT64 ? (double[]) got.download() : toDouble((float[]) got.download()));
        double tol = ref.dtype() == DType.FLOAT64 ? 1e-12 : 1e-5;
        for (int i = 0; i < r.length; i++)
            assertTrue(Math.abs(r[i] - g[i]) <= tol * Math.max(1, Math.abs(r[i])), what + " at " + i + ": " + r[i] + " vs " + g[i]);
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test void noDeviceSaysSo() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> CudaBackendProvider.openDriver(noDevice));
        String m = e.getMessage();
        assertTrue(m.contains("CUDA_ERROR_NO_DEVICE") && m.contains("no CUDA-capable device is detected"), m);
        assertTrue(m.contains("nvidia-smi") && m.contains("--device auto"), m);
    }

    @Test void describesDeviceAndLibraries() {
        String d = be.describe();
        assertTrue(d.contains("Stub GPU 0") && d.contains("sm_90") && d.contains("132 SMs") && d.contains("driver API 13.0"), d);
        assertTrue(d.contains("cuBLAS 13.0.2") && d.contains("cuDNN 9.10.0"), d + "\n" + be.ctx.cublasMissing + "\n" + be.ctx.cudnnMissing);
        assertTrue(be.usesCublas() && be.usesCudnn());
        assertTrue(be.time(() -> {}) >= 0);
    }

    @Test void uploadDownloadEveryDType() {
        assertArrayEquals(new float[] {1.5f, -2}, (float[]) be.download(Tensor.of(be.upload(new float[] {1.5f, -2}, DType.FLOAT32), 2)));
        assertArrayEquals(new double[] {3, 4e300}, (double[]) be.download(Tensor.of(be.upload(new double[] {3, 4e300}, DType.FLOAT64), 2)));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, (long[]) be.download(Tensor.of(be.upload(new long[] {Long.MIN_VALUE, 7}, DType.INT64), 2)));
        assertArrayEquals(new int[] {-1, 9}, (int[]) be.download(Tensor.of(be.upload(new int[] {-1, 9}, DType.INT32), 2)));
        assertArrayEquals(new byte[] {(byte) 200, 3}, (byte[]) be.download(Tensor.of(be.upload(new byte[] {(byte) 200, 3}, DType.UINT8), 2)));
        assertArrayEquals(new byte[] {1, 0, 1}, (byte[]) be.download(Tensor.of(be.upload(new byte[] {5, 0, -1}, DType.BOOL), 3)));
        assertArrayEquals(new short[] {0x3c00, 7}, (short[]) be.download(Tensor.of(be.upload(new short[] {0x3c00, 7}, DType.FLOAT16), 2)));
        assertArrayEquals(new float[] {0, 0, 0}, (float[]) be.download(Tensor.of(be.allocate(DType.FLOAT32, 3), 3)));
        Tensor a = Tensor.of(be.upload(new float[] {1, 2, 3, 4}, DType.FLOAT32), 4), b = be.empty(DType.FLOAT32, 4);
        be.copyInto(a, b); // contiguous same-dtype copies are a device-to-device memcpy
        assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) be.download(b));
        assertEquals(0, be.download(be.empty(DType.FLOAT32, 0)) instanceof float[] f ? f.length : -1);
    }

    @Test void matmulOnCublasMatchesCpu() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = randn(1, t, 3, 17, 33), b = randn(2, t, 3, 33, 19);
            close(CPU.matmul(a, b), be.matmul(stub(a), stub(b)), "matmul " + t);
            Tensor at = randn(3, t, 2, 35, 18), bt = randn(4, t, 2, 21, 35); // transposed operands read in place
            close(CPU.matmul(at.transpose(1, 2), bt.transpose(1, 2)), be.matmul(stub(at).transpose(1, 2), stub(bt).transpose(1, 2)), "matmul^T " + t);
            Tensor a1 = randn(5, t, 1, 5, 7), b4 = randn(6, t, 4, 7, 6); // batch broadcast: stride 0
            close(CPU.matmul(a1.expand(4, 5, 7), b4), be.matmul(stub(a1).expand(4, 5, 7), stub(b4)), "matmul broadcast " + t);
            Tensor row = randn(7, t, 2, 1, 40), col = randn(8, t, 2, 40, 1); // one row / one column: ld fixed up
            close(CPU.matmul(row, col), be.matmul(stub(row), stub(col)), "matmul row x col " + t);
            close(CPU.matmul(col, row), be.matmul(stub(col), stub(row)), "matmul col x row " + t);
            Tensor z = randn(9, t, 2, 3, 0), z2 = randn(10, t, 2, 0, 4);
            close(CPU.matmul(z, z2), be.matmul(stub(z), stub(z2)), "matmul k=0 " + t);
        }
    }

    @Test void convolutionsOnCudnnMatchCpu() {
        Object[][] cases = {
            {Conv2dParams.of(1, 1, 1, 1), new int[] {2, 4, 9, 7}, new int[] {6, 4, 3, 3}},
            {Conv2dParams.of(2, 2, 2, 2), new int[] {2, 4, 11, 10}, new int[] {6, 2, 3, 3}},
            {Conv2dParams.of(1, 0, 1, 1), new int[] {3, 5, 6, 7}, new int[] {4, 5, 1, 1}},
            {Conv2dParams.of(1, 1, 1, 4), new int[] {2, 4, 8, 8}, new int[] {4, 1, 3, 3}},
            {new Conv2dParams(2, 1, 1, 0, 1, 2, 1), new int[] {1, 3, 10, 9}, new int[] {5, 3, 5, 3}},
        };
        int seed = 20;
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64})
            for (Object[] c : cases) {
                Conv2dParams p = (Conv2dParams) c[0];
                int[] xs = (int[]) c[1], ws = (int[]) c[2];
                Tensor x = randn(seed++, t, xs), w = randn(seed++, t, ws), b = randn(seed++, t, ws[0]);
                Tensor y = CPU.conv2d(x, w, b, p);
                String what = "conv2d " + p + " " + t;
                close(y, be.conv2d(stub(x), stub(w), stub(b), p), what);
                Tensor gy = randn(seed++, t, y.shape());
                close(CPU.conv2dBackwardInput(gy, w, xs, p), be.conv2dBackwardInput(stub(gy), stub(w), xs, p), what + " grad input");
                close(CPU.conv2dBackwardWeight(gy, x, ws, p), be.conv2dBackwardWeight(stub(gy), stub(x), ws, p), what + " grad weight");
            }
    }

    static long launches() {
        try {
            MethodHandle h = Linker.nativeLinker().downcallHandle(be.ctx.driver.lib.lib.lookup().find("stubLaunchCount").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG));
            return (long) h.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Every op that launches kernels, in both compute types: each launch's arguments must match its PTX parameters. */
    @Test void everyKernelLaunchMatchesItsPtxSignature() {
        long before = launches();
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = stub(randn(1, t, 2, 3, 7, 9)), v = stub(randn(2, t, 5, 6));
            for (UnaryOp op : UnaryOp.values()) be.unary(op, v.transpose(0, 1), 2.5);
            for (BinaryOp op : BinaryOp.values()) be.binary(op, v, stub(randn(3, t, 6)).expand(5, 6));
            Tensor mask = Tensor.of(be.upload(new byte[] {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0}, DType.BOOL), 5, 6);
            be.where(mask, v, v);
            for (ReduceOp op : ReduceOp.values()) be.reduce(op, v, 1);
            Tensor s = be.softmax(v, 1, false);
            be.softmaxBackward(s, v, 1, true);
            be.copyInto(v.transpose(0, 1), be.empty(DType.FLOAT16, 6, 5));
            be.fill(v.narrow(1, 1, 2), 3);
            Pool2dParams pp = new Pool2dParams(3, 3, 2, 2, 1, 1, true, false);
            Tensor[] mp = be.maxPool2d(x, pp);
            be.maxPool2dBackward(mp[0], mp[1], x.shape());
            Tensor ap = be.avgPool2d(x, pp);
            be.avgPool2dBackward(ap, x.shape(), pp);
            Tensor ad = be.adaptiveAvgPool2d(x, 4, 3);
            be.adaptiveAvgPool2dBackward(ad, x.shape());
            Tensor idx = Tensor.of(be.upload(new long[] {0, 4, 2, 1, 3, 0}, DType.INT64), 1, 6);
            be.gather(v, 0, idx);
            be.scatter(v, 0, idx, v, true);
            be.scatter(v, 0, idx, v, false);
            be.maskedSelect(v, mask);
            be.maskedScatter(v, mask, stub(randn(4, t, 30)));
            be.sort(v, 1, true);
            be.median(v, 0);
            be.unfold(x, 3, 2, new Conv2dParams(2, 1, 1, 1, 1, 2, 1));
            for (InterpMode mode : InterpMode.values())
                for (boolean ac : new boolean[] {false, true}) {
                    Tensor y = be.interpolate(x, 13, 20, mode, ac, 0, 0);
                    be.interpolateBackward(y, x.shape(), mode, ac, 0, 0);
                }
            Tensor grid = stub(randn(5, t, 2, 5, 6, 2));
            Tensor gs = be.gridSample(x, grid, false);
            be.gridSampleBackward(gs, x, grid, true);
            // float64 boxes: the op reads them with toDoubleArray(), and a conversion would need Backends to know this stub device
            Tensor boxes = stub(Tensor.fromArray(new double[] {0, 0.5, 1.0, 6.2, 5.5, 1, 2.0, 0.0, 8.5, 6.9}, 2, 5));
            Tensor r = be.roiAlign(x, boxes, 3, 4, 0.8, 2, true);
            be.roiAlignBackward(r, boxes, x.shape(), 0.8, 0, false);
            // the inference convolution: cuDNN, then one epilogue kernel (affine, a strided residual, ReLU)
            Tensor wf = stub(randn(11, t, 4, 3, 3, 3)), res = stub(randn(12, t, 2, 9, 7, 4)).permute(0, 3, 2, 1);
            be.conv2dFused(x, wf, null, stub(randn(13, t, 4)), stub(randn(14, t, 4)), res, true, Conv2dParams.of(1, 1, 1, 1));
            be.batchNormEvalAffine(stub(randn(15, t, 4)), stub(randn(16, t, 4)), stub(randn(17, t, 4)), null, 1e-5);
            // the fallbacks: our GEMM kernel, im2col + GEMM convolution
            be.useCublas(false);
            be.useCudnn(false);
            try {
                be.matmul(stub(randn(6, t, 2, 17, 70000 / 1000)), stub(randn(7, t, 2, 70, 5)));
                Tensor w = stub(randn(8, t, 4, 3, 3, 3));
                Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
                Tensor y = be.conv2d(x, w, stub(randn(9, t, 4)), p);
                be.conv2dBackwardInput(y, w, x.shape(), p);
                be.conv2dBackwardWeight(y, x, w.shape(), p);
                Conv2dParams pw = Conv2dParams.of(1, 0, 1, 1);
                Tensor w1 = stub(randn(10, t, 4, 3, 1, 1));
                Tensor y1 = be.conv2d(x, w1, null, pw);
                be.conv2dBackwardInput(y1, w1, x.shape(), pw);
                be.conv2dBackwardWeight(y1, x, w1.shape(), pw);
            } finally {
                be.useCublas(true);
                be.useCudnn(true);
            }
        }
        for (DType t : new DType[] {DType.INT64, DType.FLOAT16, DType.UINT8}) {
            Tensor v = Tensor.of(be.allocate(t, 12), 3, 4);
            be.unary(UnaryOp.NEG, v, 0);
            be.binary(BinaryOp.ADD, v, v);
            be.reduce(ReduceOp.SUM, v, 0);
            be.sort(v, 1, false);
        }
        be.synchronize();
        long n = launches() - before;
        assertTrue(n > 150, "only " + n + " kernel launches reached the driver");
        assertTrue(be.ctx.modules().origins.values().stream().allMatch(o -> o.equals("ptx")), be.ctx.modules().origins.toString());
    }

    /** -Dmagnet.cuda.profile=true: our kernels and the cuDNN and cuBLAS calls are timed by events, and reset forgets them. */
    @Test void profilerRecordsKernelsAndLibraryCalls() {
        CudaBackend profiled;
        System.setProperty("magnet.cuda.profile", "true");
        try {
            profiled = new CudaBackend(new Device("cudastub", 1), be.ctx);
        } finally {
            System.clearProperty("magnet.cuda.profile");
        }
        DType t = DType.FLOAT32;
        Tensor x = Tensor.of(profiled.upload(randn(30, t, 1, 3, 6, 5).toFloatArray(), t), 1, 3, 6, 5);
        Tensor w = Tensor.of(profiled.upload(randn(31, t, 4, 3, 3, 3).toFloatArray(), t), 4, 3, 3, 3);
        Tensor b = Tensor.of(profiled.upload(randn(32, t, 4).toFloatArray(), t), 4);
        profiled.conv2dFused(x, w, b, null, null, null, true, Conv2dParams.of(1, 1, 1, 1));
        profiled.conv2d(x, w, b, Conv2dParams.of(1, 1, 1, 1));
        profiled.matmul(Tensor.of(profiled.upload(randn(33, t, 5, 7).toFloatArray(), t), 1, 5, 7), Tensor.of(profiled.upload(randn(34, t, 7, 2).toFloatArray(), t), 1, 7, 2));
        String s = profiled.profiler().summary();
        for (String name : new String[] {"cudnn conv forward", "cudnn add bias", "cublas gemm", "conv_epilogue"})
            assertTrue(s.contains(name), name + " missing from\n" + s);
        profiled.profiler().reset();
        assertTrue(!profiled.profiler().summary().contains("cudnn"), profiled.profiler().summary());
    }

    @Test void launchWithWrongArgumentsIsRefusedBeforeTheDriver() {
        CudaException e = assertThrows(CudaException.class,
                () -> be.launch("copy", DType.FLOAT32, "fill_view").buf(Tensor.of(be.allocate(DType.FLOAT32, 4), 4)).i32(0).i32(4).acc(1).run(4));
        assertTrue(e.getMessage().contains("fill_view") && e.getMessage().contains("[8, 4, 72, 4, 4]"), e.getMessage());
    }
}
