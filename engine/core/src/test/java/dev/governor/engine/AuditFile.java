package dev.governor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.engine.json.FactCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads a running Governor's audit file in tests, and waits for it to reach a state. */
final class AuditFile {

    private AuditFile() {
    }

    /** Every line of the audit, parsed; none when the file does not exist yet. */
    static List<JsonNode> read(Path audit) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (Files.exists(audit)) {
            for (String line : Files.readAllLines(audit)) {
                nodes.add(FactCodec.mapper().readTree(line));
            }
        }
        return nodes;
    }

    /** The audit's lines once {@code condition} holds for them; fails after {@code timeout}, showing the lines. */
    static List<JsonNode> await(Path audit, Duration timeout, Predicate<List<JsonNode>> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = read(audit);
            if (condition.test(lines)) {
                return lines;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the audit did not reach the expected state within " + timeout.toSeconds()
                + "s; it has: " + lines);
    }
}
