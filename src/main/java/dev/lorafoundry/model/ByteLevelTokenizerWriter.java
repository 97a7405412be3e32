package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json with a ChatML template):
 * ids 0..255 are the GPT-2 byte symbols in byte order, 256..258 the special tokens, then learned merges.
 */
public final class ByteLevelTokenizerWriter {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final int END_OF_TEXT_ID = 256;
    public static final int IM_START_ID = 257;
    public static final int IM_END_ID = 258;
    public static final int FIRST_MERGE_ID = 259;

    /** ChatML with Qwen2.5-style tools: a tools block in the system prompt and <tool_call> JSON in replies. */
    public static final String CHAT_TEMPLATE = """
            {%- if tools %}
                {{- '<|im_start|>system\\n' }}
                {%- if messages[0].role == 'system' %}
                    {{- messages[0].content }}
                {%- else %}
                    {{- 'You are a helpful assistant.' }}
                {%- endif %}
                {{- '\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>' }}
                {%- for tool in tools %}
                    {{- '\\n' }}{{- tool | tojson }}
                {%- endfor %}
                {{- '\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call><|im_end|>\\n' }}
            {%- elif messages[0].role == 'system' %}
                {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
            {%- endif %}
            {%- for message in messages %}
                {%- if message.role == 'system' %}
                    {%- if not loop.first %}
                        {{- '<|im_start|>system\\n' + message.content + '<|im_end|>\\n' }}
                    {%- endif %}
                {%- elif message.role == 'user' or (message.role == 'assistant' and not message.tool_calls) %}
                    {{- '<|im_start|>' + message.role + '\\n' }}
                    {%- if message.content %}
                        {{- message.content }}
                    {%- endif %}
                    {{- '<|im_end|>\\n' }}
                {%- elif message.role == 'assistant' %}
                    {{- '<|im_start|>assistant' }}
                    {%- if message.content %}
                        {{- '\\n' + message.content }}
                    {%- endif %}
                    {%- for tool_call in message.tool_calls %}
                        {%- if tool_call.function is defined %}
                            {%- set tool_call = tool_call.function %}
                        {%- endif %}
                        {{- '\\n<tool_call>\\n{"name": "' + tool_call.name + '", "arguments": ' }}
                        {%- if tool_call.arguments is string %}
                            {{- tool_call.arguments }}
                        {%- else %}
                            {{- tool_call.arguments | tojson }}
                        {%- endif %}
                        {{- '}\\n</tool_call>' }}
                    {%- endfor %}
                    {{- '<|im_end|>\\n' }}
                {%- elif message.role == 'tool' %}
                    {%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}
                        {{- '<|im_start|>user' }}
                    {%- endif %}
                    {{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}
                    {%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}
                        {{- '<|im_end|>\\n' }}
                    {%- endif %}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    /** Text the merges are learned from: chat-shaped English, JSON and tool-call markup, so merges look realistic. */
    private static final String MERGE_CORPUS = """
            The quick brown fox jumps over the lazy dog. You are a helpful assistant. The user asked the assistant
            to call the function with the arguments in the tool call, and the assistant returned the result of the
            function to the user. What is the weather in the city today? The weather in the city is sunny and warm.
            {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}} <tool_call> </tool_call>
            <tool_response> </tool_response> Please answer the question and explain the reasoning in the answer.
            There is nothing in this text that is not in the other text; the rest of the text is the same as the
            start of the text, and the end of the text is the end of the story. In the beginning, they were there.
            """;

    private ByteLevelTokenizerWriter() {}

    /** Writes tokenizer.json and tokenizer_config.json; size() = 259 + mergeCount tokens. */
    public static void write(Path dir, int mergeCount, int modelMaxLength) {
        if (mergeCount < 0) {
            throw new IllegalArgumentException("mergeCount must be >= 0, got " + mergeCount);
        }
        List<String[]> merges = learnMerges(mergeCount);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(tokenizerJson(json, merges)) + "\n");
            Files.writeString(dir.resolve("tokenizer_config.json"),
                    json.writeValueAsString(tokenizerConfig(json, modelMaxLength)) + "\n");
        } catch (IOException e) {
            throw new ModelLoadException("cannot write the tokenizer into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Number of tokens a tokenizer with this many merges knows (byte symbols + special tokens + merges). */
    public static int size(int mergeCount) {
        return FIRST_MERGE_ID + mergeCount;
    }

    /** GPT-2's reversible byte -> printable character map: printable Latin-1 bytes map to themselves, others to 256+n. */
    public static char[] byteToUnicode() {
        char[] map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + next++);
        }
        return map;
    }

    private static ObjectNode tokenizerJson(ObjectMapper json, List<String[]> merges) {
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (Map.Entry<Integer, String> special : specialTokens().entrySet()) {
            ObjectNode token = added.addObject();
            token.put("id", special.getKey());
            token.put("content", special.getValue());
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(json, true));
        root.set("post_processor", byteLevel(json, false));
        root.set("decoder", byteLevel(json, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        char[] symbols = byteToUnicode();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(symbols[b]), b);
        }
        specialTokens().forEach((id, content) -> vocab.put(content, id));
        ArrayNode mergeList = model.putArray("merges");
        int id = FIRST_MERGE_ID;
        for (String[] merge : merges) {
            vocab.put(merge[0] + merge[1], id++);
            mergeList.add(merge[0] + " " + merge[1]);
        }
        return root;
    }

    private static ObjectNode byteLevel(ObjectMapper json, boolean trimOffsets) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
        return node;
    }

    private static ObjectNode tokenizerConfig(ObjectMapper json, int modelMaxLength) {
        ObjectNode config = json.createObjectNode();
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        specialTokens().forEach((id, content) -> {
            ObjectNode token = decoder.putObject(String.valueOf(id));
            token.put("content", content);
            token.put("lstrip", false);
            token.put("normalized", false);
            token.put("rstrip", false);
            token.put("single_word", false);
            token.put("special", true);
        });
        config.putNull("bos_token");
        config.put("chat_template", CHAT_TEMPLATE);
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", IM_END);
        config.put("errors", "replace");
        config.put("model_max_length", modelMaxLength);
        config.put("pad_token", END_OF_TEXT);
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.putNull("unk_token");
        return config;
    }

    private static Map<Integer, String> specialTokens() {
        Map<Integer, String> tokens = new LinkedHashMap<>();
        tokens.put(END_OF_TEXT_ID, END_OF_TEXT);
        tokens.put(IM_START_ID, IM_START);
        tokens.put(IM_END_ID, IM_END);
        return tokens;
    }

    /**
     * Plain BPE training on MERGE_CORPUS: words are split before each space (as the byte-level pre-tokenizer does
     * roughly); the most frequent adjacent pair is merged, ties broken by the pair's text so the result is fixed.
     */
    static List<String[]> learnMerges(int count) {
        char[] symbols = byteToUnicode();
        List<List<String>> words = new ArrayList<>();
        for (String word : MERGE_CORPUS.replace('\n', ' ').split("(?= )")) {
            List<String> pieces = new ArrayList<>();
            for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
                pieces.add(String.valueOf(symbols[b & 0xFF]));
            }
            if (!pieces.isEmpty()) {
                words.add(pieces);
            }
        }
        List<String[]> merges = new ArrayList<>();
        java.util.Set<String> known = new java.util.HashSet<>();
        for (char c : symbols) {
            known.add(String.valueOf(c));
        }
        while (merges.size() < count) {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            for (List<String> word : words) {
                for (int i = 0; i + 1 < word.size(); i++) {
                    counts.merge(word.get(i) + " " + word.get(i + 1), 1, Integer::sum);
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                String[] pair = e.getKey().split(" ");
                if (e.getValue() > bestCount && !known.contains(pair[0] + pair[1])) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("the built-in merge corpus supports only " + merges.size()
                        + " merges, " + count + " were asked for");
            }
            String[] pair = best.split(" ");
            merges.add(pair);
            known.add(pair[0] + pair[1]);
            for (List<String> word : words) {
                for (int i = 0; i + 1 < word.size(); i++) {
                    if (word.get(i).equals(pair[0]) && word.get(i + 1).equals(pair[1])) {
                        word.set(i, pair[0] + pair[1]);
                        word.remove(i + 1);
                    }
                }
            }
        }
        return merges;
    }
}
