package dev.governor.engine.sample;

import static dev.governor.engine.sample.HostSampler.Options.Kind.HOST;
import static dev.governor.engine.sample.HostSampler.Options.Kind.NETWORK;
import static dev.governor.engine.sample.HostSampler.Options.Kind.TCP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host sampler's options, checked as {@code governor check} does, without sampling. */
class HostSamplerTest {

    private final SamplerFactory factory = Samplers.builtIn(Clock.systemUTC()).get("host");

    @Test
    void isRegisteredWithItsOptions() {
        assertThat(factory.optionNames()).containsExactlyInAnyOrder("facts", "network", "tcp", "interfaces");
    }

    @Test
    void defaultsToHostNetworkAndTcpForEveryInterfaceButLoopback() {
        assertThat(HostSampler.Options.parse(Map.of()))
                .isEqualTo(new HostSampler.Options(Set.of(HOST, NETWORK, TCP), List.of()))
                .isEqualTo(HostSampler.Options.DEFAULTS);
    }

    @Test
    void readsSwitchesAndAnInterfaceList() {
        HostSampler.Options options = HostSampler.Options.parse(
                Map.of("network", "FALSE", "tcp", " false ", "interfaces", "eth*, lo,ens?"));

        assertThat(options).isEqualTo(new HostSampler.Options(Set.of(HOST), List.of("eth*", "lo", "ens?")));
    }

    @Test
    void switchesLeaveOutWhatTheyTurnOffAndKeepTheHost() {
        assertThat(HostSampler.Options.parse(Map.of("tcp", "false")).facts()).containsExactly(HOST, NETWORK);
        assertThat(HostSampler.Options.parse(Map.of("network", "false")).facts()).containsExactly(HOST, TCP);
        assertThat(HostSampler.Options.parse(Map.of("network", "true", "tcp", "true")).facts())
                .containsExactly(HOST, NETWORK, TCP);
    }

    @Test
    void factsNamesExactlyWhatToSample() {
        assertThat(HostSampler.Options.parse(Map.of("facts", "tcp")).facts()).containsExactly(TCP);
        assertThat(HostSampler.Options.parse(Map.of("facts", "host")).facts()).containsExactly(HOST);
        assertThat(HostSampler.Options.parse(Map.of("facts", " Network, host ,network")).facts())
                .containsExactly(HOST, NETWORK);
        assertThat(HostSampler.Options.parse(Map.of("facts", "host,network,tcp"))).isEqualTo(HostSampler.Options.DEFAULTS);
    }

    @Test
    void rejectsAnUnknownOrEmptyEntryInFactsNamingTheValidOnes() {
        assertThatThrownBy(() -> factory.validate(Map.of("facts", "host,cpu")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: option facts='host,cpu' has an unknown entry 'cpu'; "
                        + "expected a comma list of host,network,tcp");
        assertThatThrownBy(() -> factory.validate(Map.of("facts", "TcpConnections")))
                .hasMessageContaining("an unknown entry 'TcpConnections'");
        assertThatThrownBy(() -> factory.validate(Map.of("facts", "")))
                .hasMessage("host: option facts='' has an empty entry; expected a comma list of host,network,tcp");
        assertThatThrownBy(() -> factory.validate(Map.of("facts", "host,,tcp")))
                .hasMessageContaining("an empty entry");
    }

    @Test
    void acceptsSwitchesBesideFactsThatSayTheSame() {
        assertThat(HostSampler.Options.parse(Map.of("facts", "host", "tcp", "false", "network", "false")).facts())
                .containsExactly(HOST);
        assertThat(HostSampler.Options.parse(Map.of("facts", "tcp", "tcp", "true")).facts()).containsExactly(TCP);
    }

    @Test
    void rejectsASwitchThatContradictsFacts() {
        assertThatThrownBy(() -> factory.validate(Map.of("facts", "host,tcp", "tcp", "false")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: options facts='host,tcp' and tcp=false disagree: facts names tcp; "
                        + "drop tcp and let facts say what to sample");
        assertThatThrownBy(() -> factory.validate(Map.of("facts", "host", "network", "true")))
                .hasMessage("host: options facts='host' and network=true disagree: facts leaves out network; "
                        + "drop network and let facts say what to sample");
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
