package dev.governor.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host sampler's options, checked as {@code governor check} does, without sampling. */
class HostSamplerTest {

    private final SamplerFactory factory = Samplers.builtIn(Clock.systemUTC()).get("host");

    @Test
    void isRegisteredWithItsOptions() {
        assertThat(factory.optionNames()).containsExactlyInAnyOrder("network", "tcp", "interfaces");
    }

    @Test
    void defaultsToNetworkAndTcpForEveryInterfaceButLoopback() {
        assertThat(HostSampler.Options.parse(Map.of())).isEqualTo(new HostSampler.Options(true, true, List.of()));
    }

    @Test
    void readsSwitchesAndAnInterfaceList() {
        HostSampler.Options options = HostSampler.Options.parse(
                Map.of("network", "FALSE", "tcp", " false ", "interfaces", "eth*, lo,ens?"));

        assertThat(options).isEqualTo(new HostSampler.Options(false, false, List.of("eth*", "lo", "ens?")));
    }

    @Test
    void rejectsASwitchThatIsNeitherTrueNorFalse() {
        assertThatThrownBy(() -> factory.validate(Map.of("network", "maybe")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: unknown option value network='maybe'; expected true or false");
        assertThatThrownBy(() -> factory.validate(Map.of("tcp", "1")))
                .hasMessage("host: unknown option value tcp='1'; expected true or false");
    }

    @Test
    void rejectsEmptyOrMalformedInterfaceNames() {
        assertThatThrownBy(() -> factory.validate(Map.of("interfaces", "eth0,,lo")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: option interfaces='eth0,,lo' has an empty entry; "
                        + "expected a comma list of interface names or globs such as eth*,lo");
        assertThatThrownBy(() -> factory.validate(Map.of("interfaces", "eth 0")))
                .hasMessageContaining("a bad entry 'eth 0'");
        assertThatThrownBy(() -> factory.validate(Map.of("interfaces", "")))
                .hasMessageContaining("an empty entry");
    }
}
