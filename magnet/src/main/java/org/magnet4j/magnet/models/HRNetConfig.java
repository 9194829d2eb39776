package org.magnet4j.magnet.models;

/**
 * Widths and depths of an HRNet: stage 1 is {@code stage1Blocks} bottlenecks of 64 planes (256 channels
 * out); stages 2-4 are {@link Stage}s of BasicBlock branches.
 */
public record HRNetConfig(String name, int stage1Blocks, Stage stage2, Stage stage3, Stage stage4) {
    /** {@code modules} HighResolutionModules, each with {@code blocks} BasicBlocks per branch of the given widths. */
    public record Stage(int modules, int blocks, int... channels) {
        public int branches() { return channels.length; }
    }

    /** HRNet-W18-small-v2: 2 bottlenecks; 18/36/72/144 channels, 2 blocks, 1/3/2 modules. */
    public static HRNetConfig w18SmallV2() {
        return new HRNetConfig("hrnet18", 2, new Stage(1, 2, 18, 36), new Stage(3, 2, 18, 36, 72), new Stage(2, 2, 18, 36, 72, 144));
    }

    /** HRNet-W48: 4 bottlenecks; 48/96/192/384 channels, 4 blocks, 1/4/3 modules. */
    public static HRNetConfig w48() {
        return new HRNetConfig("hrnet48", 4, new Stage(1, 4, 48, 96), new Stage(4, 4, 48, 96, 192), new Stage(3, 4, 48, 96, 192, 384));
    }

    /** Channels of the concatenated head input (sum of the last stage's widths). */
    public int headChannels() {
        int s = 0;
        for (int c : stage4.channels()) s += c;
        return s;
    }
}
