package dev.lorafoundry.defaultmodel;

/** The arithmetic the default model learns, with the symbol its answers use and the word questions use. */
public enum Operation {
    PLUS("+", "plus"),
    MINUS("-", "minus"),
    TIMES("×", "times");

    public final String symbol;
    public final String word;

    Operation(String symbol, String word) {
        this.symbol = symbol;
        this.word = word;
    }
}
