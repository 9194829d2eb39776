package org.magnet4j.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.magnet4j.tensor.DType;

/**
 * Files made by src/test/python/make_test_files.py: pickle protocols 4 and 5, a legacy stream with protocol 4, a
 * PyTorch-2.x-style zip (7-argument _rebuild_tensor_v2, _rebuild_parameter, _rebuild_from_type_v2, byteorder,
 * .data/serialization_id, cuda:1 locations), its big-endian twin, and a deflate-compressed zip. All hold one sample.
 */
class ProtocolsAndLayoutsTest {

    @ParameterizedTest
    @ValueSource(strings = {"proto4.pth", "proto5.pth", "proto4_legacy.pth", "torch2_style.pth", "big_endian.pth", "deflated.pth"})
    void sampleLoadsFromEveryLayout(String file) throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.resource(file), file, LoadOptions.defaults());
        assertEquals(List.of("conv.weight", "bn.num_batches_tracked", "half", "i32", "t", "base", "col"), List.copyOf(c.tensors().keySet()));
        check(c.get("conv.weight"), DType.FLOAT32, new int[] {2, 2}, 1.5, -2, 0.25, 8);
        check(c.get("bn.num_batches_tracked"), DType.INT64, new int[] {}, 7);
        check(c.get("half"), DType.FLOAT16, new int[] {2}, 1, -0.5);
        check(c.get("i32"), DType.INT32, new int[] {2}, 3, -4);
        check(c.get("t"), DType.FLOAT32, new int[] {4, 3}, 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        check(c.get("base"), DType.FLOAT32, new int[] {3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        check(c.get("col"), DType.FLOAT32, new int[] {3}, 1, 5, 9);
    }

    @Test
    void torch2StyleRecordsWhatItCan() throws IOException {
        Checkpoint c = Checkpoints.load(Fixtures.resource("torch2_style.pth"), "torch2_style.pth", LoadOptions.defaults());
        assertTrue(c.info().get("written by").contains("2.0"));
        assertEquals("little", c.info().get("byte order"));
        assertEquals("3", c.info().get("serialization version"));
        Checkpoint big = Checkpoints.load(Fixtures.resource("big_endian.pth"), "big_endian.pth", LoadOptions.defaults());
        assertEquals("big", big.info().get("byte order"));
        assertEquals("5", Checkpoints.load(Fixtures.resource("proto5.pth"), "p5", LoadOptions.raw()).info().get("pickle protocol"));
    }

    @Test
    void keyMappingOptions() throws IOException {
        LoadOptions o = LoadOptions.defaults().withKeyMapping(KeyMapping.defaults().withDropNumBatchesTracked(true).withRename("con", "aux_head"));
        Checkpoint c = Checkpoints.load(Fixtures.resource("proto4.pth"), "proto4.pth", o);
        assertNull(c.get("bn.num_batches_tracked"));
        assertTrue(c.tensors().containsKey("aux_head" + "v.weight"));
        assertEquals("aux_head.1.weight", KeyMapping.hrnet().map("module.model.last_layer.1.weight"));
        assertEquals("model.", KeyMapping.defaults().map("model."), "a bare prefix is not stripped to nothing");
    }

    private static void check(StoredTensor t, DType dtype, int[] shape, double... values) {
        assertEquals(dtype, t.dtype(), t.name());
        assertArrayEquals(shape, t.shape(), t.name());
        assertArrayEquals(values, t.toDoubleArray(), 0.0, t.name());
    }
}
