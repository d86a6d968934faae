package dev.governor.engine.simulate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code governor test}: every scenario file of a folder (or one file), run against the rules folder, reported
 * as promtool reports rule tests.
 */
public final class ScenarioSuite {

    /** What the run came to. */
    public record Outcome(int passed, int failed, int malformed) {
        public boolean ok() {
            return failed == 0 && malformed == 0;
        }
    }

    private ScenarioSuite() {
    }

    /** The scenario files of a folder, {@code *.yaml} and {@code *.yml}, by name; or the file itself. */
    public static List<Path> files(Path dirOrFile) {
        if (Files.isRegularFile(dirOrFile)) {
            return List.of(dirOrFile);
        }
        try (Stream<Path> files = Files.list(dirOrFile)) {
            return files.filter(f -> Files.isRegularFile(f)
                            && (f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml")))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dirOrFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The rules folder of a folder of scenarios: its parent ({@code rules/} for {@code rules/tests}), or for one
     * file the parent of its folder.
     */
    public static Path defaultRulesDir(Path dirOrFile) {
        Path absolute = dirOrFile.toAbsolutePath().normalize();
        Path folder = Files.isRegularFile(absolute) ? absolute.getParent() : absolute;
        Path parent = folder.getParent();
        return parent != null ? parent : folder;
    }

    /** Runs every scenario in {@code files}, printing as it goes and a summary line at the end. */
    public static Outcome run(List<Path> files, Path rulesDir, ClassLoader pluginClassLoader, PrintWriter out) {
        ScenarioRunner runner = new ScenarioRunner(rulesDir, pluginClassLoader);
        int passed = 0;
        int failed = 0;
        int malformed = 0;
        for (Path file : files) {
            for (ScenarioFile.Entry entry : ScenarioFile.read(file)) {
                List<String> lines;
                if (entry.malformed()) {
                    malformed++;
                    lines = ScenarioReport.malformed(entry);
                } else {
                    ScenarioRunner.Result result = runner.run(entry.scenario());
                    if (result.passed()) {
                        passed++;
                    } else {
                        failed++;
                    }
                    lines = ScenarioReport.result(result);
                }
                lines.forEach(out::println);
                out.flush();
            }
        }
        out.println();
        out.println(ScenarioReport.summary(passed, failed, malformed));
        out.flush();
        return new Outcome(passed, failed, malformed);
    }
}
