package dev.governor.engine.envelope;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The envelope's state file: JSON, replaced atomically (written to a temporary file, then moved over the
 * old one), so a reader never sees half a file and a crashed or killed process leaves the old or the new
 * one. It is not forced to disk (that costs 3 to 5 ms a write, on the rules thread): after a power loss the
 * file may be an older one, or unreadable, which the envelope then handles as corrupt.
 * Writers (the running service, {@code governor silence}) take a lock file beside it, so the silences one
 * adds are never overwritten by the other. The silences in the file are the truth for both.
 */
final class StateFile {

    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** FileLock guards against other processes only; this guards against other threads of this one. */
    private static final Map<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

    /** What the file holds: everything that must survive a restart. */
    record Snapshot(int version, Instant savedAt, List<CooldownEntry> cooldowns, List<WindowEntry> windows,
                    List<RateEntry> rates, BreakerEntry breaker, List<InFlightEntry> inFlight, List<Silence> silences) {
        Snapshot {
            if (version != VERSION) {
                throw new IllegalArgumentException("version " + version + ", this Governor reads version " + VERSION);
            }
            cooldowns = cooldowns == null ? List.of() : List.copyOf(cooldowns);
            windows = windows == null ? List.of() : List.copyOf(windows);
            rates = rates == null ? List.of() : List.copyOf(rates);
            breaker = breaker == null ? new BreakerEntry(null, null, null, null, null) : breaker;
            inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
            silences = silences == null ? List.of() : List.copyOf(silences);
        }

        static Snapshot empty(Instant now) {
            return new Snapshot(VERSION, now, null, null, null, null, null, null);
        }

        Snapshot withSilences(List<Silence> newSilences) {
            return new Snapshot(version, savedAt, cooldowns, windows, rates, breaker, inFlight, newSilences);
        }
    }

    /** When the last action in a direction on a target started. */
    record CooldownEntry(String type, String target, Direction direction, Instant at) {
        CooldownEntry {
            Objects.requireNonNull(type, "cooldowns[].type");
            Objects.requireNonNull(target, "cooldowns[].target");
            Objects.requireNonNull(direction, "cooldowns[].direction");
            Objects.requireNonNull(at, "cooldowns[].at");
        }
    }

    /** The recommendations of a stabilization window, oldest (and largest) first. */
    record WindowEntry(String type, String target, String param, List<Recommendation> recommendations) {
        WindowEntry {
            Objects.requireNonNull(type, "windows[].type");
            Objects.requireNonNull(target, "windows[].target");
            Objects.requireNonNull(param, "windows[].param");
            recommendations = List.copyOf(Objects.requireNonNull(recommendations, "windows[].recommendations"));
        }
    }

    record Recommendation(double value, Instant at) {
        Recommendation {
            Objects.requireNonNull(at, "recommendations[].at");
        }
    }

    /** When the actions of a type that count against its rate budget started. */
    record RateEntry(String type, List<Instant> started) {
        RateEntry {
            Objects.requireNonNull(type, "rates[].type");
            started = List.copyOf(Objects.requireNonNull(started, "rates[].started"));
        }
    }

    record BreakerEntry(List<Instant> actions, List<Instant> failures, Instant openedAt, Instant openUntil, String reason) {
        BreakerEntry {
            actions = actions == null ? List.of() : List.copyOf(actions);
            failures = failures == null ? List.of() : List.copyOf(failures);
        }
    }

    record InFlightEntry(String type, String target, Direction direction, Instant since) {
        InFlightEntry {
            Objects.requireNonNull(type, "inFlight[].type");
            Objects.requireNonNull(target, "inFlight[].target");
            Objects.requireNonNull(direction, "inFlight[].direction");
            Objects.requireNonNull(since, "inFlight[].since");
        }
    }

    /** The state read at start: a snapshot, nothing (no file yet), or a corrupt file moved aside. */
    record Loaded(Snapshot snapshot, Path movedAside, String problem) {
    }

    private final Path file;
    private FileTime seenTime;
    private long seenSize = -1;

    StateFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    Path path() {
        return file;
    }

    /**
     * Reads the file at start. A file that cannot be read as state is renamed to
     * {@code envelope.json.corrupt-20261201T060000Z} beside it and reported, never deleted.
     */
    Loaded load(Instant now) {
        if (!Files.exists(file)) {
            return new Loaded(null, null, null);
        }
        return locked(() -> {
            try {
                Snapshot snapshot = read();
                remember();
                return new Loaded(snapshot, null, null);
            } catch (IOException | RuntimeException e) {
                String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                        .format(now.truncatedTo(ChronoUnit.SECONDS));
                Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
                try {
                    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    throw new UncheckedIOException("the envelope state file " + file + " is unreadable (" + describe(e)
                            + ") and cannot be moved aside: " + moveFailed.getMessage() + "; move or delete it", moveFailed);
                }
                return new Loaded(null, aside, describe(e));
            }
        });
    }

    /** Reads and checks the whole file; throws when it is not state this Governor can read. */
    Snapshot read() throws IOException {
        Snapshot snapshot = MAPPER.readValue(file.toFile(), Snapshot.class);
        if (snapshot == null) {
            throw new IOException("the file is empty");
        }
        return snapshot;
    }

    /** The silences now in the file, or null when there is no readable file. */
    List<Silence> silencesInFile() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            // Stat before reading: a write in between is then seen as a change next time.
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            List<Silence> silences = read().silences();
            seenTime = time;
            seenSize = size;
            return silences;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether someone else wrote the file since this instance last read or wrote it. */
    boolean changedSinceSeen() {
        try {
            return !Files.getLastModifiedTime(file).equals(seenTime) || Files.size(file) != seenSize;
        } catch (IOException e) {
            return seenTime != null;
        }
    }

    /** Writes the snapshot atomically. Call within {@link #locked}. */
    void write(Snapshot snapshot) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = MAPPER.writeValueAsBytes(snapshot);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        remember();
    }

    private void remember() throws IOException {
        seenTime = Files.getLastModifiedTime(file);
        seenSize = Files.size(file);
    }

    interface LockedWork<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code work} holding the lock that every writer of this file takes. A pending interrupt is held
     * off meanwhile and restored after: an interrupted thread closes any NIO channel it touches, and the
     * outcome of an action that timed out is recorded on a thread that shutdown may interrupt.
     */
    <T> T locked(LockedWork<T> work) {
        boolean interrupted = Thread.interrupted();
        synchronized (IN_PROCESS.computeIfAbsent(file, f -> new Object())) {
            try {
                Path parent = file.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    return work.run();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Changes the silences in the file and nothing else: what {@code governor silence} does, also while the
     * service runs. Refuses a file it cannot read rather than replace state it does not understand.
     */
    static List<Silence> editSilences(Path path, Instant now, UnaryOperator<List<Silence>> edit) {
        StateFile stateFile = new StateFile(path);
        return stateFile.locked(() -> {
            Snapshot snapshot;
            if (Files.exists(stateFile.file)) {
                try {
                    snapshot = stateFile.read();
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException(stateFile.file + " is not a state file Governor can read (" + describe(e)
                            + "); start Governor once to move it aside, or delete it");
                }
            } else {
                snapshot = Snapshot.empty(now);
            }
            List<Silence> edited = new ArrayList<>(edit.apply(new ArrayList<>(snapshot.silences())));
            edited.removeIf(silence -> !now.isBefore(silence.until()));
            stateFile.write(snapshot.withSilences(edited));
            return List.copyOf(edited);
        });
    }

    /** The silences in the file at {@code path}, expired ones left out; empty when there is no file. */
    static List<Silence> readSilences(Path path, Instant now) {
        StateFile stateFile = new StateFile(path);
        if (!Files.exists(stateFile.file)) {
            return List.of();
        }
        try {
            return stateFile.read().silences().stream().filter(s -> now.isBefore(s.until())).toList();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(stateFile.file + " is not a state file Governor can read (" + describe(e) + ")");
        }
    }

    static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
