package dev.governor.engine.plugin;

import dev.governor.engine.rules.ActionTypeReference;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.Database;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds action plugins with {@link ServiceLoader}: on the classpath, and in the plugins folder, where
 * each {@code *.jar} and each sub-folder of jars gets a class loader of its own. Everything that can be
 * wrong is found here, at start-up, with the jar's name and the fix in the message.
 */
public final class PluginRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    private static final String SERVICE_FILE = "META-INF/services/" + ActionPlugin.class.getName();

    /** Which module provides the built-in action families, for messages. */
    private static final Map<String, String> KNOWN_FAMILIES = Map.of(
            "notify.", "governor-plugin-notify",
            "pool.", "governor-plugin-hikari",
            "pg.", "governor-plugin-postgres",
            "executor.", "governor-plugin-executor",
            "cpu.", "governor-plugin-executor");

    private final List<LoadedPlugin> plugins;
    private final Map<String, LoadedPlugin> byActionType;
    private final List<PluginClassLoader> loaders;

    private PluginRegistry(List<LoadedPlugin> plugins, Map<String, LoadedPlugin> byActionType, List<PluginClassLoader> loaders) {
        this.plugins = List.copyOf(plugins);
        this.byActionType = byActionType;
        this.loaders = loaders;
    }

    /**
     * Loads the plugins on {@code classLoader}'s classpath and in {@code pluginsDir} (which may be
     * absent).
     */
    public static PluginRegistry load(ClassLoader classLoader, Path pluginsDir) {
        List<LoadedPlugin> plugins = new ArrayList<>();
        List<PluginClassLoader> loaders = new ArrayList<>();
        try {
            for (ActionPlugin plugin : ServiceLoader.load(ActionPlugin.class, classLoader)) {
                plugins.add(new LoadedPlugin(plugin, "classpath"));
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginLoadException("A plugin on the classpath cannot be loaded: " + e.getMessage(), e);
        }
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            for (Path entry : entries(pluginsDir)) {
                PluginClassLoader loader = loaderFor(entry, classLoader);
                if (loader == null) {
                    continue;
                }
                loaders.add(loader);
                plugins.addAll(loadFrom(entry, loader));
            }
        }
        Map<String, LoadedPlugin> byActionType = new TreeMap<>();
        Map<String, LoadedPlugin> byName = new LinkedHashMap<>();
        for (LoadedPlugin loaded : plugins) {
            String name = loaded.plugin().name();
            if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
                throw new PluginLoadException(loaded.plugin().getClass().getName() + " from " + loaded.source()
                        + " has the name '" + name + "': a plugin name is lower-case letters, digits and dashes");
            }
            String incompatibility = Spi.incompatibility(spiVersionOf(loaded));
            if (incompatibility != null) {
                throw new PluginLoadException(loaded.source() + ": plugin '" + name + "' (" + loaded.plugin().getClass().getName()
                        + ") cannot be loaded: " + incompatibility);
            }
            LoadedPlugin sameName = byName.putIfAbsent(name, loaded);
            if (sameName != null) {
                throw new PluginLoadException("Two plugins are named '" + name + "': " + sameName + " and " + loaded
                        + "; remove one of them");
            }
            Set<String> types = loaded.plugin().actionTypes();
            if (types == null || types.isEmpty()) {
                throw new PluginLoadException("Plugin " + loaded + " handles no action type: actionTypes() must name at least one");
            }
            for (String type : types) {
                LoadedPlugin other = byActionType.putIfAbsent(type, loaded);
                if (other != null) {
                    throw new PluginLoadException("Action type '" + type + "' is claimed by two plugins: " + other
                            + " and " + loaded + "; remove one of them from the classpath or the plugins folder");
                }
            }
        }
        return new PluginRegistry(plugins, byActionType, loaders);
    }

    private static String spiVersionOf(LoadedPlugin loaded) {
        try {
            return loaded.plugin().spiVersion();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException(loaded.source() + ": plugin '" + loaded.name() + "': spiVersion() failed: " + e
                    + "; it should return Spi.VERSION", e);
        }
    }

    /** The fix for a class that could not be found, depending on whose class it is. */
    private static String missingClassFix(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) {
                String missing = String.valueOf(t.getMessage()).replace('/', '.');
                if (missing.startsWith("dev.governor.")) {
                    return "; " + missing + " is not in this Governor's SPI " + Spi.VERSION
                            + ": the plugin was built for a newer SPI; upgrade Governor or use a build of the plugin for SPI "
                            + Spi.VERSION;
                }
                return "; the class " + missing + " is missing: bundle the library that has it with the plugin (a folder"
                        + " of jars in the plugins folder, or a shaded jar); only governor-api, SLF4J and Jackson's"
                        + " annotations come from Governor";
            }
        }
        return "; check that the class named in " + SERVICE_FILE + " exists in the jar and that the jar"
                + " bundles every library it needs besides governor-api";
    }

    private static List<Path> entries(Path pluginsDir) {
        try (Stream<Path> list = Files.list(pluginsDir)) {
            return list.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins folder " + pluginsDir, e);
        }
    }

    private static PluginClassLoader loaderFor(Path entry, ClassLoader engineLoader) {
        List<Path> jars;
        if (Files.isDirectory(entry)) {
            try (Stream<Path> list = Files.list(entry)) {
                jars = list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list plugin folder " + entry, e);
            }
            if (jars.isEmpty()) {
                LOG.debug("Plugin folder {} has no jars; skipped", entry);
                return null;
            }
        } else {
            jars = List.of(entry);
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new PluginLoadException("cannot use plugin jar " + jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        return new PluginClassLoader("plugin:" + entry.getFileName(), urls, engineLoader);
    }

    private static List<LoadedPlugin> loadFrom(Path entry, PluginClassLoader loader) {
        List<LoadedPlugin> found = new ArrayList<>();
        try {
            if (loader.findResource(SERVICE_FILE) == null) {
                throw new PluginLoadException(entry + " is in the plugins folder but provides no plugin: add "
                        + SERVICE_FILE + " naming the class that implements " + ActionPlugin.class.getName());
            }
            for (ActionPlugin plugin : ServiceLoader.load(ActionPlugin.class, loader)) {
                found.add(new LoadedPlugin(plugin, entry.toString()));
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PluginLoadException(entry + ": cannot load its plugin: " + e.getMessage()
                    + (cause != e ? " (" + cause + ")" : "") + missingClassFix(e), e);
        }
        return found;
    }

    /** Every plugin, classpath first, then the plugins folder in name order. */
    public List<LoadedPlugin> plugins() {
        return plugins;
    }

    /** Action types and the plugin that handles each, sorted by type. */
    public Map<String, LoadedPlugin> actionTypes() {
        return byActionType;
    }

    public boolean handles(String actionType) {
        return byActionType.containsKey(actionType);
    }

    /** The message for an action type no plugin handles, with the fix. */
    public String unhandledMessage(String actionType) {
        String module = KNOWN_FAMILIES.entrySet().stream()
                .filter(e -> actionType.startsWith(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        String fix = module != null
                ? "put " + module + " on the classpath or its jar in the plugins folder"
                : "put the jar of the plugin that provides it in the plugins folder";
        String loaded = byActionType.isEmpty() ? "none" : String.join(", ", byActionType.keySet());
        return "No plugin handles action type '" + actionType + "'; " + fix + " (handled now: " + loaded + ")";
    }

    /**
     * Every action type written literally in these rule files that no plugin handles, as
     * {@code file:line: message} with the fix.
     */
    public List<String> unhandledIn(List<Path> ruleFiles) {
        List<String> problems = new ArrayList<>();
        for (ActionTypeReference reference : ActionTypeReference.scan(ruleFiles)) {
            if (!handles(reference.type())) {
                problems.add(reference.file() + ":" + reference.line() + ": " + unhandledMessage(reference.type()));
            }
        }
        return problems;
    }

    /**
     * Creates one handler per plugin with its settings. Settings for a plugin that is not loaded are an
     * error: a misspelt plugin name would otherwise leave a safety setting unread.
     */
    public Map<String, ActionHandler> createHandlers(Map<String, Map<String, Object>> settings, Clock clock) {
        return createHandlers(settings, clock, Map.of());
    }

    /**
     * As {@link #createHandlers(Map, Clock)}, giving each plugin the configured databases.
     *
     * @param databases the databases from {@code governor.yaml}, by name
     */
    public Map<String, ActionHandler> createHandlers(Map<String, Map<String, Object>> settings, Clock clock,
                                                     Map<String, Database> databases) {
        Set<String> names = plugins.stream().map(LoadedPlugin::name).collect(Collectors.toSet());
        for (String configured : settings.keySet()) {
            if (!names.contains(configured)) {
                throw new PluginLoadException("governor.yaml: 'plugins.settings." + configured + "': no plugin is named '"
                        + configured + "'; loaded plugins: " + String.join(", ", names.stream().sorted().toList()));
            }
        }
        Map<String, ActionHandler> byType = new TreeMap<>();
        List<ActionHandler> created = new ArrayList<>();
        try {
            for (LoadedPlugin loaded : plugins) {
                Map<String, Object> own = settings.getOrDefault(loaded.name(), Map.of());
                ActionHandler handler;
                try {
                    handler = loaded.plugin().create(new Context(loaded.name(), own, clock, Map.copyOf(databases)));
                } catch (LinkageError e) {
                    throw new PluginLoadException(loaded.source() + ": plugin '" + loaded.name() + "' failed to start: " + e
                            + missingClassFix(e), e);
                } catch (RuntimeException e) {
                    throw new PluginLoadException("governor.yaml: 'plugins.settings." + loaded.name() + "': "
                            + e.getMessage(), e);
                }
                if (handler == null) {
                    throw new PluginLoadException("Plugin " + loaded + " created no handler (create returned null)");
                }
                created.add(handler);
                for (String type : loaded.plugin().actionTypes()) {
                    byType.put(type, handler);
                }
            }
        } catch (RuntimeException e) {
            created.forEach(PluginRegistry::closeQuietly);
            throw e;
        }
        return byType;
    }

    /** Closes a handler, logging rather than throwing what it throws. */
    public static void closeQuietly(ActionHandler handler) {
        try {
            handler.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing handler {} failed: {}", handler.getClass().getName(), e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (PluginClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.debug("Closing plugin class loader {} failed", loader.getName(), e);
            }
        }
    }

    private record Context(String pluginName, Map<String, Object> settings, Clock clock, Map<String, Database> databases)
            implements PluginContext {
    }
}
