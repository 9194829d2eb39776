package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Tensor;

/** StoredTensor.toTensor() hands every dtype to the engine's CPU backend unchanged. */
class TensorBridgeTest {

    @Test
    void everyDtypeAndViewBecomesAnEqualEngineTensor() throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.fixture("formats/dtypes_views.pth"), LoadOptions.raw());
        for (StoredTensor s : c.tensors().values()) {
            Tensor t = s.toTensor();
            assertEquals(s.dtype(), t.dtype(), s.name());
            assertArrayEquals(s.shape(), t.shape(), s.name());
            StoredTensor back = new StoredTensor(s.name(), t.dtype(), t.shape(), t.download());
            assertEquals(true, s.contentEquals(back), s.name());
        }
        assertArrayEquals(new float[] {0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22, 5, 11, 17, 23},
                c.get("transposed").toTensor().toFloatArray());
    }
}
