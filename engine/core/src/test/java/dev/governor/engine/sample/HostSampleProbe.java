package dev.governor.engine.sample;

import static dev.governor.engine.sample.HostSampler.Options.Kind.HOST;
import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.engine.json.FactCodec;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** Run by {@link HostSamplerCgroupIT} in a child JVM: prints one host sample as a JSON line, then exits. */
public final class HostSampleProbe {

    private HostSampleProbe() {
    }

    public static void main(String[] args) throws Exception {
        Clock clock = Clock.systemUTC();
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(Set.of(HOST), List.of()))) {
            for (Fact fact : sampler.sample()) {
                if (fact instanceof HostSample) {
                    System.out.println(new FactCodec(clock).write(fact));
                }
            }
        }
    }
}
