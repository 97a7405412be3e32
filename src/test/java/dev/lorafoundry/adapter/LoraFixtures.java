package dev.lorafoundry.adapter;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.model.NumericsFixtures;
import dev.lorafoundry.model.RandomModelWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: the base model + random LoRA adapter pairs of golden/lora/fixtures.json. Each base is a numerics
 * fixture model (golden/numerics/fixtures.json); {@link Fixture#writeTo} writes both into parent/name/.
 */
public final class LoraFixtures {

    public static final String RESOURCE = "/golden/lora/fixtures.json";
    public static final String BASE_FOLDER = "base-model";
    public static final String ADAPTER_FOLDER = "adapter";

    /** Where one fixture was written: the base model folder and the adapter folder. */
    public record Folders(Path base, Path adapter) {}

    /**
     * One fixture: the base numerics fixture's name, the adapter spec, the prompt and how many greedy tokens the
     * goldens hold.
     */
    public record Fixture(String name, String base, RandomAdapterSpec adapter, int[] promptIds, int greedyTokens) {

        public NumericsFixtures.Fixture baseFixture() {
            return NumericsFixtures.named(base);
        }

        /** Writes parent/name/base-model and parent/name/adapter (the paths the goldens' sha256s are relative to). */
        public Folders writeTo(Path parent) {
            Path dir = parent.resolve(name);
            Path baseDir = dir.resolve(BASE_FOLDER);
            Path adapterDir = dir.resolve(ADAPTER_FOLDER);
            RandomModelWriter.write(baseFixture().spec(), baseDir);
            RandomAdapterWriter.write(adapter, baseDir, adapterDir);
            return new Folders(baseDir, adapterDir);
        }
    }

    private LoraFixtures() {}

    public static List<Fixture> all() {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = LoraFixtures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            List<Fixture> fixtures = new ArrayList<>();
            for (JsonNode entry : json.readTree(in)) {
                fixtures.add(new Fixture(entry.get("name").asText(), entry.get("base").asText(),
                        json.treeToValue(entry.get("adapter"), RandomAdapterSpec.class),
                        json.treeToValue(entry.get("promptIds"), int[].class), entry.get("greedyTokens").asInt()));
            }
            return fixtures;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public static Fixture named(String name) {
        return all().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture named " + name + " in " + RESOURCE));
    }

    /** Writes every fixture under the folder given as the first argument (for tools/reference/make_lora_goldens.py). */
    public static void main(String[] args) {
        all().forEach(f -> f.writeTo(Path.of(args[0])));
    }
}
