package dev.governor.engine.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.api.Fact;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.json.InvalidFactException;
import dev.governor.engine.rules.CompiledRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code governor replay}: recorded facts (JSON Lines, as {@code governor sample} prints them and {@code record:}
 * writes them) through the rules and the safety envelope on simulated time, as fast as they go, printing each
 * decision: when, which rule, what action, and the envelope's verdict.
 *
 * <p>The facts are read whole and put in time order first (routes deliver samples a little out of order), so the
 * file is held in memory. A line that is not a fact is reported as {@code file:line: problem} and skipped.
 */
public final class Replay {

    /**
     * What a replay came to.
     *
     * @param facts      facts replayed
     * @param malformed  lines skipped because they were not facts
     * @param decisions  actions the rules decided (breaker notifications included)
     * @param dispatched of them, those the envelope let through
     * @param ruleErrors rules that failed while replaying
     */
    public record Summary(long facts, int malformed, long decisions, long dispatched, int ruleErrors, Instant first, Instant last) {
        public boolean ok() {
            return malformed == 0 && ruleErrors == 0;
        }
    }

    private record Read(Fact fact, int line) {
    }

    private Replay() {
    }

    /**
     * Replays {@code file} with the rules of {@code config.rules().dir()} and the envelope of {@code config}.
     * Decisions go to {@code out}, problems to {@code err}.
     */
    public static Summary run(Path file, GovernorConfig config, ClassLoader pluginClassLoader, PrintWriter out, PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such file");
        }
        CompiledRules rules = Simulation.compiler(config).compileFolder(config.rules().dir());
        List<String> envelopeProblems = Simulation.envelopeProblems(config, rules, Simulation.pluginActionTypes(pluginClassLoader));
        if (!envelopeProblems.isEmpty()) {
            throw new ConfigException(String.join("\n", envelopeProblems));
        }

        List<Read> read = new ArrayList<>();
        int malformed = read(file, read, err);
        read.sort(Comparator.comparing((Read r) -> r.fact().at()));
        List<Fact> facts = read.stream().map(Read::fact).toList();

        long[] decisions = new long[2];
        int[] ruleErrors = new int[1];
        Simulation.Listener listener = new Simulation.Listener() {
            @Override
            public void onAction(SimulatedAction action) {
                decisions[0]++;
                if (action.dispatched()) {
                    decisions[1]++;
                }
                out.println(action.at() + "  rule \"" + action.rule() + "\"  " + SimulatedAction.describe(action.action())
                        + "  " + action.verdictText());
            }

            @Override
            public void onRuleError(Instant at, String message) {
                ruleErrors[0]++;
                err.println(file + ": at " + at + ": " + message);
            }
        };
        Instant first = facts.isEmpty() ? null : facts.get(0).at();
        Instant last = facts.isEmpty() ? null : facts.get(facts.size() - 1).at();
        if (!facts.isEmpty()) {
            try (Simulation simulation = new Simulation(config, rules, Simulation.databasesIn(facts), first, Map.of(), listener)) {
                int i = 0;
                while (i < facts.size()) {
                    Instant at = facts.get(i).at();
                    int end = i;
                    while (end < facts.size() && facts.get(end).at().equals(at)) {
                        end++;
                    }
                    simulation.insert(at, facts.subList(i, end));
                    i = end;
                }
            }
        }
        Summary summary = new Summary(facts.size(), malformed, decisions[0], decisions[1], ruleErrors[0], first, last);
        out.println(summaryLine(file, summary));
        out.flush();
        err.flush();
        return summary;
    }

    static String summaryLine(Path file, Summary s) {
        StringBuilder line = new StringBuilder("replayed ").append(s.facts()).append(s.facts() == 1 ? " fact" : " facts")
                .append(" from ").append(file);
        if (s.first() != null) {
            line.append(" (").append(s.first()).append(" to ").append(s.last()).append(", ")
                    .append(Scenario.format(Duration.between(s.first(), s.last()))).append(')');
        }
        line.append(": ").append(s.decisions()).append(s.decisions() == 1 ? " decision, " : " decisions, ")
                .append(s.dispatched()).append(" dispatched, ").append(s.decisions() - s.dispatched())
                .append(" held back by the envelope");
        if (s.malformed() > 0) {
            line.append("; ").append(s.malformed()).append(s.malformed() == 1 ? " malformed line skipped" : " malformed lines skipped");
        }
        if (s.ruleErrors() > 0) {
            line.append("; ").append(s.ruleErrors()).append(s.ruleErrors() == 1 ? " rule error" : " rule errors");
        }
        return line.toString();
    }

    /** Reads every line; returns how many were not facts, each reported to {@code err}. */
    private static int read(Path file, List<Read> into, PrintWriter err) {
        FactCodec codec = new FactCodec(Clock.systemUTC());
        int malformed = 0;
        int number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = null;
                try {
                    JsonNode node = FactCodec.mapper().readTree(line);
                    problem = missingTime(node);
                    if (problem == null) {
                        for (Fact fact : codec.read(node)) {
                            into.add(new Read(fact, number));
                        }
                    }
                } catch (JsonProcessingException e) {
                    problem = "not valid JSON: " + e.getOriginalMessage();
                } catch (InvalidFactException e) {
                    problem = String.join("; ", e.problems());
                }
                if (problem != null) {
                    malformed++;
                    err.println(file + ":" + number + ": " + problem);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return malformed;
    }

    /** A replayed fact needs its own time: the time of reading would say nothing. */
    private static String missingTime(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "not a fact: expected a JSON object with a \"type\"";
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isObject() && !node.get(i).hasNonNull("at")) {
                    return "[" + i + "] no \"at\": a replayed fact needs the time it was sampled";
                }
            }
            return null;
        }
        return node.isObject() && !node.hasNonNull("at") ? "no \"at\": a replayed fact needs the time it was sampled" : null;
    }
}
