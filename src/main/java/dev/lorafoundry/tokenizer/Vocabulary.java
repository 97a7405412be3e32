package dev.lorafoundry.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The id/token tables of tokenizer.json (model vocab plus added tokens), which DJL's bindings do not
 * expose, and the raw bytes each token stands for.
 */
final class Vocabulary {

    /** How the vocabulary spells bytes, read from the tokenizer's decoder. */
    private enum Spelling { BYTE_LEVEL, SENTENCE_PIECE, PLAIN }

    private final String[] tokenById;
    private final Map<String, Integer> idByToken;
    private final BitSet special;
    private final BitSet added;
    private final Spelling spelling;

    private Vocabulary(String[] tokenById, Map<String, Integer> idByToken, BitSet special, BitSet added, Spelling spelling) {
        this.tokenById = tokenById;
        this.idByToken = idByToken;
        this.special = special;
        this.added = added;
        this.spelling = spelling;
    }

    static Vocabulary fromTokenizerJson(JsonNode root, Map<Integer, TokenizerConfigFile.AddedToken> configAdded, Path file) {
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                ids.put(entry.getKey(), entry.getValue().asInt());
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], the id is the position
            int id = 0;
            for (JsonNode piece : vocab) {
                ids.put(piece.path(0).asText(), id++);
            }
        } else {
            throw new IllegalArgumentException(file + " has no model.vocab; it is not a Hugging Face tokenizer.json");
        }
        Map<Integer, String> addedTokens = new HashMap<>();
        BitSet special = new BitSet();
        for (JsonNode token : root.path("added_tokens")) {
            int id = token.path("id").asInt();
            addedTokens.put(id, token.path("content").asText());
            if (token.path("special").asBoolean(false)) {
                special.set(id);
            }
        }
        configAdded.forEach((id, token) -> {
            addedTokens.putIfAbsent(id, token.content());
            if (token.special()) {
                special.set(id);
            }
        });
        int maxId = -1;
        for (int id : ids.values()) {
            maxId = Math.max(maxId, id);
        }
        for (int id : addedTokens.keySet()) {
            maxId = Math.max(maxId, id);
        }
        String[] byId = new String[maxId + 1];
        ids.forEach((token, id) -> byId[id] = token);
        BitSet added = new BitSet();
        addedTokens.forEach((id, token) -> {
            byId[id] = token;
            ids.put(token, id);
            added.set(id);
        });
        return new Vocabulary(byId, ids, special, added, spelling(root.path("decoder")));
    }

    private static Spelling spelling(JsonNode decoder) {
        String text = decoder.toString();
        if (text.contains("\"ByteLevel\"")) {
            return Spelling.BYTE_LEVEL;
        }
        if (text.contains("\"ByteFallback\"") || text.contains("\"Metaspace\"") || text.contains("\u2581")) {
            return Spelling.SENTENCE_PIECE;
        }
        return Spelling.PLAIN;
    }

    /** Distinct token ids known (model vocab plus added tokens). */
    int size() {
        int count = 0;
        for (String token : tokenById) {
            count += token == null ? 0 : 1;
        }
        return count;
    }

    Integer id(String token) {
        return idByToken.get(token);
    }

    /** The token as spelled in the vocabulary (e.g. "Ġworld"), or null for an unknown id. */
    String token(int id) {
        return id >= 0 && id < tokenById.length ? tokenById[id] : null;
    }

    boolean isSpecial(int id) {
        return id >= 0 && special.get(id);
    }

    /** The bytes this token contributes to decoded text. */
    byte[] bytes(int id) {
        String token = token(id);
        if (token == null) {
            // Models pad their embedding past the tokenizer (Qwen: 151936 rows, 151669 tokens); such ids have no text.
            return new byte[0];
        }
        if (added.get(id) || spelling == Spelling.PLAIN) {
            return token.getBytes(StandardCharsets.UTF_8);
        }
        if (spelling == Spelling.SENTENCE_PIECE) {
            if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
                return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
            }
            return token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            int b = ByteLevelAlphabet.byteOf(token.charAt(i));
            if (b < 0) { // not byte-level spelled: keep the character as it is
                out.writeBytes(String.valueOf(token.charAt(i)).getBytes(StandardCharsets.UTF_8));
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
