package dev.lorafoundry.training.data;

import java.util.Locale;

/** The file formats training data may come in. */
public enum DatasetFormat {
    /** OpenAI chat fine-tuning JSONL: {"messages": [...], "tools": [...]}. */
    OPENAI,
    /** LLaMA-Factory alpaca: instruction, input, output, system, history. */
    ALPACA,
    /** LLaMA-Factory sharegpt: conversations of {from, value} turns. */
    SHAREGPT,
    /** Pre-training text: {"text": ...} records or a .txt file, one document per line. */
    TEXT;

    /** Parses a name as dataset_info.json's "formatting" or a user writes it (openai, alpaca, sharegpt, text). */
    public static DatasetFormat parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "openai" -> OPENAI;
            case "alpaca" -> ALPACA;
            case "sharegpt" -> SHAREGPT;
            case "text", "plain", "pt" -> TEXT;
            default -> throw new DatasetException("unknown data format '" + name + "'; use one of openai, alpaca, sharegpt, text");
        };
    }
}
