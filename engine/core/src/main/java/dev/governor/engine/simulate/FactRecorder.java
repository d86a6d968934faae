package dev.governor.engine.simulate;

import dev.governor.api.Fact;
import dev.governor.engine.FactSink;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.json.FactCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code record: FILE}: hands facts on to the rules and appends each one the rules took to a JSON Lines file, for
 * {@code governor replay}. Writing happens on a thread of its own behind a bounded queue: a route never waits for
 * the disk. When the queue is full (the disk is slower than the samples), facts are dropped from the recording,
 * never from the rules, and counted; the count is logged.
 */
public final class FactRecorder implements FactSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FactRecorder.class);
    static final int DEFAULT_CAPACITY = 10_000;

    private final FactSink next;
    private final Path file;
    private final FactCodec codec;
    private final BlockingQueue<Fact> queue;
    private final Writer writer;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;

    /** Opens {@code file} for appending (creating it and its folder); a file that cannot be opened stops start-up. */
    public FactRecorder(Path file, FactSink next, FactCodec codec) {
        this(file, open(file), next, codec, DEFAULT_CAPACITY);
    }

    private static Writer open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
        } catch (IOException e) {
            throw new ConfigException("record: cannot open " + file + " for appending: " + e.getMessage()
                    + "; set record to a file Governor may write", e);
        }
    }

    /** A recorder writing to {@code writer} (named {@code file} in messages), with a queue of {@code capacity} facts. */
    FactRecorder(Path file, Writer writer, FactSink next, FactCodec codec, int capacity) {
        this.file = file;
        this.next = next;
        this.codec = codec;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = writer;
        this.thread = new Thread(this::loop, "governor-record");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Hands the facts on; once they are taken, queues them for the file, dropping what does not fit. */
    @Override
    public void accept(List<? extends Fact> facts) {
        next.accept(facts);
        for (Fact fact : facts) {
            if (!queue.offer(fact) && dropped.incrementAndGet() == 1) {
                LOG.warn("Recording to {} falls behind: its queue of {} facts is full; facts are left out of the recording "
                        + "(never out of the rules) until it catches up; the count is logged at stop", file, queue.size());
            }
        }
    }

    private void loop() {
        List<Fact> batch = new ArrayList<>();
        boolean failing = false;
        while (running || !queue.isEmpty()) {
            try {
                Fact first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, 1023);
                try {
                    for (Fact fact : batch) {
                        writer.write(codec.write(fact));
                        writer.write('\n');
                    }
                    // Flushed when the queue is empty, so the file is current within a batch.
                    if (queue.isEmpty()) {
                        writer.flush();
                    }
                    written.addAndGet(batch.size());
                    failing = false;
                } catch (IOException | RuntimeException e) {
                    dropped.addAndGet(batch.size());
                    if (!failing) {
                        LOG.error("Could not write {} fact(s) to the recording {}: {}; they are left out", batch.size(), file,
                                e.getMessage(), e);
                    }
                    failing = true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Facts written to the file so far. */
    public long written() {
        return written.get();
    }

    /** Facts left out of the recording: the queue was full, or the file could not be written. */
    public long dropped() {
        return dropped.get();
    }

    public Path file() {
        return file;
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        try {
            writer.close();
        } catch (IOException e) {
            LOG.warn("Closing the recording {} failed: {}", file, e.getMessage());
        }
        long left = queue.size();
        if (dropped.get() + left > 0) {
            LOG.warn("Recorded {} fact(s) to {}; {} left out", written.get(), file, dropped.get() + left);
        } else {
            LOG.info("Recorded {} fact(s) to {}", written.get(), file);
        }
    }
}
