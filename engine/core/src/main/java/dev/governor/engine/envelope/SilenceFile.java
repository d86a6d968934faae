package dev.governor.engine.envelope;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Silences in the envelope's state file, for {@code governor silence}: it changes the silences and nothing
 * else, under the lock the running service takes too, so it works whether or not Governor runs. A running
 * Governor sees the change at its next action.
 */
public final class SilenceFile {

    private SilenceFile() {
    }

    /** Adds a silence and returns it, with its new id. */
    public static Silence add(Path stateFile, String typeGlob, String targetGlob, Instant until, String reason, String by, Instant now) {
        if (!until.isAfter(now)) {
            throw new IllegalArgumentException("a silence must end in the future; " + until + " is not after " + now);
        }
        Silence silence = new Silence(newId(), typeGlob, targetGlob, until, reason, by, now);
        edit(stateFile, now, silences -> silences.add(silence));
        return silence;
    }

    /** The silences set at run time that are still in force. */
    public static List<Silence> list(Path stateFile, Instant now) {
        try {
            return StateFile.readSilences(stateFile, now);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Removes a silence; false when the file has none with this id. */
    public static boolean remove(Path stateFile, String id, Instant now) {
        boolean[] removed = new boolean[1];
        edit(stateFile, now, silences -> removed[0] = silences.removeIf(s -> s.id().equals(id)));
        return removed[0];
    }

    private static void edit(Path stateFile, Instant now, java.util.function.Consumer<List<Silence>> change) {
        try {
            StateFile.editSilences(stateFile, now, silences -> {
                change.accept(silences);
                return silences;
            });
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static String newId() {
        return String.format("s-%08x", ThreadLocalRandom.current().nextInt());
    }
}
