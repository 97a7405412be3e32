package dev.lorafoundry.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** A Hugging Face tokenizer.json (through DJL's bindings, truncation off) plus tokenizer_config.json. */
public final class Tokenizer implements AutoCloseable {

    static final String TOKENIZER_FILE_NAME = "tokenizer.json";

    private final HuggingFaceTokenizer native_;
    private final Vocabulary vocabulary;
    private final TokenizerConfigFile config;

    private Tokenizer(HuggingFaceTokenizer nativeTokenizer, Vocabulary vocabulary, TokenizerConfigFile config) {
        this.native_ = nativeTokenizer;
        this.vocabulary = vocabulary;
        this.config = config;
    }

    /** Loads tokenizer.json and tokenizer_config.json from a model folder. */
    public static Tokenizer load(Path modelDir) {
        if (modelDir == null || !Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("tokenizer folder " + modelDir + " does not exist or is not a directory; "
                    + "point the model path at a Hugging Face model folder");
        }
        Path file = modelDir.resolve(TOKENIZER_FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is missing; a Hugging Face model folder needs tokenizer.json "
                    + "(save it with tokenizer.save_pretrained or copy it from the model repository)");
        }
        ObjectMapper json = new ObjectMapper();
        TokenizerConfigFile config = TokenizerConfigFile.read(modelDir, json);
        JsonNode root;
        try {
            root = json.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON (" + TokenizerConfigFile.firstLine(e)
                    + "); re-download the tokenizer files of this model", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " must hold a JSON object; re-download the tokenizer files of this model");
        }
        Vocabulary vocabulary = Vocabulary.fromTokenizerJson(root, config.addedTokens(), file);
        return new Tokenizer(openNative(file), vocabulary, config);
    }

    private static HuggingFaceTokenizer openNative(Path file) {
        // DJL truncates to 512 tokens and may pad unless told otherwise; prompts can be far longer.
        Map<String, String> options = new HashMap<>();
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("addSpecialTokens", "true");
        try {
            return HuggingFaceTokenizer.newInstance(file, options);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " could not be loaded by the tokenizers library ("
                    + TokenizerConfigFile.firstLine(e) + "); check that it is a complete Hugging Face tokenizer.json", e);
        }
    }

    /** Token ids of text; addSpecialTokens adds what the tokenizer's post-processor adds (e.g. BOS). */
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = native_.encode(text, addSpecialTokens, false).getIds();
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = (int) ids[i];
        }
        return result;
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return native_.decode(longs, skipSpecialTokens);
    }

    /** The text of one token alone, as shown in log-probs (partial UTF-8 shown as OpenAI does). */
    public String tokenString(int id) {
        byte[] bytes = tokenBytes(id);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder shown = new StringBuilder("bytes:");
            for (byte b : bytes) {
                shown.append(String.format("\\x%02x", b & 0xff));
            }
            return shown.toString();
        }
    }

    /** The raw UTF-8 bytes one token contributes to text (OpenAI's log-prob "bytes" field). */
    public byte[] tokenBytes(int id) {
        return vocabulary.bytes(id);
    }

    /** The token as spelled in the vocabulary (e.g. "Ġworld" for byte-level BPE), or null for an unknown id. */
    public String vocabularyToken(int id) {
        return vocabulary.token(id);
    }

    public OptionalInt tokenId(String token) {
        Integer id = token == null ? null : vocabulary.id(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Number of tokens the tokenizer knows (may be below the model's vocab_size). */
    public int vocabSize() {
        return vocabulary.size();
    }

    public String bosToken() {
        return config.bosToken();
    }

    public String eosToken() {
        return config.eosToken();
    }

    public OptionalInt eosTokenId() {
        return tokenId(config.eosToken());
    }

    /** The padding token from tokenizer_config.json, or null. */
    public String padToken() {
        return config.padToken();
    }

    /** add_bos_token from tokenizer_config.json (what slow HF tokenizers prepend; the post-processor already does it for fast ones). */
    public boolean addBosToken() {
        return config.addBosToken();
    }

    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    /** The chat_template from tokenizer_config.json, or null. */
    public String chatTemplateSource() {
        return config.chatTemplate();
    }

    @Override
    public void close() {
        native_.close();
    }
}
