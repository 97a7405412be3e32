package dev.lorafoundry.defaultmodel;

import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.OpenAiChatReader;
import dev.lorafoundry.training.data.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data steps of bin/make-default-model: byte-identical from one seed, and every conversation fits the model. */
class FoundryPipelineTest {

    private static FoundryPipeline.Options small(Path out) {
        // the identity data set is converted from the shared LLaMA-Factory sample when this machine has it
        Path identity = Path.of("../shared/data/llamafactory/identity.json");
        return new FoundryPipeline.Options(out, 42, 1024, 400, 200_000, 1024, AssistantIdentity.FOUNDRY,
                Files.isRegularFile(identity) ? identity : null, new AssistantIdentity("Nova", "Acme Labs"));
    }

    @Test
    void sameOptionsSameBytes(@TempDir Path first, @TempDir Path second) throws Exception {
        new FoundryPipeline(small(first)).makeData();
        new FoundryPipeline(small(second)).makeData();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(first)) {
            files = walk.filter(Files::isRegularFile).map(first::relativize).sorted().toList();
        }
        assertTrue(files.size() >= 7, files.toString());
        for (Path file : files) {
            assertArrayEquals(Files.readAllBytes(first.resolve(file)), Files.readAllBytes(second.resolve(file)), file.toString());
        }
    }

    @Test
    void everyConversationFitsTheModelAndReadsBack(@TempDir Path out) {
        FoundryPipeline.Outputs outputs = new FoundryPipeline(small(out)).makeData();
        ConversationRenderer renderer = new ConversationRenderer();
        try (Tokenizer tokenizer = Tokenizer.load(outputs.tokenizerDir())) {
            assertEquals(1024, tokenizer.vocabSize());
            List<Path> files = new java.util.ArrayList<>(List.of(outputs.sft(), outputs.pirateSft(), outputs.shipped(),
                    outputs.pirateShipped()));
            if (outputs.identityDemo() != null) {
                files.add(outputs.identityDemo());
            }
            for (Path file : files) {
                ReadResult<Conversation> read = new OpenAiChatReader().read(file);
                assertEquals(List.of(), read.problems(), file.toString());
                int longest = 0;
                long total = 0;
                for (Conversation c : read.records()) {
                    int tokens = tokenizer.encode(renderer.render(c), false).length;
                    longest = Math.max(longest, tokens);
                    total += tokens;
                }
                System.out.printf("%s: %d conversations, %.0f tokens on average, longest %d%n", file.getFileName(),
                        read.records().size(), total / (double) read.records().size(), longest);
                assertTrue(longest <= 1024, file + " has a conversation of " + longest + " tokens");
            }
        }
    }

    @Test
    void optionsAreCheckedWithUsableMessages() {
        var bad = assertThrows(IllegalArgumentException.class, () -> FoundryPipeline.parse(new String[] {"--seed", "x"}));
        assertEquals("--seed needs a whole number, got 'x'", bad.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> FoundryPipeline.parse(new String[] {"--sed", "1"}));
        assertEquals("unknown option --sed", unknown.getMessage());
        var options = FoundryPipeline.parse(new String[] {"--name", "Nova", "--author", "Acme Labs", "--seed", "7"});
        assertEquals(new AssistantIdentity("Nova", "Acme Labs"), options.identity());
        assertEquals(7, options.seed());
    }

    @Test
    void trainingOptionsAreTakenOutAndCheckedWithUsableMessages() {
        List<String> args = new java.util.ArrayList<>(List.of("--out", "x", "--pretrain-steps", "30", "--qk-norm", "false",
                "--sft-lr", "5e-4"));
        TrainingPlan plan = TrainingPlan.take(args);
        assertEquals(List.of("--out", "x"), args, "the pipeline's own options stay for FoundryPipeline.parse");
        assertEquals(30, plan.pretrainSteps());
        assertEquals(false, plan.qkNorm());
        assertEquals(5e-4, plan.sftLr());
        assertEquals(TrainingPlan.defaults().sftEpochs(), plan.sftEpochs());
        for (String[] bad : new String[][] {
                {"--pretrain-steps", "1.5", "--pretrain-steps needs a whole number, got '1.5'"},
                {"--sft-epochs", "many", "--sft-epochs needs a number, got 'many'"},
                {"--qk-norm", "yes", "--qk-norm must be true or false, got 'yes'"},
                {"--dtype", "F16", "--dtype must be F32 or BF16, got 'F16'"}}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> TrainingPlan.take(new java.util.ArrayList<>(List.of(bad[0], bad[1]))));
            assertEquals(bad[2], e.getMessage());
        }
    }
}
