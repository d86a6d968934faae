package dev.governor.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.engine.Secrets;
import dev.governor.engine.config.Mode;
import dev.governor.engine.envelope.Verdict;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.rules.Decision;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit: one JSON line per action, written and flushed when its outcome is known.
 * A line says when, which rule, which action, the facts the rule matched, the mode, what the safety
 * envelope decided, and what happened:
 * <pre>{@code
 * {"time":"...","id":7,"rule":"Grow a pool whose callers wait","mode":"enforce",
 *  "action":{"type":"pool.resize","target":"orders","params":{"max":44},"reason":"..."},
 *  "requested":{"type":"pool.resize","target":"orders","params":{"max":60},"reason":"..."},
 *  "facts":[{"type":"PoolSample","pool":"orders",...}],
 *  "verdict":{"kind":"CLAMPED","message":"clamped max from 60 to 44 (maxStepUp 4 from 40)"},
 *  "status":"APPLIED","message":"max 40 -> 44","durationMs":3}
 * }</pre>
 * {@code action} is the action as carried out (or held back); {@code requested} appears only when the rule
 * asked for something else. {@code verdict.cause} names why a {@code SUPPRESSED} action was held back.
 * A failed write is logged and counted; it never stops the loop.
 *
 * <p>Secrets are masked before a line is written ({@link Secrets#mask(JsonNode)}): parameters and fact members
 * named like passwords or tokens, passwords in URLs. The last {@link #RECENT} lines are also kept in memory,
 * numbered, for {@code GET /api/decisions} ({@link #recent}); at start they are read from the end of the file, so
 * a restart does not empty the list.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Path file;
    private final FactCodec codec;
    private final ObjectMapper mapper = FactCodec.mapper();
    private final BufferedWriter writer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** How many of the latest lines are kept in memory for the API. */
    public static final int RECENT = 5_000;

    /**
     * One audit line kept in memory, with what the API filters on.
     *
     * @param seq     its number since start, from 1 (lines read back from the file at start come first); newer
     *                lines have higher numbers
     * @param time    when the outcome was known
     * @param rule    the rule that decided
     * @param type    the action's type
     * @param target  the action's target
     * @param verdict the envelope's verdict ({@code ADMITTED}, {@code SUPPRESSED}, ...); null when there was none
     * @param status  the outcome ({@code APPLIED}, {@code SKIPPED}, {@code FAILED}, {@code DRY_RUN})
     * @param json    the line as written, secrets masked
     */
    public record Entry(long seq, java.time.Instant time, String rule, String type, String target, String verdict,
                        String status, String json) {
    }

    private final java.util.ArrayDeque<Entry> recent = new java.util.ArrayDeque<>();
    private long sequence;

    public AuditLog(Path file, FactCodec codec) throws IOException {
        this.file = file;
        this.codec = codec;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        readBack();
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Writes the line for one action and its outcome, with no envelope verdict. */
    public void record(Decision decision, ActionOutcome outcome, Mode mode, Duration took) {
        record(decision, null, outcome, mode, took);
    }

    /** Writes the line for one action, the envelope's verdict on it, and its outcome. */
    public void record(Decision decision, Verdict verdict, ActionOutcome outcome, Mode mode, Duration took) {
        String line;
        try {
            line = mapper.writeValueAsString(Secrets.mask(entry(decision, verdict, outcome, mode, took)));
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("Could not write the audit entry for action {} ({} on {}): {}", decision.id(),
                    decision.action().type(), decision.action().target(), e.getMessage(), e);
            return;
        }
        synchronized (this) {
            try {
                writer.write(line);
                writer.write('\n');
                writer.flush();
                written.incrementAndGet();
                remember(line, outcome, verdict, decision);
            } catch (IOException e) {
                failures.incrementAndGet();
                LOG.error("Could not append to the audit file {}: {}; the entry was: {}", file, e.getMessage(), line);
            }
        }
    }

    /** The last lines of an existing audit file, back into memory: at most the last 16 MiB of it are read. */
    private void readBack() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        long window = 16L * 1024 * 1024;
        try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            long from = Math.max(0, size - window);
            channel.position(from);
            java.io.BufferedReader reader = new java.io.BufferedReader(java.nio.channels.Channels.newReader(channel, StandardCharsets.UTF_8));
            if (from > 0) {
                reader.readLine(); // a partial line
            }
            java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    last.addLast(line);
                    if (last.size() > RECENT) {
                        last.removeFirst();
                    }
                }
            }
            int unreadable = 0;
            for (String line : last) {
                try {
                    JsonNode node = mapper.readTree(line);
                    recent.addLast(new Entry(++sequence, java.time.Instant.parse(node.path("time").asText()),
                            node.path("rule").asText(null), node.at("/action/type").asText(null),
                            node.at("/action/target").asText(null), node.at("/verdict/kind").asText(null),
                            node.path("status").asText(null), line));
                } catch (IOException | RuntimeException e) {
                    unreadable++;
                }
            }
            if (unreadable > 0) {
                LOG.warn("{}: {} of its last {} line(s) are not audit lines; GET /api/decisions leaves them out", file,
                        unreadable, last.size());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the last lines of {} back: {}; GET /api/decisions starts empty", file, e.getMessage());
        }
    }

    private void remember(String line, ActionOutcome outcome, Verdict verdict, Decision decision) {
        recent.addLast(new Entry(++sequence, outcome.at(), decision.rule(), outcome.type(), outcome.target(),
                verdict == null ? null : verdict.kind().name(), outcome.status().name(), line));
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    /** The lines kept in memory, newest first, that pass {@code filter}, up to {@code limit} of them. */
    public synchronized java.util.List<Entry> recent(java.util.function.Predicate<Entry> filter, int limit) {
        java.util.List<Entry> out = new java.util.ArrayList<>();
        for (java.util.Iterator<Entry> entries = recent.descendingIterator(); entries.hasNext() && out.size() < limit; ) {
            Entry entry = entries.next();
            if (filter.test(entry)) {
                out.add(entry);
            }
        }
        return out;
    }

    /** How many lines are kept in memory now (at most {@link #RECENT}). */
    public synchronized int kept() {
        return recent.size();
    }

    ObjectNode entry(Decision decision, Verdict verdict, ActionOutcome outcome, Mode mode, Duration took) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("time", outcome.at().toString());
        node.put("id", decision.id());
        node.put("rule", decision.rule());
        node.put("mode", mode.text());
        node.set("action", mapper.valueToTree(outcome.action()));
        if (!outcome.action().equals(decision.action())) {
            node.set("requested", mapper.valueToTree(decision.action()));
        }
        ArrayNode facts = node.putArray("facts");
        for (Object fact : decision.facts()) {
            facts.add(factNode(fact));
        }
        node.put("decidedAt", decision.at().toString());
        if (verdict != null) {
            ObjectNode verdictNode = node.putObject("verdict");
            verdictNode.put("kind", verdict.kind().name());
            if (verdict.cause() != null) {
                verdictNode.put("cause", verdict.cause().name());
            }
            verdictNode.put("message", verdict.message());
        }
        node.put("status", outcome.status().name());
        node.put("message", outcome.message());
        node.put("durationMs", took.toMillis());
        return node;
    }

    private JsonNode factNode(Object fact) {
        if (fact instanceof Fact known) {
            return codec.toJson(known);
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", fact == null ? "null" : fact.getClass().getSimpleName());
        try {
            node.set("value", mapper.valueToTree(fact));
        } catch (IllegalArgumentException e) {
            node.put("value", String.valueOf(fact));
        }
        return node;
    }

    public Path file() {
        return file;
    }

    /** Lines written since start. */
    public long written() {
        return written.get();
    }

    /** Entries that could not be written since start. */
    public long failures() {
        return failures.get();
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            LOG.error("Could not close the audit file {}: {}", file, e.getMessage());
        }
    }
}
