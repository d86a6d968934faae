package dev.governor.examples.diagnose;

import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.util.Set;

/**
 * {@code jvm.diagnose}: captures evidence from a JVM through its {@code DiagnosticCommand} MBean (what
 * {@code jcmd} uses) and writes it to a folder: a class histogram, a thread dump, or a JFR recording. The
 * outcome names the file, so the audit line says where the evidence is.
 *
 * <p>Target: {@code self} (Governor's own JVM, or the application's when Governor is embedded), or the name
 * of a remote in the settings. Params: {@code kind} ({@code histogram}, {@code threads} or {@code jfr}),
 * {@code duration} for {@code jfr}, {@code all} for {@code histogram}. Settings: see the README.
 */
public final class DiagnosePlugin implements ActionPlugin {

    public static final String JVM_DIAGNOSE = "jvm.diagnose";

    @Override
    public String name() {
        return "diagnose";
    }

    /** The SPI this plugin was compiled against: javac copies the constant into this class. */
    @Override
    public String spiVersion() {
        return Spi.VERSION;
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of(JVM_DIAGNOSE);
    }

    @Override
    public ActionHandler create(PluginContext context) {
        return new DiagnoseHandler(DiagnoseSettings.parse(context.settings()), context.clock());
    }
}
