package dev.governor.examples.diagnose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The plugin's folder: unique file names, and at most {@code maxFiles} files of at most {@code maxBytes}
 * together, the oldest removed first. Only files this plugin names are counted or removed; anything else
 * in the folder is left alone. Thread-safe.
 */
final class Retention {

    /** {@code TARGET-KIND-STAMP[-N].EXT}, as {@link DiagnoseHandler} names them. */
    static final Pattern OWN = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9_.\\-]*-(histogram|threads|jfr)-\\d{8}T\\d{6}\\.\\d{3}Z(-\\d+)?\\.(txt|txt\\.xz|jfr)");

    /** What pruning removed, for the outcome. */
    record Pruned(int files, long bytes) {
        String note() {
            return files == 0 ? "" : "; removed the " + files + " oldest file(s), " + bytes + " bytes, to keep within maxFiles and maxBytes";
        }
    }

    private final Path dir;
    private final int maxFiles;
    private final long maxBytes;
    private final Object lock = new Object();

    Retention(Path dir, int maxFiles, long maxBytes) {
        this.dir = dir;
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
    }

    /** A name no file has yet: {@code baseName + extension}, or with {@code -2}, {@code -3}... before the extension. */
    Path reserve(String baseName, String extension) throws IOException {
        synchronized (lock) {
            for (int n = 1; ; n++) {
                Path file = dir.resolve(baseName + (n == 1 ? "" : "-" + n) + extension);
                Path partial = file.resolveSibling(file.getFileName() + ".partial");
                if (!Files.exists(file) && !Files.exists(partial)) {
                    Files.createFile(partial);
                    if (extension.equals(".jfr")) {
                        // JFR writes the file itself when the recording ends; the marker only held the name.
                        Files.delete(partial);
                    }
                    return file;
                }
            }
        }
    }

    /** Removes the oldest of this plugin's files until they fit; never {@code keep}. */
    Pruned prune(Path keep) {
        synchronized (lock) {
            List<Path> own;
            try (Stream<Path> list = Files.list(dir)) {
                own = new ArrayList<>(list.filter(p -> OWN.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                        .sorted(Comparator.comparing(Retention::modified).thenComparing(Path::toString))
                        .toList());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
            // The file just named counts even before it exists (a JFR recording is written when it ends).
            int count = own.contains(keep) ? own.size() : own.size() + 1;
            long total = own.stream().mapToLong(Retention::size).sum();
            int removed = 0;
            long removedBytes = 0;
            for (Path oldest : own) {
                if (count <= maxFiles && total <= maxBytes) {
                    break;
                }
                if (oldest.equals(keep)) {
                    continue;
                }
                long size = size(oldest);
                try {
                    Files.deleteIfExists(oldest);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove " + oldest + " to keep within maxFiles", e);
                }
                count--;
                total -= size;
                removed++;
                removedBytes += size;
            }
            return new Pruned(removed, removedBytes);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
