package dev.lorafoundry.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What we need from tokenizer_config.json (and a sibling chat_template.jinja): special tokens,
 * the chat template, and the added-token table.
 */
record TokenizerConfigFile(String bosToken, String eosToken, String padToken, boolean addBosToken,
                           String chatTemplate, Map<Integer, AddedToken> addedTokens) {

    /** One entry of added_tokens_decoder. */
    record AddedToken(String content, boolean special) {}

    static final String FILE_NAME = "tokenizer_config.json";
    private static final String TEMPLATE_FILE_NAME = "chat_template.jinja";

    /** An absent tokenizer_config.json is allowed (HF tolerates it): no special tokens, no template. */
    static TokenizerConfigFile read(Path modelDir, ObjectMapper json) {
        Path file = modelDir.resolve(FILE_NAME);
        JsonNode root = json.createObjectNode();
        if (Files.isRegularFile(file)) {
            try {
                root = json.readTree(file.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not valid JSON (" + firstLine(e) + "); "
                        + "re-download the tokenizer files of this model", e);
            }
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + " must hold a JSON object; re-download the tokenizer files of this model");
            }
        }
        String template = chatTemplate(root.get("chat_template"), file);
        Path templateFile = modelDir.resolve(TEMPLATE_FILE_NAME);
        if (template == null && Files.isRegularFile(templateFile)) {
            try {
                template = Files.readString(templateFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + templateFile + ": " + e.getMessage(), e);
            }
        }
        return new TokenizerConfigFile(tokenContent(root.get("bos_token")), tokenContent(root.get("eos_token")),
                tokenContent(root.get("pad_token")), root.path("add_bos_token").asBoolean(false), template,
                addedTokens(root.get("added_tokens_decoder"), file));
    }

    /** Special tokens are written either as plain strings or as {"content": ...} objects. */
    private static String tokenContent(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    /** chat_template is a string, or a list of {"name", "template"} of which "default" is the chat one. */
    private static String chatTemplate(JsonNode node, Path file) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            String first = null;
            for (JsonNode entry : node) {
                String template = entry.path("template").asText(null);
                if ("default".equals(entry.path("name").asText())) {
                    return template;
                }
                first = first == null ? template : first;
            }
            return first;
        }
        throw new IllegalArgumentException(file + ": chat_template must be a string or a list of {\"name\", \"template\"} objects");
    }

    private static Map<Integer, AddedToken> addedTokens(JsonNode node, Path file) {
        Map<Integer, AddedToken> tokens = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return tokens;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            try {
                tokens.put(Integer.parseInt(entry.getKey()),
                        new AddedToken(entry.getValue().path("content").asText(), entry.getValue().path("special").asBoolean(false)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": added_tokens_decoder key '" + entry.getKey() + "' is not a token id", e);
            }
        }
        return tokens;
    }

    static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
