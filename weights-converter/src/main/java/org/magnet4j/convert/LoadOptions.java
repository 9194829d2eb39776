package org.magnet4j.convert;

/**
 * How {@link Checkpoints#load} reads a file.
 *
 * @param keyMapping      how stored keys become model keys
 * @param widenHalf       load float16/bfloat16 tensors as float32
 * @param stateDictKey    in a training checkpoint, the entry holding the state dict; null to find it
 *                        ({@code state_dict}, {@code model_state_dict}, {@code model}, {@code net})
 * @param verifyChecksums check the CRC-32 of every zip entry read (cheap; catches damaged files)
 */
public record LoadOptions(KeyMapping keyMapping, boolean widenHalf, String stateDictKey, boolean verifyChecksums) {

    /** Strip module./model., keep dtypes as stored, find the state dict, verify checksums. */
    public static LoadOptions defaults() { return new LoadOptions(KeyMapping.defaults(), false, null, true); }

    /** Keys exactly as stored, dtypes as stored. */
    public static LoadOptions raw() { return new LoadOptions(KeyMapping.none(), false, null, true); }

    public LoadOptions withKeyMapping(KeyMapping m) { return new LoadOptions(m, widenHalf, stateDictKey, verifyChecksums); }

    public LoadOptions withWidenHalf(boolean w) { return new LoadOptions(keyMapping, w, stateDictKey, verifyChecksums); }

    public LoadOptions withStateDictKey(String k) { return new LoadOptions(keyMapping, widenHalf, k, verifyChecksums); }

    public LoadOptions withVerifyChecksums(boolean v) { return new LoadOptions(keyMapping, widenHalf, stateDictKey, v); }
}
