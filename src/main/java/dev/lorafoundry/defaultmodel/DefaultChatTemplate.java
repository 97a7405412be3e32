package dev.lorafoundry.defaultmodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The default model's chat template: ChatML with tools the Qwen3/Hermes way (a tools block in the system turn, calls as
 * {@code <tool_call>\n{"name": …, "arguments": …}\n</tool_call>}, results as {@code <tool_response>} blocks in a user
 * turn), without Qwen3's thinking blocks. Kept as a .jinja resource so the Python golden script renders the same file.
 */
public final class DefaultChatTemplate {

    /** Where the template lives on the class path (and, from the project root, under src/main/resources). */
    public static final String RESOURCE = "dev/lorafoundry/defaultmodel/chat_template.jinja";

    private DefaultChatTemplate() {}

    /** The Jinja source. */
    public static String source() {
        try (InputStream in = DefaultChatTemplate.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path; rebuild the project");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
