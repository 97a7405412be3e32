package dev.lorafoundry.model;

import java.util.Arrays;
import java.util.Optional;

/** The element types of the safetensors format, with their sizes and the float conversions we support. */
public enum SafetensorsDtype {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false), U8(1, false), BOOL(1, false),
    F8_E4M3(1, false), F8_E5M2(1, false);

    private final int bytes;
    private final boolean readableAsFloat;

    SafetensorsDtype(int bytes, boolean readableAsFloat) {
        this.bytes = bytes;
        this.readableAsFloat = readableAsFloat;
    }

    public int bytes() {
        return bytes;
    }

    public boolean readableAsFloat() {
        return readableAsFloat;
    }

    /** F32, BF16 and F16 are the dtypes we write. */
    public boolean writable() {
        return this == F32 || this == BF16 || this == F16;
    }

    public static Optional<SafetensorsDtype> parse(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    /** Parses a dtype we can write, or explains which ones are accepted. */
    public static SafetensorsDtype parseWritable(String name) {
        return parse(name).filter(SafetensorsDtype::writable).orElseThrow(() -> new ModelLoadException(
                "dtype '" + name + "' cannot be written: use F32, BF16 or F16"));
    }

    /** Round-to-nearest-even float32 -> bfloat16 bits, as torch does; NaN stays a quiet NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The HF torch_dtype name for this dtype. */
    public String torchDtype() {
        return switch (this) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            case F64 -> "float64";
            default -> throw new IllegalStateException("no torch float dtype for " + this);
        };
    }
}
