package dev.lorafoundry.defaultmodel;

import dev.lorafoundry.training.data.Conversation;

import java.util.List;

/**
 * What {@link ConversationGenerator} made.
 *
 * @param training the SFT conversations (the shipped prompts that are not held out are among them)
 * @param shipped  the shipped prompts with their expected answers
 */
public record GeneratedChats(List<Conversation> training, List<ShippedPrompt> shipped) {

    public GeneratedChats {
        training = List.copyOf(training);
        shipped = List.copyOf(shipped);
    }
}
