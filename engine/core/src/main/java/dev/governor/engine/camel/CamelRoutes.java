package dev.governor.engine.camel;

import dev.governor.engine.FactSink;
import dev.governor.engine.json.FactCodec;
import dev.governor.engine.sample.SamplerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel Main with the routes of a folder ({@code *.yaml}, Camel YAML DSL) and Governor's two
 * components bound: {@code governor} (facts in) and {@code governor-sample} (sources).
 */
public final class CamelRoutes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CamelRoutes.class);

    private final Main main;
    private final SampleComponent samples;
    private final List<Path> files;

    private CamelRoutes(Main main, SampleComponent samples, List<Path> files) {
        this.main = main;
        this.samples = samples;
        this.files = files;
    }

    /** The {@code *.yaml} files directly in {@code dir}, sorted; an error when the folder is missing. */
    public static List<Path> routeFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no such folder: expected a folder of Camel YAML routes (routes.dir)");
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> {
                String name = p.getFileName().toString();
                return (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Starts Camel with every route in {@code routesDir}.
     *
     * @param once true to start only the sampling routes and poll each once ({@code governor sample --once})
     */
    public static CamelRoutes start(Path routesDir, FactSink sink, FactCodec codec, Map<String, SamplerFactory> samplers,
                                    boolean once) throws Exception {
        List<Path> files = routeFiles(routesDir);
        if (files.isEmpty()) {
            LOG.warn("No routes in {}: Governor receives no samples", routesDir);
        }
        SampleComponent samples = new SampleComponent(samplers, once);
        Main main = new Main();
        if (main.getShutdownStrategy() instanceof DefaultMainShutdownStrategy strategy) {
            // Governor stops Camel itself, in order: routes first, then the engine, then the actions.
            strategy.disableHangupSupport();
        }
        main.bind(FactsComponent.NAME, new FactsComponent(sink, codec));
        main.bind(SampleComponent.NAME, samples);
        main.configure().withJmxEnabled(false);
        main.configure().withBasePackageScanEnabled(false);
        main.configure().withRoutesReloadEnabled(false);
        main.configure().withAutoStartup(!once);
        main.configure().withName("governor");
        String dir = routesDir.toAbsolutePath().normalize().toString();
        main.configure().withRoutesIncludePattern(files.isEmpty() ? "" : "file:" + dir + "/*.yaml,file:" + dir + "/*.yml");
        CamelRoutes routes = new CamelRoutes(main, samples, files);
        try {
            main.start();
        } catch (Exception e) {
            routes.close();
            throw explain(files, e, codec, samplers);
        }
        return routes;
    }

    /** Finds which files broke the start, to report each as file:line: message. */
    private static RuntimeException explain(List<Path> files, Exception failure, FactCodec codec,
                                            Map<String, SamplerFactory> samplers) {
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String problem = checkRoute(file, codec, samplers);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (problems.isEmpty()) {
            problems.add("Camel did not start: " + describe(failure));
        }
        return new RouteException(problems, failure);
    }

    /**
     * Loads one route file into a Camel context that resolves its endpoints but starts no route.
     * Returns null when the file is fine, else {@code file[:line]: message}.
     */
    public static String checkRoute(Path file, FactCodec codec, Map<String, SamplerFactory> samplers) {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.setAutoStartup(false);
            context.getCamelContextExtension().setName("governor-check");
            context.addComponent(FactsComponent.NAME, new FactsComponent(facts -> { }, codec));
            context.addComponent(SampleComponent.NAME, new SampleComponent(samplers, false));
            context.start();
            Resource resource = PluginHelper.getResourceLoader(context)
                    .resolveResource("file:" + file.toAbsolutePath());
            PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            return null;
        } catch (Exception e) {
            return file + lineOf(e) + ": " + describe(e);
        }
    }

    private static String lineOf(Throwable e) {
        Pattern line = Pattern.compile("line (\\d+)");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher matcher = line.matcher(t.getMessage());
                if (matcher.find()) {
                    return ":" + matcher.group(1);
                }
            }
        }
        return "";
    }

    private static String describe(Throwable e) {
        // The innermost message says what is wrong; the outer ones repeat the route around it.
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.toString();
        if (root != e && e.getMessage() != null && !e.getMessage().contains(message)) {
            message = e.getMessage() + ": " + message;
        }
        return message.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    /** Starts every sampling route, waits until each has sampled once, up to the timeout. */
    public boolean sampleOnce(long timeout, TimeUnit unit) throws Exception {
        CamelContext context = main.getCamelContext();
        List<Route> sampling = context.getRoutes().stream()
                .filter(route -> route.getEndpoint() instanceof SampleEndpoint)
                .toList();
        samples.expectFirstPolls(sampling.size());
        for (Route route : sampling) {
            context.getRouteController().startRoute(route.getRouteId());
        }
        return samples.awaitFirstPolls(timeout, unit);
    }

    /** The {@code governor-sample} component: each source's state ({@link SampleComponent#sources()}). */
    public SampleComponent samples() {
        return samples;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The route files loaded. */
    public List<Path> files() {
        return files;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            LOG.warn("Stopping Camel failed: {}", e.getMessage(), e);
        }
    }
}
