package dev.governor.benchmarks.engine;

import dev.governor.engine.rules.CompiledRules;
import dev.governor.engine.rules.RuleCompiler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Rule packs written by a program: many threshold rules, or rules over a sliding time window. */
public final class GeneratedRules {

    private static final String HEADER = """
            package bench.generated;

            import dev.governor.api.Action;
            import dev.governor.api.Metric;
            import java.util.Map;

            """;

    private GeneratedRules() {
    }

    /** {@code count} rules, one per metric {@code m0..m(count-1)}: notify when its value is above 90. */
    public static String thresholds(int count) {
        StringBuilder drl = new StringBuilder(HEADER);
        for (int i = 0; i < count; i++) {
            drl.append("""
                    rule "metric m%1$d above 90"
                    when
                        $m : Metric( name == "m%1$d", value > 90.0 )
                    then
                        insert( new Action( "notify.log", "m%1$d", Map.of( "message", "m%1$d at " + $m.value() ), drools.getRule().getName() ) );
                    end

                    """.formatted(i));
        }
        return drl.toString();
    }

    /**
     * {@code count} rules, one per metric {@code w0..w(count-1)}: notify when its average over the last 30 s is
     * above 90 ({@code accumulate ... over window:time( 30s )}).
     */
    public static String windowed(int count) {
        StringBuilder drl = new StringBuilder(HEADER);
        for (int i = 0; i < count; i++) {
            drl.append("""
                    rule "metric w%1$d averages above 90 over 30 s"
                    when
                        $avg : Number( doubleValue > 90.0 ) from accumulate(
                            Metric( name == "w%1$d", $v : value ) over window:time( 30s ), average( $v ) )
                    then
                        insert( new Action( "notify.log", "w%1$d", Map.of( "message", "w%1$d averages " + $avg ), drools.getRule().getName() ) );
                    end

                    """.formatted(i));
        }
        return drl.toString();
    }

    public static CompiledRules compile(String name, String drl) {
        return new RuleCompiler(Duration.ofMinutes(5)).compileSources(Map.of(name, drl), Map.of(name, Path.of(name)));
    }
}
