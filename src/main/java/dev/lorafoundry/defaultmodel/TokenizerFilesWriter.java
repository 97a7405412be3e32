package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a trained {@link BpeModel} as a Hugging Face tokenizer: tokenizer.json (BPE model, Qwen's split regex then
 * byte-level pre-tokenizer, byte-level decoder, the added tokens after the learned ones) and tokenizer_config.json
 * (no BOS, EOS {@code <|im_end|>}, pad {@code <|endoftext|>}, the {@link DefaultChatTemplate}).
 */
public final class TokenizerFilesWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TokenizerFilesWriter() {}

    /** Writes both files into dir (created if needed); returns the total vocabulary size. */
    public static int write(BpeModel model, Path dir, int modelMaxLength) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizerJson(model)) + "\n");
            Files.writeString(dir.resolve("tokenizer_config.json"),
                    JSON.writeValueAsString(tokenizerConfig(model, modelMaxLength)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer into " + dir + ": " + e.getMessage(), e);
        }
        return model.size() + SpecialTokens.ALL.size();
    }

    /** The id of an added token in a tokenizer written from this model. */
    public static int addedTokenId(BpeModel model, String content) {
        for (int i = 0; i < SpecialTokens.ALL.size(); i++) {
            if (SpecialTokens.ALL.get(i).content().equals(content)) {
                return model.size() + i;
            }
        }
        throw new IllegalArgumentException(content + " is not one of the added tokens " + SpecialTokens.ALL);
    }

    private static ObjectNode tokenizerJson(BpeModel model) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<SpecialTokens.AddedToken> tokens = SpecialTokens.ALL;
        for (int i = 0; i < tokens.size(); i++) {
            ObjectNode token = added.addObject();
            token.put("id", model.size() + i);
            token.put("content", tokens.get(i).content());
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", tokens.get(i).special());
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", PreTokenizer.PATTERN);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        steps.add(byteLevel());
        root.set("post_processor", byteLevel());
        root.set("decoder", byteLevel());
        ObjectNode bpe = root.putObject("model");
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        bpe.putNull("unk_token");
        bpe.put("continuing_subword_prefix", "");
        bpe.put("end_of_word_suffix", "");
        bpe.put("fuse_unk", false);
        bpe.put("byte_fallback", false);
        bpe.put("ignore_merges", false);
        ObjectNode vocab = bpe.putObject("vocab");
        for (int id = 0; id < model.size(); id++) {
            vocab.put(model.tokens().get(id), id);
        }
        ArrayNode merges = bpe.putArray("merges");
        for (BpeModel.Merge merge : model.merges()) {
            merges.addArray().add(model.tokens().get(merge.left())).add(model.tokens().get(merge.right()));
        }
        return root;
    }

    /** Bytes to symbols only: the split regex before it already cut the words (use_regex off, as Qwen's). */
    private static ObjectNode byteLevel() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", false);
        node.put("use_regex", false);
        return node;
    }

    private static ObjectNode tokenizerConfig(BpeModel model, int modelMaxLength) {
        ObjectNode config = JSON.createObjectNode();
        config.put("add_bos_token", false);
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        List<SpecialTokens.AddedToken> tokens = SpecialTokens.ALL;
        for (int i = 0; i < tokens.size(); i++) {
            ObjectNode token = decoder.putObject(String.valueOf(model.size() + i));
            token.put("content", tokens.get(i).content());
            token.put("lstrip", false);
            token.put("normalized", false);
            token.put("rstrip", false);
            token.put("single_word", false);
            token.put("special", tokens.get(i).special());
        }
        config.putNull("bos_token");
        config.put("chat_template", DefaultChatTemplate.source());
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", SpecialTokens.IM_END);
        config.put("errors", "replace");
        config.put("model_max_length", modelMaxLength);
        config.put("pad_token", SpecialTokens.END_OF_TEXT);
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.putNull("unk_token");
        return config;
    }
}
