package org.magnet4j.kernels.opencl;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Tensor;

class OpenClSmokeTest {
    @Test void smoke() {
        Device cl = Device.parse("opencl");
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(cl);
        Tensor b = a.transpose(0, 1).mul(2.0);
        assertArrayEquals(new float[] {2, 8, 4, 10, 6, 12}, b.toFloatArray());
        System.out.println(a.backend());
    }
}
