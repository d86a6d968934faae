package dev.governor.engine.rules;

import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.api.RuleParams;
import dev.governor.engine.config.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.conf.EventProcessingOption;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;

/**
 * Compiles the {@code *.drl} files of a folder with classic Drools, in STREAM mode.
 *
 * <p>A prelude of Governor's own declares every built-in fact type as an event stamped by its
 * {@code atMillis()} and kept for the configured retention, so user files need no declarations: a
 * rule's time window keeps facts longer when it needs them, and facts no rule needs leave the session.
 * The prelude also declares the global {@code params} ({@link RuleParams}): the thresholds declared in
 * {@code params.yaml} beside the rules, with {@code rules.params} from {@code governor.yaml} over them.
 * Every problem is reported with the file and line it is on, including a {@code params.number( "key" )}
 * that names no declared param, or one of another kind.
 */
public final class RuleCompiler {

    static final String PRELUDE_PATH = "src/main/resources/dev/governor/prelude/governor-prelude.drl";
    private static final String RULES_PREFIX = "src/main/resources/rules/";
    private static final AtomicLong BUILDS = new AtomicLong();

    private final Duration factRetention;
    private final Map<String, Object> paramOverrides;

    public RuleCompiler(Duration factRetention) {
        this(factRetention, Map.of());
    }

    /**
     * A compiler that applies {@code rules.params} from {@code governor.yaml} over the defaults in the rules
     * folder's {@code params.yaml}.
     */
    public RuleCompiler(Duration factRetention, Map<String, Object> paramOverrides) {
        this.factRetention = factRetention;
        this.paramOverrides = Map.copyOf(paramOverrides);
    }

    /** The {@code *.drl} files directly in {@code dir}, sorted by name. */
    public static List<Path> ruleFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RuleCompilationException(List.of(new RuleProblem(dir, 0, "no such folder: expected a folder of *.drl files", true)));
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".drl") && Files.isRegularFile(f))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Compiles every {@code *.drl} file in {@code dir}. */
    public CompiledRules compileFolder(Path dir) {
        return compile(ruleFiles(dir));
    }

    /**
     * Compiles these files, with the params of {@code params.yaml} in their folders; throws
     * {@link RuleCompilationException} listing every error.
     */
    public CompiledRules compile(List<Path> files) {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Path> pathByKey = new LinkedHashMap<>();
        List<RuleProblem> readProblems = new ArrayList<>();
        for (Path file : files) {
            try {
                String key = uniqueKey(file, pathByKey);
                sources.put(key, Files.readString(file, StandardCharsets.UTF_8));
                pathByKey.put(key, file);
            } catch (IOException e) {
                readProblems.add(new RuleProblem(file, 0, "cannot read: " + e.getMessage(), true));
            }
        }
        if (!readProblems.isEmpty()) {
            throw new RuleCompilationException(readProblems);
        }
        return compileSources(sources, pathByKey);
    }

    /**
     * Compiles rule texts by name (for example {@code "pool.drl"}); {@code pathByKey} maps each name
     * to the file reported in problems. The params are those of {@code params.yaml} in the folders of
     * those files, if any, with this compiler's overrides.
     */
    public CompiledRules compileSources(Map<String, String> sources, Map<String, Path> pathByKey) {
        List<Path> folders = pathByKey.values().stream().map(Path::getParent).filter(java.util.Objects::nonNull)
                .distinct().toList();
        List<RuleProblem> problems = new ArrayList<>();
        RuleParamsFile.Declared declared = RuleParamsFile.read(folders, problems);
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return compileSources(sources, pathByKey, declared);
    }

    /**
     * Compiles rule texts with these declared params (and this compiler's overrides over them). Every
     * {@code params.GETTER( "key" )} in the texts must name a declared param of a kind the getter reads.
     */
    public CompiledRules compileSources(Map<String, String> sources, Map<String, Path> pathByKey,
                                        RuleParamsFile.Declared declared) {
        long started = System.nanoTime();
        List<RuleProblem> paramProblems = new ArrayList<>();
        RuleParams params = RuleParamsFile.override(declared, paramOverrides, paramProblems);
        sources.forEach((key, text) -> paramProblems.addAll(checkParamUses(text, pathByKey.get(key), params, declared)));
        if (!paramProblems.isEmpty()) {
            throw new RuleCompilationException(paramProblems);
        }
        KieServices services = KieServices.Factory.get();
        KieFileSystem fileSystem = services.newKieFileSystem();
        ReleaseId releaseId = services.newReleaseId("dev.governor.rules", "governor-rules",
                "1.0." + BUILDS.incrementAndGet());
        fileSystem.generateAndWritePomXML(releaseId);
        Duration retention = factRetention;
        for (String text : sources.values()) {
            Duration needed = TemporalSpans.longest(text);
            if (needed.compareTo(retention) > 0) {
                retention = needed;
            }
        }
        // A look-back given by a param (a key ending in "window") keeps facts as long as it needs them.
        Duration window = RuleParamsFile.longestWindow(params);
        if (window.compareTo(retention) > 0) {
            retention = window;
        }
        fileSystem.write(PRELUDE_PATH, prelude(retention));
        sources.forEach((key, text) -> fileSystem.write(RULES_PREFIX + key, text));

        KieBuilder builder = services.newKieBuilder(fileSystem).buildAll();
        List<RuleProblem> errors = new ArrayList<>();
        List<RuleProblem> warnings = new ArrayList<>();
        for (Message message : builder.getResults().getMessages()) {
            if (message.getLevel() == Message.Level.INFO) {
                continue;
            }
            RuleProblem problem = new RuleProblem(fileOf(message.getPath(), pathByKey), Math.max(0, message.getLine()),
                    clean(message.getText()), message.getLevel() == Message.Level.ERROR);
            (problem.error() ? errors : warnings).add(problem);
        }
        if (!errors.isEmpty()) {
            // A syntax error also yields "Parser returned a null Package" for its file: noise beside the real error.
            errors.removeIf(p -> p.message().startsWith("Parser returned a null Package")
                    && errors.stream().anyMatch(o -> o != p && java.util.Objects.equals(o.file(), p.file())));
            services.getRepository().removeKieModule(releaseId);
            throw new RuleCompilationException(errors);
        }
        KieContainer container = services.newKieContainer(releaseId);
        KieBaseConfiguration configuration = services.newKieBaseConfiguration();
        configuration.setOption(EventProcessingOption.STREAM);
        KieBase base = container.newKieBase(configuration);
        // Each build has its own ReleaseId; dropping the module keeps reloads from piling up modules.
        services.getRepository().removeKieModule(releaseId);

        List<String> names = new ArrayList<>();
        for (KiePackage kiePackage : base.getKiePackages()) {
            for (Rule rule : kiePackage.getRules()) {
                names.add(rule.getName());
            }
        }
        names.sort(String::compareTo);
        return new CompiledRules(base, new ArrayList<>(pathByKey.values()), names, warnings, retention,
                Duration.ofNanos(System.nanoTime() - started), params);
    }

    private static List<RuleProblem> checkParamUses(String text, Path file, RuleParams params, RuleParamsFile.Declared declared) {
        List<RuleProblem> problems = new ArrayList<>();
        for (RuleParamsFile.Use use : RuleParamsFile.uses(text)) {
            if (use.getter().equals("has")) {
                continue;
            }
            if (!params.has(use.key())) {
                problems.add(new RuleProblem(file, use.line(), "no rule param '" + use.key() + "': declare it in "
                        + RuleParamsFile.FILE_NAME + " beside the rules"
                        + (params.keys().isEmpty() ? "" : "; declared: " + String.join(", ", params.keys())), true));
                continue;
            }
            String wanted = RuleParams.kindReadBy(use.getter());
            String actual = RuleParams.kindOf(params.asMap().get(use.key()));
            if (!RuleParams.readable(wanted, actual)) {
                problems.add(new RuleProblem(file, use.line(), "params." + use.getter() + "( \"" + use.key() + "\" ) reads "
                        + wanted + ", but the param is " + actual + " (declared at " + declared.origin().get(use.key()) + ")", true));
            }
        }
        return problems;
    }

    /**
     * Governor's own declarations: every built-in fact type is an event stamped with its atMillis(),
     * kept for {@code retention}: the configured retention, or the longest window a rule uses; and the
     * global {@code params}, which every rule file can read without declaring it.
     */
    String prelude(Duration retention) {
        StringBuilder drl = new StringBuilder("package dev.governor.prelude;\n\n");
        for (Class<? extends Fact> type : FactTypes.all()) {
            drl.append("import ").append(type.getName()).append(";\n");
        }
        drl.append("\nglobal ").append(RuleParams.class.getName()).append(' ').append(RuleSession.PARAMS_GLOBAL).append(";\n");
        String expires = Durations.format(retention);
        for (Class<? extends Fact> type : FactTypes.all()) {
            drl.append("\ndeclare ").append(FactTypes.nameOf(type))
                    .append("\n    @role( event )\n    @timestamp( atMillis )\n    @expires( ")
                    .append(expires).append(" )\nend\n");
        }
        return drl.toString();
    }

    private static String uniqueKey(Path file, Map<String, Path> taken) {
        String name = file.getFileName().toString();
        String key = name;
        for (int i = 2; taken.containsKey(key); i++) {
            key = i + "-" + name;
        }
        return key;
    }

    private static Path fileOf(String messagePath, Map<String, Path> pathByKey) {
        if (messagePath == null || messagePath.isEmpty()) {
            return null;
        }
        for (String prefix : List.of(RULES_PREFIX, "rules/")) {
            if (messagePath.startsWith(prefix)) {
                Path path = pathByKey.get(messagePath.substring(prefix.length()));
                if (path != null) {
                    return path;
                }
            }
        }
        if (messagePath.equals(PRELUDE_PATH)) {
            return Path.of("(governor prelude)");
        }
        return Path.of(messagePath);
    }

    private static String clean(String text) {
        // Drools spreads some messages over several lines and repeats the position after "[Near".
        String flat = text.replace('\n', ' ').replaceAll("\\s+", " ").trim();
        int near = flat.indexOf(" [Near");
        return near > 0 ? flat.substring(0, near).trim() : flat;
    }
}
