package dev.lorafoundry.defaultmodel;

/**
 * Who the generated assistant says it is.
 *
 * @param name   what it calls itself ("Foundry")
 * @param author who made it ("LoRA Foundry")
 */
public record AssistantIdentity(String name, String author) {

    /** The default model's identity. */
    public static final AssistantIdentity FOUNDRY = new AssistantIdentity("Foundry", "LoRA Foundry");

    public AssistantIdentity {
        if (name == null || name.isBlank() || author == null || author.isBlank()) {
            throw new IllegalArgumentException("the assistant needs a name and an author, got name=" + name + ", author=" + author);
        }
    }
}
