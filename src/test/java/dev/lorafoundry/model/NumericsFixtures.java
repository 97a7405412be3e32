package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: the random models of golden/numerics/fixtures.json, and writing each into a folder. */
public final class NumericsFixtures {

    public static final String RESOURCE = "/golden/numerics/fixtures.json";

    /** One fixture: the model spec, the prompt's token ids and how many greedy tokens the goldens hold. */
    public record Fixture(RandomModelSpec spec, int[] promptIds, int greedyTokens) {
        public String name() {
            return spec.name();
        }

        /** Writes this fixture's model folder under parent/name and returns it. */
        public Path writeTo(Path parent) {
            Path dir = parent.resolve(spec.name());
            RandomModelWriter.write(spec, dir);
            return dir;
        }
    }

    private NumericsFixtures() {}

    public static List<Fixture> all() {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = NumericsFixtures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            List<Fixture> fixtures = new ArrayList<>();
            for (JsonNode entry : json.readTree(in)) {
                RandomModelSpec spec = json.treeToValue(entry.get("spec"), RandomModelSpec.class);
                int[] prompt = json.treeToValue(entry.get("promptIds"), int[].class);
                fixtures.add(new Fixture(spec, prompt, entry.get("greedyTokens").asInt()));
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

    /** Writes every fixture model under parent (one folder per fixture name). */
    public static void writeAll(Path parent) {
        all().forEach(f -> f.writeTo(parent));
    }

    /** Writes all fixtures into the folder given as the first argument (for the Python golden scripts). */
    public static void main(String[] args) {
        writeAll(Path.of(args[0]));
    }
}
