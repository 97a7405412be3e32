package dev.lorafoundry.adapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks an uploaded adapter zip: only {@code adapter_config.json} and {@code adapter_model.safetensors} are taken,
 * by file name wherever they sit in the archive (so no entry path ever reaches the file system), and the unpacked
 * bytes are capped so a zip bomb stops at the upload limit.
 */
public final class AdapterArchive {

    private static final Set<String> WANTED = Set.of(AdapterConfig.FILE_NAME, PeftAdapterReader.WEIGHTS_FILE);

    private AdapterArchive() {}

    /** Writes the adapter's files from the zip into {@code target} (an existing empty folder). */
    public static void unpack(InputStream zip, Path target, long maxBytes) throws IOException {
        Set<String> found = new HashSet<>();
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(zip)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                String fileName = baseName(entry.getName());
                if (entry.isDirectory() || !WANTED.contains(fileName)) {
                    continue;
                }
                if (!found.add(fileName)) {
                    throw new AdapterException(AdapterException.Kind.INVALID, "file",
                            "The zip holds more than one " + fileName + "; upload one adapter per zip");
                }
                total += copyLimited(in, target.resolve(fileName), maxBytes - total);
            }
        } catch (java.util.zip.ZipException e) {
            throw new AdapterException(AdapterException.Kind.INVALID, "file",
                    "The upload is not a readable zip archive (" + e.getMessage() + ")");
        }
        for (String name : WANTED) {
            if (!found.contains(name)) {
                throw new AdapterException(AdapterException.Kind.INVALID, "file",
                        "The zip has no " + name + "; an adapter zip needs " + String.join(" and ", WANTED.stream().sorted().toList()));
            }
        }
    }

    /** Copies at most {@code budget} bytes; more is a {@link AdapterException.Kind#TOO_LARGE} error. */
    public static long copyLimited(InputStream in, Path file, long budget) throws IOException {
        long written = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                written += n;
                if (written > budget) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        return written;
    }

    static AdapterException tooLarge() {
        return new AdapterException(AdapterException.Kind.TOO_LARGE, "file",
                "The adapter upload is larger than lorafoundry.adapters.max-upload-bytes allows; raise that limit or"
                        + " upload a smaller adapter");
    }

    private static String baseName(String entryName) {
        String name = entryName.replace('\\', '/');
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
