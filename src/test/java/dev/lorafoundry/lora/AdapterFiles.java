package dev.lorafoundry.lora;

import dev.lorafoundry.adapter.RandomAdapterSpec;
import dev.lorafoundry.adapter.RandomAdapterWriter;
import dev.lorafoundry.testsupport.TinyModelResource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Random adapters for the tiny test model, and zips of adapter folders, for the adapter tests. */
final class AdapterFiles {

    static final Path ROOT = Path.of("target/test-lora");

    private AdapterFiles() {}

    /** A rank-4 adapter on q/v (or any spec) written under target/test-lora/{group}/{name}. */
    static Path write(String group, RandomAdapterSpec spec) {
        Path dir = ROOT.resolve(group).resolve(spec.name());
        RandomAdapterWriter.write(spec, TinyModelResource.DIR, dir);
        return dir.toAbsolutePath();
    }

    static Path writeSimple(String group, String name, long seed) {
        return write(group, RandomAdapterSpec.simple(name, 4, List.of("q_proj", "v_proj"), seed));
    }

    /** Zips the given entries (entry name to file); entry names may carry folders, as real zips do. */
    static byte[] zip(Map<String, Path> entries) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, Path> e : entries.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(Files.readAllBytes(e.getValue()));
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] zipFolder(Path dir) {
        return zip(Map.of("my-adapter/adapter_config.json", dir.resolve("adapter_config.json"),
                "my-adapter/adapter_model.safetensors", dir.resolve("adapter_model.safetensors")));
    }
}
