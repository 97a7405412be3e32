package dev.lorafoundry.defaultmodel;

import java.util.List;

/**
 * The tokens the default model's tokenizer keeps whole and never merges, in id order after the learned vocabulary.
 * The ChatML markers are special (dropped when decoding with skip_special_tokens); the tool-call and tool-response
 * tags are not, as in Qwen's tokenizers, so a decoded answer still shows the {@code <tool_call>} the parser looks for.
 */
public final class SpecialTokens {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String TOOL_CALL = "<tool_call>";
    public static final String TOOL_CALL_END = "</tool_call>";
    public static final String TOOL_RESPONSE = "<tool_response>";
    public static final String TOOL_RESPONSE_END = "</tool_response>";

    /** One added token and whether it is special (skipped when decoding with skip_special_tokens). */
    public record AddedToken(String content, boolean special) {}

    /** All added tokens, in id order. */
    public static final List<AddedToken> ALL = List.of(
            new AddedToken(END_OF_TEXT, true),
            new AddedToken(IM_START, true),
            new AddedToken(IM_END, true),
            new AddedToken(TOOL_CALL, false),
            new AddedToken(TOOL_CALL_END, false),
            new AddedToken(TOOL_RESPONSE, false),
            new AddedToken(TOOL_RESPONSE_END, false));

    private SpecialTokens() {}
}
