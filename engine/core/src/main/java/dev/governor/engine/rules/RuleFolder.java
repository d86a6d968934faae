package dev.governor.engine.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What the {@code *.drl} files of a rules folder, and its {@code params.yaml}, look like at one moment: each
 * file's size, modification time and a checksum of its content. Two snapshots are equal when no rule file was added, removed or
 * changed in between.
 *
 * <p>The content checksum is what makes this reliable: a modification time alone misses an edit that keeps
 * the size within the file system's time granularity (a threshold changed from 5 to 7 twice in a second),
 * and some mounted volumes do not deliver change notifications at all. Reading a folder of rule files once a
 * second costs well under a millisecond.
 *
 * @param exists false when the folder is missing or cannot be listed
 * @param files  each rule file's state, by file name, in name order
 */
public record RuleFolder(boolean exists, Map<String, FileState> files) {

    /** One file: size in bytes, modification time in epoch milliseconds, CRC32C of the content (-1 if unreadable). */
    public record FileState(long size, long modified, long checksum) {
    }

    public RuleFolder {
        files = Collections.unmodifiableMap(new TreeMap<>(files)); // sorted by name, for the log
    }

    /** The folder as it is now. Never throws: a folder or file that cannot be read is part of the state. */
    public static RuleFolder scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            return new RuleFolder(false, Map.of());
        }
        Map<String, FileState> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(RuleFolder::isRuleFile).toList()) {
                if (Files.isRegularFile(file)) {
                    files.put(file.getFileName().toString(), state(file));
                }
            }
        } catch (IOException | RuntimeException e) {
            return new RuleFolder(false, Map.of());
        }
        return new RuleFolder(true, files);
    }

    /** A rule file, or the folder's params (their defaults change what the rules decide, too). */
    private static boolean isRuleFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".drl") || name.equals(RuleParamsFile.FILE_NAME);
    }

    private static FileState state(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            CRC32C crc = new CRC32C();
            crc.update(content);
            return new FileState(content.length, Files.getLastModifiedTime(file).toMillis(), crc.getValue());
        } catch (IOException e) {
            // Deleted or replaced while being read: the next scan sees how it ends up.
            return new FileState(-1, -1, -1);
        }
    }

    /** What changed since {@code before}, for the log: {@code pool.drl changed, new.drl added, old.drl removed}. */
    public List<String> changesSince(RuleFolder before) {
        List<String> changes = new ArrayList<>();
        if (!exists) {
            changes.add("the folder is gone");
            return changes;
        }
        if (!before.exists) {
            changes.add("the folder is back");
        }
        files.forEach((name, state) -> {
            FileState old = before.files.get(name);
            if (old == null) {
                changes.add(name + " added");
            } else if (!old.equals(state)) {
                changes.add(name + " changed");
            }
        });
        before.files.keySet().stream().filter(name -> !files.containsKey(name)).forEach(name -> changes.add(name + " removed"));
        return changes;
    }
}
