package dev.governor.spi;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the plugin SPI ({@code dev.governor.spi} and the {@code dev.governor.api} types plugins
 * use), as {@code MAJOR.MINOR}. A plugin records the version it was built against by returning
 * {@link #VERSION} from {@link ActionPlugin#spiVersion()}:
 *
 * <pre>{@code
 * @Override
 * public String spiVersion() { return Spi.VERSION; }
 * }</pre>
 *
 * {@code VERSION} is a compile-time constant, so javac copies its value into the plugin's own class file:
 * at run time the method returns the version of the {@code governor-api} the plugin was compiled
 * against, not the engine's.
 *
 * <p>Compatibility: Governor loads a plugin built for the same major version and a minor version no newer
 * than its own ({@link #compatible}). The minor version grows when the SPI gains something (a default
 * method, a type), which an older plugin does not use and a newer one might; the major version grows
 * when something is removed or changes meaning, which no plugin of another major can be trusted with.
 */
public final class Spi {

    /** Grows when something is removed from the SPI or changes meaning. */
    public static final int MAJOR = 1;

    /** Grows when the SPI gains something; back to 0 with each new major. */
    public static final int MINOR = 0;

    /** {@code MAJOR.MINOR}, e.g. {@code 1.0}; a compile-time constant. */
    public static final String VERSION = MAJOR + "." + MINOR;

    /**
     * The version a plugin that does not override {@link ActionPlugin#spiVersion()} is taken to be built
     * for: the first versioned SPI, which every such plugin can use.
     */
    public static final String BASELINE = "1.0";

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");

    private Spi() {
    }

    /**
     * Why a plugin built for SPI {@code pluginVersion} cannot run on this SPI, or null when it can: same
     * major, and a minor no newer than {@link #MINOR}.
     *
     * @return a sentence naming both versions and the fix; null when compatible
     */
    public static String incompatibility(String pluginVersion) {
        if (pluginVersion == null) {
            return "it declares no SPI version (spiVersion() returned null); return Spi.VERSION from it and rebuild";
        }
        Matcher matcher = FORMAT.matcher(pluginVersion);
        if (!matcher.matches()) {
            return "its SPI version '" + pluginVersion + "' is not MAJOR.MINOR; return Spi.VERSION from spiVersion() and rebuild";
        }
        int major = Integer.parseInt(matcher.group(1));
        int minor = Integer.parseInt(matcher.group(2));
        if (major != MAJOR) {
            return "it was built for SPI " + pluginVersion + " and this Governor provides SPI " + VERSION
                    + "; a plugin runs only on the SPI major version it was built for: use a build of the plugin for SPI "
                    + MAJOR + ".x (compiled against a governor-api with SPI " + MAJOR + ".x)"
                    + (major > MAJOR ? ", or upgrade Governor to one with SPI " + major + ".x" : "");
        }
        if (minor > MINOR) {
            return "it was built for SPI " + pluginVersion + " and this Governor provides SPI " + VERSION
                    + ", which lacks what " + pluginVersion + " added: upgrade Governor to one with SPI " + pluginVersion
                    + " or newer, or use a build of the plugin compiled against a governor-api with SPI " + VERSION;
        }
        return null;
    }

    /** True when a plugin built for SPI {@code pluginVersion} runs on this SPI. */
    public static boolean compatible(String pluginVersion) {
        return incompatibility(pluginVersion) == null;
    }
}
