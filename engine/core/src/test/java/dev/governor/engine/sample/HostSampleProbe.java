package dev.governor.engine.sample;

import dev.governor.api.Fact;
import dev.governor.api.HostSample;
import dev.governor.engine.json.FactCodec;
import java.time.Clock;
import java.util.List;

/** Run by {@link HostSamplerCgroupIT} in a child JVM: prints one host sample as a JSON line, then exits. */
public final class HostSampleProbe {

    private HostSampleProbe() {
    }

    public static void main(String[] args) throws Exception {
        Clock clock = Clock.systemUTC();
        try (HostSampler sampler = new HostSampler(clock, new HostSampler.Options(false, false, List.of()))) {
            for (Fact fact : sampler.sample()) {
                if (fact instanceof HostSample) {
                    System.out.println(new FactCodec(clock).write(fact));
                }
            }
        }
    }
}
