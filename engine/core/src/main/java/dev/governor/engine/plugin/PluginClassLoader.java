package dev.governor.engine.plugin;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * The class loader of one plugin (one jar, or one folder of jars). Only Governor's API and SPI, SLF4J
 * and Jackson's annotations come from the engine; everything else the plugin brings is its own, so a
 * plugin's libraries neither clash with the engine's nor see them.
 */
final class PluginClassLoader extends URLClassLoader {

    static final List<String> SHARED_PACKAGES = List.of(
            "dev.governor.api.",
            "dev.governor.spi.",
            "org.slf4j.",
            "com.fasterxml.jackson.annotation.");

    private final ClassLoader engineLoader;

    PluginClassLoader(String name, URL[] urls, ClassLoader engineLoader) {
        super(name, urls, ClassLoader.getPlatformClassLoader());
        this.engineLoader = engineLoader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String shared : SHARED_PACKAGES) {
            if (name.startsWith(shared)) {
                return engineLoader.loadClass(name);
            }
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    // The platform's own classes first (java.*, javax.* of the JDK), then the plugin's.
                    loaded = getParent().loadClass(name);
                } catch (ClassNotFoundException notPlatform) {
                    loaded = findClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }
}
